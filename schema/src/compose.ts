import 'reflect-metadata';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { parse } from 'graphql';
import { buildCartSubgraph } from '@shop/cart/schema';
import { buildOrderSubgraph } from '@shop/order/schema';
import { buildProductSubgraph } from '@shop/product/schema';
import { buildRecommendationSubgraph } from '@shop/recommendation/schema';
import { buildUserSubgraph } from '@shop/user/schema';

/** Where each subgraph listens by default; the gateway overrides these from USER_URL, PRODUCT_URL, ... */
export const SUBGRAPHS = [
  { name: 'user', url: 'http://localhost:4001/graphql', build: buildUserSubgraph },
  { name: 'product', url: 'http://localhost:4002/graphql', build: buildProductSubgraph },
  { name: 'cart', url: 'http://localhost:4003/graphql', build: buildCartSubgraph },
  { name: 'order', url: 'http://localhost:4004/graphql', build: buildOrderSubgraph },
  { name: 'recommendation', url: 'http://localhost:4005/graphql', build: buildRecommendationSubgraph },
] as const;

const SCHEMA_DIR = path.resolve(__dirname, '../..');

export interface Composed {
  /** File path (relative to schema/) -> content. */
  files: Map<string, string>;
}

/** Prints every subgraph's SDL from code (no servers) and composes the supergraph and the client API schema. */
export async function compose(): Promise<Composed> {
  const files = new Map<string, string>();
  const services = [];
  for (const subgraph of SUBGRAPHS) {
    const { sdl } = await subgraph.build();
    files.set(`subgraphs/${subgraph.name}.graphql`, `${sdl.trim()}\n`);
    services.push({ name: subgraph.name, url: subgraph.url, typeDefs: parse(sdl) });
  }
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  files.set('supergraph.graphql', `${result.supergraphSdl.trim()}\n`);
  const api = lexicographicSortSchema(result.schema.toAPISchema().toGraphQLJSSchema());
  files.set('api.graphql', `${printSchema(api).trim()}\n`);
  return { files };
}

async function main(mode: string | undefined): Promise<void> {
  const { files } = await compose();
  if (mode === 'write') {
    for (const [file, content] of files) {
      await mkdir(path.dirname(path.join(SCHEMA_DIR, file)), { recursive: true });
      await writeFile(path.join(SCHEMA_DIR, file), content);
    }
    console.log(`composed ${SUBGRAPHS.length} subgraphs -> ${[...files.keys()].map((f) => `schema/${f}`).join(', ')}`);
    return;
  }
  const stale: string[] = [];
  for (const [file, content] of files) {
    const committed = await readFile(path.join(SCHEMA_DIR, file), 'utf8').catch(() => null);
    if (committed !== content) stale.push(`schema/${file}`);
  }
  if (stale.length) {
    console.error(`The committed schema differs from the code: ${stale.join(', ')}\nFix it with: npm run compose`);
    process.exit(1);
  }
  console.log(`schema: ${files.size} files match a fresh composition`);
}

if (require.main === module) {
  main(process.argv[2]).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
