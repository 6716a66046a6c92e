import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createLogger } from '../src/logger.js';
import { CORRELATION_HEADER, MAX_BATCHED_OPERATIONS, MAX_BODY_BYTES, startHttpService, type RunningService } from '../src/server.js';

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

describe('what /graphql takes before Apollo sees it', () => {
  let service: RunningService;
  let admitted = 0;
  before(async () => {
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: { hello: { type: GraphQLString, args: { v: { type: GraphQLString } }, resolve: () => 'hi' } },
      }),
    });
    service = await startHttpService({
      name: 'body-test',
      graphql: { schema },
      port: 0,
      host: '127.0.0.1',
      production: false,
      log: createLogger('body-test', 'silent'),
      context: async () => ({}),
      readiness: {},
      admit: async (req) => {
        admitted += 1;
        return req.headers['x-let-in'] === 'yes';
      },
      routes: (app) => app.get('/extra', (_req, res) => void res.json({ extra: true })),
    });
  });
  after(async () => {
    await service?.close();
  });

  const post = async (body: string | Buffer, headers: Record<string, string> = {}) => {
    const response = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-let-in': 'yes', ...headers },
      body,
    });
    const text = await response.text();
    let json: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } | undefined;
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, correlation: response.headers.get(CORRELATION_HEADER), headers: response.headers };
  };
  const codes = (answer: Awaited<ReturnType<typeof post>>) => (answer.json?.errors ?? []).map((e) => e.extensions?.code);

  it('answers a JSON POST, with a correlation id, and GET with the query in the URL', async () => {
    const answer = await post(JSON.stringify({ query: '{ hello }' }), { [CORRELATION_HEADER]: 'abc-123' });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { data: { hello: 'hi' } });
    assert.equal(answer.correlation, 'abc-123');
    assert.match(answer.headers.get('content-type') ?? '', /^application\/(graphql-response\+)?json/);
    assert.equal(answer.headers.get('etag'), null, 'no hash of every answer');
    const get = await fetch(`${service.url}?query=${encodeURIComponent('{ hello }')}`, {
      headers: { 'x-let-in': 'yes', 'apollo-require-preflight': 'true' },
    });
    assert.deepEqual(await get.json(), { data: { hello: 'hi' } });
    const charset = await post(JSON.stringify({ query: '{ hello }' }), { 'content-type': 'application/json; charset=UTF-8' });
    assert.equal(charset.status, 200);
  });

  it('refuses malformed JSON and a body that is not an object with 400 BAD_REQUEST', async () => {
    for (const body of ['{"query": "{ hello }"', '"just a string"', '42']) {
      const answer = await post(body);
      assert.equal(answer.status, 400, body);
      assert.deepEqual(codes(answer), ['BAD_REQUEST'], body);
      assert.ok(answer.correlation, 'refusals carry a correlation id too');
    }
  });

  it(`refuses a body over ${MAX_BODY_BYTES} bytes with 413, declared or streamed, and stays up`, async () => {
    const huge = JSON.stringify({ query: 'query ($v: String) { hello(v: $v) }', variables: { v: 'x'.repeat(MAX_BODY_BYTES) } });
    const declared = await post(huge);
    assert.equal(declared.status, 413);
    assert.deepEqual(codes(declared), ['BAD_REQUEST']);
    // Without a Content-Length (chunked), the limit is counted as the body arrives.
    const streamed = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-let-in': 'yes' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(huge));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(streamed.status, 413);
    assert.equal((await post(JSON.stringify({ query: '{ hello }' }))).status, 200);
  });

  it('refuses what it cannot read: another charset or a compressed body (415), a text/plain POST (400, CSRF)', async () => {
    const latin = await post(JSON.stringify({ query: '{ hello }' }), { 'content-type': 'application/json; charset=latin1' });
    assert.equal(latin.status, 415);
    assert.deepEqual(codes(latin), ['BAD_REQUEST']);
    const gzipped = await post(JSON.stringify({ query: '{ hello }' }), { 'content-encoding': 'gzip' });
    assert.equal(gzipped.status, 415);
    const plain = await post(JSON.stringify({ query: '{ hello }' }), { 'content-type': 'text/plain' });
    assert.equal(plain.status, 400);
    assert.equal(plain.json?.data, undefined);
  });

  it('asks `admit` first: without it, 401 UNAUTHENTICATED and the body is never parsed', async () => {
    const before = admitted;
    const answer = await post('{ not even json', { 'x-let-in': 'no' });
    assert.equal(answer.status, 401);
    assert.deepEqual(codes(answer), ['UNAUTHENTICATED']);
    assert.equal(admitted, before + 1);
  });

  it('still serves /health and extra routes through Express, and 404s unknown paths', async () => {
    const base = new URL(service.url);
    assert.deepEqual(await (await fetch(new URL('/health', base))).json(), { status: 'ok', service: 'body-test' });
    assert.deepEqual(await (await fetch(new URL('/extra', base))).json(), { extra: true });
    assert.equal((await fetch(new URL('/graphqlx', base))).status, 404);
  });
});
