import './tracing.js';
import 'reflect-metadata';
import { createLogger, runService } from '@shop/kit';
import { startOrderService } from './app.js';
import { loadOrderEnv } from './environment.js';

const env = loadOrderEnv();
runService(createLogger('order', env.LOG_LEVEL), () => startOrderService(env, { prepare: env.MIGRATE_ON_START }));
