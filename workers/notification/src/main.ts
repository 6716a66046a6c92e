import './tracing.js';
import 'reflect-metadata';
import { createLogger, runService } from '@shop/kit';
import { startNotificationWorker } from './app.js';
import { loadNotificationEnv } from './environment.js';

const env = loadNotificationEnv();
runService(createLogger('notification', env.LOG_LEVEL), () => startNotificationWorker(env));
