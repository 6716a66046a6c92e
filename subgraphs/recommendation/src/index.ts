export { connectRecommendationDatabase, startRecommendationService, entities } from './app.js';
export { loadRecommendationEnv, recommendationEnvSchema, type RecommendationEnv } from './environment.js';
export { buildRecommendationSubgraph, SUBGRAPH_NAME } from './schema.js';
