import './tracing.js';
import 'reflect-metadata';
import { createLogger, runService } from '@shop/kit';
import { startUserService } from './app.js';
import { loadUserEnv } from './environment.js';

const env = loadUserEnv();
runService(createLogger('user', env.LOG_LEVEL), () => startUserService(env, { prepare: env.MIGRATE_ON_START }));
