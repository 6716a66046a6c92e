import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createLogger } from '../src/logger.js';
import { MAX_BATCHED_OPERATIONS, startHttpService, type RunningService } from '../src/server.js';

describe('a subgraph request past its deadline', () => {
  const started: string[] = [];
  let service: RunningService;
  before(async () => {
    const Slow = new GraphQLObjectType({
      name: 'Slow',
      fields: {
        plain: { type: GraphQLString },
        next: {
          type: GraphQLString,
          resolve: () => {
            started.push('next');
            return 'worked';
          },
        },
      },
    });
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          slow: { type: Slow, resolve: () => new Promise((resolve) => setTimeout(() => resolve({ plain: 'read' }), 150)) },
          quick: { type: GraphQLString, resolve: () => 'quick' },
        },
      }),
    });
    service = await startHttpService({
      name: 'deadline-test',
      graphql: { schema },
      port: 0,
      host: '127.0.0.1',
      production: false,
      log: createLogger('deadline-test', 'silent'),
      context: async () => ({}),
      readiness: {},
      requestTimeoutMs: 50,
    });
  });
  after(async () => {
    await service?.close();
  });

  const ask = async (query: string) => {
    const response = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return {
      status: response.status,
      cacheControl: response.headers.get('cache-control'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  it('starts no resolver once the deadline has passed: they fail with SERVICE_UNAVAILABLE, plain reads still answer', async () => {
    const { status, body } = await ask('{ slow { plain next } }');
    assert.equal(status, 200);
    assert.deepEqual(started, []);
    assert.deepEqual((body.data as { slow: unknown }).slow, { plain: 'read', next: null });
    const errors = body.errors as Array<{ path: unknown; extensions: { code: string } }>;
    assert.deepEqual(
      errors.map((e) => [e.path, e.extensions.code]),
      [[['slow', 'next'], 'SERVICE_UNAVAILABLE']],
    );
  });

  it('runs every resolver of a request within its deadline, and answers no-store', async () => {
    const { body, cacheControl } = await ask('{ quick }');
    assert.deepEqual(body, { data: { quick: 'quick' } });
    assert.equal(cacheControl, 'no-store');
  });

  it(`answers a batch of up to ${MAX_BATCHED_OPERATIONS} operations in order, and refuses a longer one with QUERY_TOO_COMPLEX`, async () => {
    const batch = async (queries: string[]) => {
      const response = await fetch(service.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(queries.map((query) => ({ query }))),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const two = await batch(['{ quick }', '{ a: quick }']);
    assert.equal(two.status, 200);
    assert.deepEqual(two.body, [{ data: { quick: 'quick' } }, { data: { a: 'quick' } }]);
    const full = await batch(Array.from({ length: MAX_BATCHED_OPERATIONS }, () => '{ quick }'));
    assert.equal((full.body as unknown[]).length, MAX_BATCHED_OPERATIONS);
    const tooMany = await batch(Array.from({ length: MAX_BATCHED_OPERATIONS + 1 }, () => '{ quick }'));
    assert.equal(tooMany.status, 400);
    const { errors } = tooMany.body as { errors: Array<{ extensions: { code: string; rule: string } }> };
    assert.deepEqual(
      errors.map((e) => [e.extensions.code, e.extensions.rule]),
      [['QUERY_TOO_COMPLEX', 'batchedOperations']],
    );
  });
});
