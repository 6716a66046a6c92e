export { connectProductDatabase, seedProducts, startProductService, entities } from './app.js';
export { loadProductEnv, productEnvSchema, type ProductEnv } from './environment.js';
export { buildProductSubgraph, SUBGRAPH_NAME } from './schema.js';
export type { ProductCache, ProductRecord } from './modules/product/product.cache.js';
