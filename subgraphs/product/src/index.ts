export { connectProductDatabase, seedProducts, startProductService, entities } from './app.js';
export { loadProductEnv, productEnvSchema, type ProductEnv } from './environment.js';
export { buildProductSubgraph, SUBGRAPH_NAME } from './schema.js';
