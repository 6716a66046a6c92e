import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { measureOperation, queryTooComplex, setBounded, shapeViolation } from '@shop/kit';
import { getNullableType, GraphQLError, isListType, Kind, parse, type DocumentNode, type GraphQLField, type GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxDirectives: number;
  maxCost: number;
  maxDocumentBytes: number;
}

/**
 * Expected sizes of lists that take no `first` (nothing bounds them in the schema): what one item's subtree is
 * multiplied by. Connection edges count once, because the connection's `first` already multiplied them.
 */
export const LIST_SIZES: Readonly<Record<string, number>> = {
  'Cart.items': 20,
  'Order.items': 20,
  'Order.statusHistory': 5,
};
export const DEFAULT_LIST_SIZE = 10;

function multiplierOf(typeName: string, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number {
  const first = field.args.find((arg) => arg.name === 'first');
  if (first) {
    const given = args.first ?? first.defaultValue;
    return typeof given === 'number' && given > 0 ? given : DEFAULT_LIST_SIZE;
  }
  if (!isListType(getNullableType(field.type))) return 1;
  if (typeName.endsWith('Connection') && field.name === 'edges') return 1;
  return LIST_SIZES[`${typeName}.${field.name}`] ?? DEFAULT_LIST_SIZE;
}

/** 1 per field, plus its subtree times the number of items it may return. */
const listAwareEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) =>
  1 + multiplierOf(type.name, field, args) * childComplexity;

/** The operation's cost (list sizes multiplied in), as graphql-query-complexity computes it with our estimator. */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  maxQueryNodes?: number,
): number {
  return getComplexity({
    schema,
    query: document,
    estimators: [listAwareEstimator],
    variables: variables ?? {},
    ...(operationName ? { operationName } : {}),
    ...(maxQueryNodes ? { maxQueryNodes } : {}),
  });
}

/** documentBytes: the text as sent, comments and whitespace included (the token limit does not count those). */
export function checkDocumentSize(source: string, limits: Pick<OperationLimits, 'maxDocumentBytes'>): GraphQLError | null {
  // Cheap bound first: a UTF-8 character takes at most 3 bytes per UTF-16 unit.
  if (source.length * 3 <= limits.maxDocumentBytes) return null;
  const bytes = Buffer.byteLength(source, 'utf8');
  return bytes > limits.maxDocumentBytes ? queryTooComplex('documentBytes', limits.maxDocumentBytes, bytes) : null;
}

/**
 * Depth, directives, aliases and root fields of every operation in the document, in that order. Needs no schema
 * and no variables, so it runs before validation, which itself costs time on huge alias or directive lists.
 */
export function checkShape(document: DocumentNode, limits: OperationLimits): GraphQLError | null {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const shape = measureOperation({ kind: Kind.DOCUMENT, definitions: [definition, ...fragmentsOf(document)] });
    const refused =
      shape &&
      shapeViolation(shape, {
        depth: limits.maxDepth,
        directives: limits.maxDirectives,
        aliases: limits.maxAliases,
        rootFields: limits.maxRootFields,
      });
    if (refused) return refused;
  }
  return null;
}

const fragmentsOf = (document: DocumentNode) => document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);

/** The cost of the operation to run, with its variables; expects a validated document. */
export function checkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: OperationLimits,
): GraphQLError | null {
  const shape = measureOperation(document, operationName);
  if (!shape) return null;
  // Every field costs at least 1, so this bound refuses fragment bombs before anything walks them out.
  if (shape.fields > limits.maxCost) return queryTooComplex('cost', limits.maxCost, shape.fields);
  let cost: number;
  try {
    cost = operationCost(schema, document, operationName, variables, shape.fields + 1000);
  } catch (error) {
    // Variables that do not fit their types: execution refuses them with its own error, before any fetch.
    if (error instanceof GraphQLError) return null;
    throw error;
  }
  return cost > limits.maxCost ? queryTooComplex('cost', limits.maxCost, cost) : null;
}

/**
 * The one check every operation passes before any subgraph is called, over HTTP and graphql-ws alike: the
 * QUERY_TOO_COMPLEX error to refuse it with, or null. Both servers run its two halves around validation.
 */
export function checkOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: OperationLimits,
): GraphQLError | null {
  return checkShape(document, limits) ?? checkCost(schema, document, operationName, variables, limits);
}

/** Verdicts remembered per document, at most this many operation-name and variables pairs each. */
const VERDICTS_PER_DOCUMENT = 64;

/**
 * `checkOperation` with its verdicts remembered. Apollo hands over the same validated DocumentNode for the same text
 * (its document store) until the schema changes, and the verdict depends only on the schema, the document, the
 * operation name and the variables: so a verdict is kept per schema and document (weakly: a replaced schema or an
 * evicted document takes its verdicts with it), keyed by operation name and the variables' JSON. Walking the
 * document for its shape and cost was about 5% of the gateway's CPU per cart read, for an answer that never changes.
 */
export function rememberedChecks(limits: OperationLimits) {
  const bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, GraphQLError | null>>>();
  return (
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
  ): GraphQLError | null => {
    let documents = bySchema.get(schema);
    if (!documents) bySchema.set(schema, (documents = new WeakMap()));
    let verdicts = documents.get(document);
    if (!verdicts) documents.set(document, (verdicts = new Map()));
    const key = `${operationName ?? ''}\n${variables ? JSON.stringify(variables) : ''}`;
    const known = verdicts.get(key);
    if (known !== undefined) return known;
    const verdict = checkOperation(schema, document, operationName, variables, limits);
    setBounded(verdicts, key, verdict, VERDICTS_PER_DOCUMENT);
    return verdict;
  };
}

/** The error as a graphql-ws client receives it: the `http` extension is for HTTP responses only. */
export function forSocket(error: GraphQLError): GraphQLError {
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { extensions });
}

/**
 * The checks that need only the text: its size, then (parsed) the shape of its operations. Bounded cache by text,
 * since clients send the same few operations; a text that does not parse is left to the server to report.
 */
export function textChecker(limits: OperationLimits, maxTokens: number) {
  const verdicts = new Map<string, GraphQLError | null>();
  return (query: string): GraphQLError | null => {
    const tooLong = checkDocumentSize(query, limits);
    if (tooLong) return tooLong;
    let verdict = verdicts.get(query);
    if (verdict === undefined) {
      try {
        verdict = checkShape(parse(query, { maxTokens }), limits);
      } catch {
        verdict = null;
      }
      setBounded(verdicts, query, verdict, 500);
    }
    return verdict;
  };
}

/**
 * Apollo plugin: the cost once the operation is resolved (validated document and variables known), before the
 * gateway plans or fetches anything. The text checks run before Apollo (see `textChecker`), because Apollo turns
 * an error thrown from its earlier hooks into a 500. `skip` exempts the gateway's own in-process reads, whose
 * client operation was checked when it arrived over the socket.
 */
export function operationLimitsPlugin<TContext extends BaseContext>(
  limits: OperationLimits,
  skip: (context: TContext) => boolean = () => false,
): ApolloServerPlugin<TContext> {
  const check = rememberedChecks(limits);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request, contextValue }) {
          if (skip(contextValue)) return;
          const refused = check(schema, document, operationName, request.variables);
          if (refused) throw refused;
        },
      };
    },
  };
}
