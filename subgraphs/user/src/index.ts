export { connectUserDatabase, seedUsers, startUserService, entities } from './app.js';
export { loadUserEnv, userEnvSchema, type UserEnv } from './environment.js';
export { buildUserSubgraph, SUBGRAPH_NAME } from './schema.js';
