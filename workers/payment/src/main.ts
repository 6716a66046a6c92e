import './tracing.js';
import 'reflect-metadata';
import { createLogger, runService } from '@shop/kit';
import { startPaymentWorker } from './app.js';
import { loadPaymentEnv } from './environment.js';

const env = loadPaymentEnv();
runService(createLogger('payment', env.LOG_LEVEL), () => startPaymentWorker(env));
