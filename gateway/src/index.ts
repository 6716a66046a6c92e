export { loadGatewayEnv, gatewayEnvSchema, type GatewayEnv } from './environment.js';
export { startGateway, type GatewayContext } from './gateway.js';
