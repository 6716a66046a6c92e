export { startOrderService } from './app.js';
export { loadOrderEnv, orderEnvSchema, type OrderEnv } from './environment.js';
export { buildOrderSubgraph, SUBGRAPH_NAME } from './schema.js';
