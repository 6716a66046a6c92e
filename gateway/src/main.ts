import './tracing.js';
import { createLogger, runService } from '@shop/kit';
import { loadGatewayEnv } from './environment.js';
import { startGateway } from './gateway.js';

const env = loadGatewayEnv();
runService(createLogger('gateway', env.LOG_LEVEL), () => startGateway(env));
