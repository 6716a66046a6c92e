import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  buildSchema,
  Kind,
  parse,
  validate,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { loadGatewayEnv } from '../environment.js';
import {
  checkCost,
  checkDocumentSize,
  checkOperation,
  checkShape,
  operationCost,
  rememberedChecks,
  type OperationLimits,
} from './operation-limits.js';

const schemaDir = path.resolve(__dirname, '../../../../schema');
const schema = buildSchema(readFileSync(path.join(schemaDir, 'api.graphql'), 'utf8'));
const limits: OperationLimits = loadGatewayEnv({ NODE_ENV: 'test' }).operationLimits;

const operationsDir = path.join(schemaDir, 'operations');
const definitions: DefinitionNode[] = readdirSync(operationsDir)
  .filter((file) => file.endsWith('.graphql'))
  .flatMap((file) => parse(readFileSync(path.join(operationsDir, file), 'utf8')).definitions);
const fragments = new Map(
  definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
);
const operations = definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

/** The operation with the fragments it uses, as the SDK sends it. */
function documentOf(operation: OperationDefinitionNode): DocumentNode {
  const used = new Set<string>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread: (spread) => {
        if (used.has(spread.name.value)) return;
        used.add(spread.name.value);
        collect(fragments.get(spread.name.value)!);
      },
    });
  collect(operation);
  return { kind: Kind.DOCUMENT, definitions: [operation, ...[...used].map((name) => fragments.get(name)!)] };
}

/** As the servers run it: the shape before validation, the cost after. */
function refusal(query: string, variables: Record<string, unknown> = {}, given: OperationLimits = limits) {
  const document = parse(query);
  const byShape = checkShape(document, given);
  if (byShape) return byShape.extensions;
  assert.deepEqual(validate(schema, document), [], 'the operation is valid');
  return checkCost(schema, document, undefined, variables, given)?.extensions;
}

const nestedOrders = (levels: number) => {
  let selection = 'id';
  for (let i = 0; i < levels; i++) selection = `orders { edges { node { id user { ${selection} } } } }`;
  return `query { me { ${selection} } }`;
};
const aliased = (count: number, field: string, prefix = 'a') =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}: ${field}`).join('\n');

describe('operation limits', () => {
  it('let every SDK operation through with the default limits, at the largest page the subgraphs accept', () => {
    assert.ok(operations.length >= 15, `found ${operations.length} operations`);
    for (const operation of operations) {
      const document = documentOf(operation);
      assert.deepEqual(validate(schema, document), [], operation.name?.value);
      // 100 is pageSize's maximum in packages/kit/src/paging.ts.
      for (const first of [20, 100]) {
        const variables = { first, after: null, search: 'lamp', id: 'x', orderId: 'x', productId: 'x', quantity: 1 };
        const refused = checkOperation(schema, document, operation.name?.value, variables, limits);
        assert.equal(refused, null, `${operation.name?.value} with first=${first}: ${refused?.message}`);
      }
    }
  });

  it('refuse orders/user nested eight times (depth), before computing its cost', () => {
    const refused = refusal(nestedOrders(8));
    assert.equal(refused?.code, 'QUERY_TOO_COMPLEX');
    assert.equal(refused?.rule, 'depth');
    assert.equal(refused?.limit, limits.maxDepth);
    assert.equal(refused?.cost, 2 + 8 * 4);
    assert.deepEqual(refused?.http, { status: 400 });
  });

  it('refuse the nested query by its cost when depth would allow it', () => {
    const refused = refusal(nestedOrders(8), {}, { ...limits, maxDepth: 100 });
    assert.equal(refused?.rule, 'cost');
    assert.equal(refused?.limit, limits.maxCost);
    assert.ok(Number(refused?.cost) > 20 ** 8, `cost ${refused?.cost}`);
  });

  it('count aliased __typename: 101 of them are refused (aliases)', () => {
    const refused = refusal(`query { ${aliased(101, '__typename')} }`);
    assert.equal(refused?.rule, 'aliases');
    assert.equal(refused?.limit, limits.maxAliases);
    assert.equal(refused?.cost, 101);
  });

  it('refuse 100 aliased logins in one request (aliases; root fields too when aliases are allowed)', () => {
    const logins = `mutation { ${aliased(100, 'login(email: "a@example.com", password: "guess") { accessToken }')} }`;
    const refused = refusal(logins);
    assert.equal(refused?.rule, 'aliases');
    assert.equal(refused?.cost, 100);
    const byRootFields = refusal(logins, {}, { ...limits, maxAliases: 1000 });
    assert.equal(byRootFields?.rule, 'rootFields');
    assert.equal(byRootFields?.limit, limits.maxRootFields);
    assert.equal(byRootFields?.cost, 100);
  });

  it('refuse 50 aliased products(first: 100): by aliases, and by their cost, list sizes multiplied', () => {
    const products = `query { ${aliased(50, 'products(first: 100) { edges { node { ...ProductFields } } }')} }
      fragment ProductFields on Product { id sku name description price { amountCents currency formatted } stock inStock archived updatedAt }`;
    const refused = refusal(products);
    assert.equal(refused?.rule, 'aliases');
    assert.equal(refused?.limit, limits.maxAliases);
    assert.equal(refused?.cost, 50);
    const byCost = refusal(products, {}, { ...limits, maxAliases: 1000, maxRootFields: 1000 });
    assert.equal(byCost?.rule, 'cost');
    assert.equal(byCost?.limit, limits.maxCost);
    // products: 1 + 100 × edges (1 + node (1 + 8 scalars + price (1 + 3))) = 1401, fifty times.
    assert.equal(byCost?.cost, 50 * 1401);
  });

  it('refuse a page of pages within the depth limit by its cost', () => {
    const query =
      'query { me { orders(first: 100) { edges { node { user { orders(first: 100) { edges { node { items { name } } } } } } } } } }';
    const refused = refusal(query);
    assert.equal(refused?.rule, 'cost');
    // Inner orders: 1 + 100 × (1 + (1 + (1 + 20))) = 2301; outer: 1 + 100 × (1 + (1 + (1 + 2301))) = 230401.
    assert.equal(refused?.cost, 1 + 230_401);
  });

  it('refuse 30 @include(if: true) on one field (directives)', () => {
    const refused = refusal(`query { me { id ${'@include(if: true) '.repeat(30)} } }`);
    assert.equal(refused?.rule, 'directives');
    assert.equal(refused?.limit, limits.maxDirectives);
    assert.equal(refused?.cost, 30);
  });

  it('follow named and inline fragments', () => {
    const deepFragment = `
      query { me { ...Deep } }
      fragment Deep on User { orders { edges { node { ... on Order { user { orders { edges { node { user { orders { edges { node { id } } } } } } } } } } } } }`;
    const byFragment = refusal(deepFragment);
    assert.equal(byFragment?.rule, 'depth');
    assert.equal(byFragment?.cost, 13);

    const aliasesInFragments = `
      query { ...Root ... on Query { ${aliased(20, '__typename')} } }
      fragment Root on Query { ${aliased(20, '__typename', 'b')} }`;
    const byAliases = refusal(aliasesInFragments);
    assert.equal(byAliases?.rule, 'aliases');
    assert.equal(byAliases?.cost, 40);

    // One fragment spread many times counts every time.
    const spreads = `query { me { ...Orders ...Orders } } fragment Orders on User { orders(first: 100) { edges { node { items { name } } } } }`;
    assert.equal(operationCost(schema, parse(spreads), undefined, {}), 1 + 2 * (1 + 100 * (1 + (1 + (1 + 20)))));
  });

  it('use variables for first, and the schema default without one', () => {
    const query = 'query ($first: Int) { products(first: $first) { edges { node { id } } } }';
    const cost = (variables: Record<string, unknown>) => operationCost(schema, parse(query), undefined, variables);
    assert.equal(cost({ first: 100 }), 1 + 100 * (1 + (1 + 1)));
    assert.equal(cost({ first: 5 }), 1 + 5 * 3);
    assert.equal(cost({}), 1 + 20 * 3);
    const many = `query ($first: Int) { ${aliased(9, 'products(first: $first) { edges { node { id name sku description } } }')} }`;
    assert.equal(refusal(many, { first: 5 }), undefined);
    assert.equal(refusal(many, { first: 1000 })?.rule, 'cost');
  });

  it('remember a verdict per document, operation name and variables, never across variables or schemas', () => {
    const check = rememberedChecks(limits);
    const many = parse(`query ($first: Int) { ${aliased(9, 'products(first: $first) { edges { node { id name sku description } } }')} }`);
    assert.equal(check(schema, many, undefined, { first: 5 }), null);
    const refused = check(schema, many, undefined, { first: 1000 });
    assert.equal(refused?.extensions.rule, 'cost');
    assert.equal(check(schema, many, undefined, { first: 1000 }), refused, 'the same verdict, remembered');
    assert.equal(check(schema, many, undefined, { first: 5 }), null, 'other variables, their own verdict');
    const deep = parse(nestedOrders(8));
    assert.equal(check(schema, deep, undefined, {})?.extensions.rule, 'depth');
    assert.equal(check(schema, deep, undefined, {})?.extensions.rule, 'depth');
    // A tighter limit on another check function, or another schema, is never answered from these verdicts.
    const tight = rememberedChecks({ ...limits, maxCost: 10 });
    assert.equal(tight(schema, many, undefined, { first: 5 })?.extensions.rule, 'cost');
    const other = buildSchema(readFileSync(path.join(schemaDir, 'api.graphql'), 'utf8'));
    assert.equal(check(other, many, undefined, { first: 1000 })?.extensions.rule, 'cost');
    assert.notEqual(check(other, many, undefined, { first: 1000 }), refused);
  });

  it('refuse documents longer than MAX_DOCUMENT_BYTES, comments included', () => {
    const padded = `# ${'x'.repeat(limits.maxDocumentBytes)}\nquery { me { id } }`;
    const refused = checkDocumentSize(padded, limits)?.extensions;
    assert.equal(refused?.code, 'QUERY_TOO_COMPLEX');
    assert.equal(refused?.rule, 'documentBytes');
    assert.equal(refused?.limit, limits.maxDocumentBytes);
    assert.equal(refused?.cost, Buffer.byteLength(padded));
    assert.equal(checkDocumentSize('query { me { id } }', limits), null);
    // Bytes, not characters: 6,000 three-byte characters are 18,000 bytes.
    assert.equal(checkDocumentSize(`# ${'€'.repeat(6000)}\n{ me { id } }`, limits)?.extensions.rule, 'documentBytes');
  });
});
