import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { generateSigningKey, publicJwk, UserTokenIssuer, type UserTokenClaims } from '../auth.js';
import { BACKGROUND_SQL } from '../orm.js';
import { GatewayCredentials, INTERNAL_CREDENTIAL_HEADER, ServiceCredentials } from '../internal-auth.js';

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database name no other test file uses; the service creates it on connect. */
export function testDatabaseUrl(service: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/test_${service}_${randomBytes(5).toString('hex')}`;
  return url.toString();
}

/** Drops test databases, closing any connection still open to them. */
export async function dropDatabases(urls: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    for (const url of urls) {
      const name = new URL(url).pathname.slice(1);
      if (!/^test_[a-z]+_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a test database`);
      await client.query(`drop database if exists "${name}" with (force)`);
    }
  } finally {
    await client.end();
  }
}

const signingKey = generateSigningKey();
const testExchange = `test.events.${randomBytes(4).toString('hex')}`;

/**
 * Environment for services under test: quiet logs, test mode, Redis keys of this test process only, and keys of
 * its own (a user signing key with its JWKS, internal secrets), so no test depends on development keys.
 */
export const TEST_ENV = {
  NODE_ENV: 'test',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  REDIS_KEY_PREFIX: `test:${randomBytes(4).toString('hex')}:`,
  EVENTS_EXCHANGE: testExchange,
  // Every service declares all consumers' queues: named after the exchange, so removeExchange finds them.
  ORDER_QUEUE: `${testExchange}.order`,
  PRODUCT_QUEUE: `${testExchange}.product`,
  CART_QUEUE: `${testExchange}.cart`,
  PAYMENT_QUEUE: `${testExchange}.payment`,
  NOTIFICATION_QUEUE: `${testExchange}.notification`,
  RECOMMENDATION_QUEUE: `${testExchange}.recommendation`,
  USER_SIGNING_KEY: JSON.stringify(signingKey),
  USER_JWKS: JSON.stringify({ keys: [publicJwk(signingKey)] }),
  GATEWAY_TOKEN_SECRET: randomBytes(32).toString('base64url'),
  SERVICE_TOKEN_SECRET: randomBytes(32).toString('base64url'),
} as const;

const issuer = UserTokenIssuer.create(signingKey, [], { JWT_ISSUER: 'shop-user', JWT_AUDIENCE: 'shop' });
const gatewayCredentials = new GatewayCredentials(TEST_ENV.GATEWAY_TOKEN_SECRET);

/** Credentials made with TEST_ENV's keys, as the user service, the gateway or a service would make them. */
export const testTokens = {
  /** A user access token (default session id: a fresh one). */
  user: async (claims: Omit<UserTokenClaims, 'sessionId'> & { sessionId?: string }, ttlSeconds = 300) =>
    (await issuer).issue({ sessionId: randomBytes(16).toString('hex'), ...claims }, ttlSeconds),
  gateway: () => gatewayCredentials.get(),
  service: (caller: string, callee: string) => new ServiceCredentials(TEST_ENV.SERVICE_TOKEN_SECRET, caller).for(callee),
};

/** What a request to a subgraph carries beside the user token: the gateway's credential (default), a service's, or none. */
export type InternalAs = 'gateway' | { service: string; callee: string } | null;

/**
 * A TCP proxy the test controls, to cut a service off (broker, Redis) without stopping it for everyone else.
 * `cut()` drops every open connection and refuses new ones until `restore()`.
 */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1') {
  const net = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  let open = true;
  let refused = 0;
  const server = net.createServer((client) => {
    if (!open) {
      refused += 1;
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as import('node:net').AddressInfo).port;
  return {
    port,
    /** Connections refused while cut: proof that someone tried. */
    get refused() {
      return refused;
    },
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      open = true;
    },
    async close() {
      open = false;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `check` until it holds, or fails naming `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The internal-credential header for a request straight to a subgraph (see `InternalAs`). */
export async function internalHeaders(as: InternalAs = 'gateway'): Promise<Record<string, string>> {
  if (as === null) return {};
  const credential = as === 'gateway' ? await testTokens.gateway() : await testTokens.service(as.service, as.callee);
  return { [INTERNAL_CREDENTIAL_HEADER]: credential };
}

/**
 * POSTs one GraphQL operation to a service, as the holder of `token` (anonymous without), and returns the parsed
 * body. A subgraph is reached as the gateway would reach it unless `as` says otherwise.
 */
export async function postGraphQL<T>(
  url: string,
  query: string,
  variables: object = {},
  token: string | null = null,
  as: InternalAs = 'gateway',
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await internalHeaders(as)), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as T;
}

const BACKGROUND_STATEMENT = new RegExp(BACKGROUND_SQL.replace(/[*/]/g, '\\$&'));

/**
 * Counts SQL statements sent through this ORM; used by tests that prove batching (N references, 1 query).
 * Background loops (outbox relay, sweepers) poll on the same pool; their statements carry BACKGROUND_SQL
 * and are not the request's, so they are left out unless `exclude` says otherwise.
 */
export function countStatements(
  orm: MikroORM,
  exclude: RegExp | null = BACKGROUND_STATEMENT,
): { readonly count: number; readonly sql: string[]; reset(): void; stop(): void } {
  const sql: string[] = [];
  const knex = orm.em.getConnection().getKnex();
  const listener = (query: { sql: string }) => {
    if (!exclude?.test(query.sql)) sql.push(query.sql);
  };
  knex.on('query', listener);
  return {
    get count() {
      return sql.length;
    },
    sql,
    reset: () => void sql.splice(0),
    stop: () => void knex.off('query', listener),
  };
}
