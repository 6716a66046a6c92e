export { connectCartDatabase, startCartService, entities } from './app.js';
export { loadCartEnv, cartEnvSchema, type CartEnv } from './environment.js';
export { buildCartSubgraph, SUBGRAPH_NAME } from './schema.js';
