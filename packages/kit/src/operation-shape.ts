import { getOperationAST, GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/** What one operation asks for, with every fragment (named and inline) expanded where it is used. */
export interface OperationShape {
  /** Levels of fields; fragments add none. `{ me { id } }` is 2. */
  depth: number;
  /** Aliased fields, `__typename` included. */
  aliases: number;
  /** Fields at the top level, `__typename` excepted. */
  rootFields: number;
  /** Directive uses (`@include`, `@skip`, ...) anywhere in the operation, including the operation's own. */
  directives: number;
  /** Fields in all: a lower bound of any cost that charges at least 1 per field. */
  fields: number;
}

interface SelectionShape {
  depth: number;
  aliases: number;
  directives: number;
  fields: number;
}

const EMPTY: SelectionShape = { depth: 0, aliases: 0, directives: 0, fields: 0 };

/**
 * Measures the operation `operationName` selects, or null when there is no such single operation. Each fragment
 * is measured once and its counts reused, so a document that spreads one fragment many times costs linear time
 * while its counts still add up as if it were written out (they can grow large; that is what the limits catch).
 */
export function measureOperation(document: DocumentNode, operationName?: string | null): OperationShape | null {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, SelectionShape>();
  const active = new Set<string>();

  const fragmentShape = (name: string): SelectionShape => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    // An unknown or cyclic spread is a validation error reported elsewhere; it adds nothing here.
    if (!fragment || active.has(name)) return EMPTY;
    active.add(name);
    const inner = selectionShape(fragment.selectionSet);
    active.delete(name);
    const shape = { ...inner, directives: inner.directives + (fragment.directives?.length ?? 0) };
    measured.set(name, shape);
    return shape;
  };

  const selectionShape = (set: SelectionSetNode): SelectionShape => {
    const total = { ...EMPTY };
    const add = (part: SelectionShape, depth: number) => {
      total.depth = Math.max(total.depth, depth);
      total.aliases += part.aliases;
      total.directives += part.directives;
      total.fields += part.fields;
    };
    for (const selection of set.selections) {
      const own = selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        const inner = selection.selectionSet ? selectionShape(selection.selectionSet) : EMPTY;
        add(
          { depth: 0, aliases: inner.aliases + (selection.alias ? 1 : 0), directives: inner.directives + own, fields: inner.fields + 1 },
          inner.depth + 1,
        );
      } else {
        const inner =
          selection.kind === Kind.INLINE_FRAGMENT ? selectionShape(selection.selectionSet) : fragmentShape(selection.name.value);
        add({ ...inner, directives: inner.directives + own }, inner.depth);
      }
    }
    return total;
  };

  const countRootFields = (set: SelectionSetNode, seen: Set<string>): number =>
    set.selections.reduce((sum, selection) => {
      if (selection.kind === Kind.FIELD) return sum + (selection.name.value === '__typename' ? 0 : 1);
      if (selection.kind === Kind.INLINE_FRAGMENT) return sum + countRootFields(selection.selectionSet, seen);
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) return sum;
      return sum + countRootFields(fragment.selectionSet, new Set([...seen, fragment.name.value]));
    }, 0);

  const shape = selectionShape(operation.selectionSet);
  return {
    depth: shape.depth,
    aliases: shape.aliases,
    rootFields: countRootFields(operation.selectionSet, new Set()),
    directives: shape.directives + (operation.directives?.length ?? 0),
    fields: shape.fields,
  };
}

export type OperationRule = 'depth' | 'aliases' | 'rootFields' | 'directives' | 'cost' | 'documentBytes' | 'batchedOperations';

const RULE_WORDS: Record<OperationRule, string> = {
  depth: 'nests fields deeper',
  aliases: 'uses more aliases',
  rootFields: 'asks for more top-level fields',
  directives: 'uses more directives',
  cost: 'would cost more',
  documentBytes: 'is longer (in bytes)',
  batchedOperations: 'batches more operations',
};

/** QUERY_TOO_COMPLEX: refused before anything runs; `http` sets the status and Apollo strips it from the response. */
export function queryTooComplex(rule: OperationRule, limit: number, cost: number): GraphQLError {
  return new GraphQLError(`This operation ${RULE_WORDS[rule]} than allowed (${rule}: ${cost}, limit ${limit})`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', rule, limit, cost, http: { status: 400 } },
  });
}

/** The first limit `shape` breaks, in a fixed order, or null. */
export function shapeViolation(
  shape: OperationShape,
  limits: Partial<Record<'depth' | 'aliases' | 'rootFields' | 'directives', number>>,
): GraphQLError | null {
  for (const rule of ['depth', 'directives', 'aliases', 'rootFields'] as const) {
    const limit = limits[rule];
    if (limit !== undefined && shape[rule] > limit) return queryTooComplex(rule, limit, shape[rule]);
  }
  return null;
}
