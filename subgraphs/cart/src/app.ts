import { createLogger, startHttpService } from '@shop/kit';
import type { CartEnv } from './environment.js';
import { buildCartSubgraph, SUBGRAPH_NAME } from './schema.js';

export async function startCartService(env: CartEnv) {
  const log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL);
  const { schema } = await buildCartSubgraph();
  const server = await startHttpService({
    name: SUBGRAPH_NAME,
    graphql: { schema },
    port: env.CART_PORT,
    production: env.NODE_ENV === 'production',
    log,
    readiness: {},
    context: async () => ({}),
  });
  return { server, close: () => server.close() };
}
