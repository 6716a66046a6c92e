export { connectOrderDatabase, entities, startOrderService } from './app.js';
export { loadOrderEnv, orderEnvSchema, type OrderEnv } from './environment.js';
export { orderIdFor } from './modules/order/order.service.js';
export { buildOrderSubgraph, SUBGRAPH_NAME } from './schema.js';
export { DueWork } from './modules/order/due-work.js';
