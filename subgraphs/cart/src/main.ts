import './tracing.js';
import 'reflect-metadata';
import { createLogger, runService } from '@shop/kit';
import { startCartService } from './app.js';
import { loadCartEnv } from './environment.js';

const env = loadCartEnv();
runService(createLogger('cart', env.LOG_LEVEL), () => startCartService(env, { prepare: env.MIGRATE_ON_START }));
