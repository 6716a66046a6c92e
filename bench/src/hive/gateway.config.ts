// Hive Gateway's configuration for `--peer hive`: the Rust query planner (router-runtime), our supergraph with the bench's
// subgraph URLs, and the same headers our gateway sends each subgraph (the caller's token, the gateway credential).
import { defineConfig } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { GatewayCredentials, INTERNAL_CREDENTIAL_HEADER } from '@shop/kit';

// Subgraphs answer nothing without this short-lived credential (they return 401): Hive must mint it as ours does.
const credentials = new GatewayCredentials(process.env.GATEWAY_TOKEN_SECRET ?? '');

export const gatewayConfig = defineConfig({
  supergraph: process.env.BENCH_SUPERGRAPH_PATH ?? 'supergraph.graphql',
  unifiedGraphHandler: unifiedGraphHandler as never,
  propagateHeaders: {
    fromClientToSubgraphs: async ({ request }) => ({
      authorization: request.headers.get('authorization') ?? undefined,
      [INTERNAL_CREDENTIAL_HEADER]: await credentials.get(),
    }),
  },
  logging: 'warn',
});
