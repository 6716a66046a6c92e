import { createLogger, startHttpService } from '@shop/kit';
import type { OrderEnv } from './environment.js';
import { buildOrderSubgraph, SUBGRAPH_NAME } from './schema.js';

export async function startOrderService(env: OrderEnv) {
  const log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL);
  const { schema } = await buildOrderSubgraph();
  const server = await startHttpService({
    name: SUBGRAPH_NAME,
    graphql: { schema },
    port: env.ORDER_PORT,
    production: env.NODE_ENV === 'production',
    log,
    readiness: {},
    context: async () => ({}),
  });
  return { server, close: () => server.close() };
}
