import {
  Kind,
  getOperationAST,
  print,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { AppError } from '@shop/kit';

/** Hidden fields added to every selection, so the hub can order and finish streams whatever the client selected. */
export const REVISION_KEY = 'shopInternalRevision';
export const STATUS_KEY = 'shopInternalStatus';
const ORDER_ID_VARIABLE = 'shopInternalOrderId';
const REVISION_VARIABLE = 'shopInternalAsOfRevision';

export interface SubscriptionPlan {
  orderId: string;
  /** Where the order sits in the client's result (its alias, or `orderStatusChanged`). */
  responseKey: string;
  /** The client's selection as a query on `order(id, revision)`, with its fragments and variables. */
  query: string;
  variables: Record<string, unknown>;
  /** Identifies the selection: subscribers with equal keys on one order share every read. */
  selectionKey: string;
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const variable = (value: string) => ({ kind: Kind.VARIABLE, name: name(value) }) as const;
const hidden = (alias: string, field: string): FieldNode => ({ kind: Kind.FIELD, alias: name(alias), name: name(field) });

/**
 * Turns `subscription { alias: orderStatusChanged(orderId: …) { selection } }` into the query the gateway runs
 * per change: `query { alias: order(id: $id, revision: $revision) { selection + revision/status } }`. Fragments,
 * variables and directives inside the selection are kept, so whatever the client may select, it gets.
 */
export function planOrderSubscription(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): SubscriptionPlan {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'subscription') throw new AppError('BAD_USER_INPUT', 'Expected a subscription operation');
  const fields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value !== '__typename');
  const field = fields[0];
  if (fields.length !== 1 || !field || field.name.value !== 'orderStatusChanged') {
    throw new AppError('BAD_USER_INPUT', 'Subscribe to exactly one field: orderStatusChanged(orderId: …) { … }');
  }
  const argument = field.arguments?.find((a) => a.name.value === 'orderId');
  const orderId =
    argument?.value.kind === Kind.VARIABLE
      ? variables?.[argument.value.name.value]
      : argument?.value.kind === Kind.STRING || argument?.value.kind === Kind.INT
        ? argument.value.value
        : undefined;
  if (typeof orderId !== 'string' || orderId.length === 0) throw new AppError('BAD_USER_INPUT', 'orderId is required');

  const selections: SelectionNode[] = [
    ...(field.selectionSet?.selections ?? []),
    hidden(REVISION_KEY, 'revision'),
    hidden(STATUS_KEY, 'status'),
  ];
  const orderField: FieldNode = {
    kind: Kind.FIELD,
    alias: name(field.alias?.value ?? 'orderStatusChanged'),
    name: name('order'),
    arguments: [
      { kind: Kind.ARGUMENT, name: name('id'), value: variable(ORDER_ID_VARIABLE) },
      { kind: Kind.ARGUMENT, name: name('revision'), value: variable(REVISION_VARIABLE) },
    ],
    selectionSet: { kind: Kind.SELECTION_SET, selections },
  };
  const ownVariables: VariableDefinitionNode[] = [
    {
      kind: Kind.VARIABLE_DEFINITION,
      variable: variable(ORDER_ID_VARIABLE),
      type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: name('ID') } },
    },
    { kind: Kind.VARIABLE_DEFINITION, variable: variable(REVISION_VARIABLE), type: { kind: Kind.NAMED_TYPE, name: name('Int') } },
  ];
  // The orderId variable is replaced by ours; every other client variable may still be used inside the selection.
  const clientVariables = (operation.variableDefinitions ?? []).filter(
    (definition) => argument?.value.kind !== Kind.VARIABLE || definition.variable.name.value !== argument.value.name.value,
  );
  const query: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: 'query' as OperationDefinitionNode['operation'],
    name: name('OrderStatusChangedRead'),
    variableDefinitions: [...clientVariables, ...ownVariables],
    directives: [],
    selectionSet: { kind: Kind.SELECTION_SET, selections: [orderField] },
  };
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const printed = print({ kind: Kind.DOCUMENT, definitions: [query, ...fragments] });
  const kept = Object.fromEntries(clientVariables.map((d) => [d.variable.name.value, variables?.[d.variable.name.value]]));
  return {
    orderId,
    responseKey: field.alias?.value ?? 'orderStatusChanged',
    query: printed,
    variables: kept,
    selectionKey: `${printed}\n${JSON.stringify(kept)}`,
  };
}

export const readVariables = (plan: SubscriptionPlan, revision: number | null) => ({
  ...plan.variables,
  [ORDER_ID_VARIABLE]: plan.orderId,
  [REVISION_VARIABLE]: revision,
});
