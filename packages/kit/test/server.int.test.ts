import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createLogger } from '../src/logger.js';
import { startHttpService, type RunningService } from '../src/server.js';

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
});
