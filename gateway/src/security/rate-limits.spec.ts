import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { parse, type OperationDefinitionNode } from 'graphql';
import { addressKey, clientIpResolver, parseTrustProxy } from './client-ip.js';
import { chargesFor } from './rate-limits.js';

const charges = (query: string, variables: Record<string, unknown> = {}, userId: string | null = null) => {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  return chargesFor(document, operation, variables, { ip: '203.0.113.9', userId }).map((c) => `${c.bucket}:${c.points}`);
};

describe('chargesFor', () => {
  it('charges a query to the address when anonymous, to the user when signed in', () => {
    assert.deepEqual(charges('{ products { totalCount } }'), ['anonymous:1']);
    assert.deepEqual(charges('{ me { id } }', {}, 'u1'), ['user:1']);
  });

  it('charges every aliased login, through fragments, once per response key, per account after trimming and lower-casing', () => {
    const query = `mutation M($e: String!, $f: String = "b@x.io") {
      a: login(email: $e, password: "p") { accessToken }
      b: login(email: " A@X.io ", password: "p") { accessToken }
      b: login(email: " A@X.io ", password: "p") { accessToken }
      ...F
      ... on Mutation { d: login(email: $f, password: "p") { accessToken } }
    }
    fragment F on Mutation { c: login(email: "a@x.io", password: "p") { accessToken } ...F2 }
    fragment F2 on Mutation { c: login(email: "a@x.io", password: "p") { accessToken } }`;
    assert.deepEqual(charges(query, { e: 'a@x.io' }), ['anonymous:1', 'loginIp:4', 'loginAccount:3', 'loginAccount:1']);
  });

  it('charges register, refreshSession and logout to the address, checkout to the user', () => {
    const query = `mutation {
      r1: register(input: { email: "a@x.io", name: "A", password: "p" }) { accessToken }
      r2: register(input: { email: "b@x.io", name: "B", password: "p" }) { accessToken }
      refreshSession(refreshToken: "t") { accessToken }
      logout
      checkout(input: { idempotencyKey: "k", paymentToken: "t" }) { id }
    }`;
    assert.deepEqual(charges(query, {}, 'u1'), ['user:1', 'register:2', 'refresh:1', 'logout:1', 'checkout:1']);
  });
});

const request = (remoteAddress: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }) as unknown as IncomingMessage;

describe('client address', () => {
  it('believes X-Forwarded-For only as far as TRUST_PROXY says, as express does', () => {
    const req = request('::ffff:10.0.0.2', '198.51.100.7, 10.0.0.9');
    assert.equal(clientIpResolver(parseTrustProxy('false'))(req), '10.0.0.2');
    assert.equal(clientIpResolver(parseTrustProxy('true'))(req), '198.51.100.7');
    assert.equal(clientIpResolver(parseTrustProxy('1'))(req), '10.0.0.9');
    assert.equal(clientIpResolver(parseTrustProxy('2'))(req), '198.51.100.7');
    assert.equal(clientIpResolver(parseTrustProxy('10.0.0.0/8'))(req), '198.51.100.7');
    assert.equal(clientIpResolver(parseTrustProxy('10.0.0.2'))(req), '10.0.0.9');
    assert.equal(clientIpResolver(parseTrustProxy('loopback'))(req), '10.0.0.2');
    assert.throws(() => parseTrustProxy('10.0.0.0/40'), /not an address/);
  });

  it('keys IPv6 clients by their /64', () => {
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressKey('203.0.113.9'), '203.0.113.9');
  });
});
