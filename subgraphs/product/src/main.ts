import './tracing.js';
import 'reflect-metadata';
import { createLogger, runService } from '@shop/kit';
import { startProductService } from './app.js';
import { loadProductEnv } from './environment.js';

const env = loadProductEnv();
runService(createLogger('product', env.LOG_LEVEL), () => startProductService(env, { prepare: env.MIGRATE_ON_START }));
