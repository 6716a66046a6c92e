import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import DataLoader from 'dataloader';
import { parse, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, createResolversMap, type BuildSchemaOptions } from 'type-graphql';

/** Re-exported so services batch per request with the same DataLoader the kit uses for references. */
export { DataLoader };

export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@override", "@tag"])';

/** Loads many entities by key in one round trip; must return one result (or null) per id, in order. */
export type ReferenceLoader<TContext> = (ids: readonly string[], context: TContext) => Promise<ReadonlyArray<unknown>>;

export interface SubgraphDefinition<TContext> {
  resolvers: BuildSchemaOptions['resolvers'];
  orphanedTypes?: BuildSchemaOptions['orphanedTypes'];
  pubSub?: BuildSchemaOptions['pubSub'];
  /** `__resolveReference` per entity type, batched per request with DataLoader. */
  references?: Record<string, ReferenceLoader<TContext>>;
  /** `__resolveReference` for entities computed from the representation itself (keys + @requires), no loading. */
  fromRepresentation?: Record<string, (representation: Record<string, unknown>, context: TContext) => unknown>;
}

export interface BuiltSubgraph {
  schema: GraphQLSchema;
  /** The subgraph's SDL with federation directives and the @link header, as composition reads it. */
  sdl: string;
}

const loadersByContext = new WeakMap<object, Map<string, DataLoader<string, unknown>>>();

function loaderFor<TContext>(typeName: string, load: ReferenceLoader<TContext>, context: TContext): DataLoader<string, unknown> {
  const key = context as object;
  let loaders = loadersByContext.get(key);
  if (!loaders) {
    loaders = new Map();
    loadersByContext.set(key, loaders);
  }
  let loader = loaders.get(typeName);
  if (!loader) {
    loader = new DataLoader<string, unknown>((ids) => load(ids, context).then((rows) => [...rows]), { maxBatchSize: 1000 });
    loaders.set(typeName, loader);
  }
  return loader;
}

/** Turns a type-graphql 2 schema into a Federation 2 subgraph: directives kept, @link added, references batched. */
export async function buildFederatedSubgraph<TContext>(definition: SubgraphDefinition<TContext>): Promise<BuiltSubgraph> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: definition.resolvers,
    orphanedTypes: definition.orphanedTypes ?? [],
    pubSub: definition.pubSub,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    emitSchemaFile: false,
  } as BuildSchemaOptions);
  const sdl = `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeGraphqlSchema)}`;
  const resolvers = createResolversMap(typeGraphqlSchema) as Record<string, Record<string, unknown>>;
  for (const [typeName, load] of Object.entries(definition.references ?? {})) {
    resolvers[typeName] = {
      ...(resolvers[typeName] ?? {}),
      __resolveReference: (reference: { id: string }, context: TContext) => loaderFor(typeName, load, context).load(String(reference.id)),
    };
  }
  for (const [typeName, resolve] of Object.entries(definition.fromRepresentation ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] ?? {}), __resolveReference: resolve };
  }
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: resolvers as never });
  return { schema, sdl };
}
