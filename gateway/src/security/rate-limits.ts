import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { setBounded, type Redis } from '@shop/kit';
import { addressKey } from './client-ip.js';

export interface Rate {
  points: number;
  duration: number;
}

export interface RateLimitConfig {
  anonymous: Rate;
  user: Rate;
  loginIp: Rate;
  loginAccount: Rate;
  register: Rate;
  refresh: Rate;
  logout: Rate;
  checkout: Rate;
}

/** What the limiter needs from a request's context. */
export interface RateLimitContext {
  authorization?: string;
  clientIp?: string;
  /** The gateway's own reads (subscription deliveries): never charged to the caller. */
  internal?: boolean;
}

/** Who a bearer token belongs to, or null (anonymous, expired, forged). Verifies every time: nothing outlives the token. */
export type Identify = (authorization: string) => Promise<{ userId: string } | null>;

type Bucket = keyof RateLimitConfig;

interface Charge {
  bucket: Bucket;
  key: string;
  points: number;
}

/** The root fields of the operation by response key, through fragments: aliased copies are separate executions. */
export function rootFields(document: DocumentNode, operation: OperationDefinitionNode): FieldNode[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const byKey = new Map<string, FieldNode>();
  const seen = new Set<string>();
  // Directives (@skip) are ignored on purpose: a field that might run is charged.
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) byKey.set(selection.alias?.value ?? selection.name.value, selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  return [...byKey.values()];
}

function stringArgument(
  field: FieldNode,
  name: string,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): string | undefined {
  const value = field.arguments?.find((argument) => argument.name.value === name)?.value;
  if (value?.kind === Kind.STRING) return value.value;
  if (value?.kind !== Kind.VARIABLE) return undefined;
  const variable = value.name.value;
  if (variables && variable in variables) return typeof variables[variable] === 'string' ? variables[variable] : undefined;
  const fallback = operation.variableDefinitions?.find((d) => d.variable.name.value === variable)?.defaultValue;
  return fallback?.kind === Kind.STRING ? fallback.value : undefined;
}

// Emails are personal data: Redis keys carry a digest, not the address.
const accountKey = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);

/** Each bucket, the key it counts and the points this operation costs; pure, so the rules can be read in one place. */
export function chargesFor(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  caller: { ip: string; userId: string | null },
): Charge[] {
  const charges: Charge[] = [
    caller.userId ? { bucket: 'user', key: caller.userId, points: 1 } : { bucket: 'anonymous', key: caller.ip, points: 1 },
  ];
  if (operation.operation !== 'mutation') return charges;
  const count = { login: 0, register: 0, refreshSession: 0, logout: 0, checkout: 0 };
  const accounts = new Map<string, number>();
  for (const field of rootFields(document, operation)) {
    const name = field.name.value;
    if (!(name in count)) continue;
    count[name as keyof typeof count] += 1;
    if (name === 'login') {
      const email = stringArgument(field, 'email', operation, variables);
      // A login without a usable email fails validation in the subgraph before any hashing; the IP bucket still counts it.
      if (email !== undefined) accounts.set(accountKey(email), (accounts.get(accountKey(email)) ?? 0) + 1);
    }
  }
  const add = (bucket: Bucket, key: string, points: number) => {
    if (points > 0) charges.push({ bucket, key, points });
  };
  add('loginIp', caller.ip, count.login);
  for (const [account, points] of accounts) add('loginAccount', account, points);
  add('register', caller.ip, count.register);
  add('refresh', caller.ip, count.refreshSession);
  add('logout', caller.ip, count.logout);
  // Anonymous checkouts are refused by the order service; the anonymous bucket covers their cost.
  if (caller.userId) add('checkout', caller.userId, count.checkout);
  return charges;
}

export function rateLimitedError(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many requests: try again in ${retryAfterSeconds} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
    },
  });
}

/** Points a replica takes from Redis at once for one key of a high-volume bucket: 1/50 of the budget, 1 to 20. */
export function leaseSize(rate: Rate): number {
  return Math.max(1, Math.min(20, Math.floor(rate.points / 50)));
}

/** Keys whose lease a replica holds at once (the oldest dropped first: its points are simply not used). */
const MAX_LEASES = 50_000;

/**
 * A bucket whose points are taken from Redis a lease at a time: one Redis call per `size` requests of a key instead
 * of one per request. The points are counted in Redis before they are used, so all replicas together never admit
 * more than the budget; a lease still unused when the window ends, or dropped, is points the caller could not use
 * (at most `size - 1` per key, replica and window: 2% of the budget). With `size` 1 it is the plain limiter.
 */
export class LeasedLimiter {
  private readonly leases = new Map<string, { left: number; until: number }>();

  constructor(
    private readonly limiter: RateLimiterRedis,
    private readonly points: number,
    private readonly size: number,
  ) {}

  /** Resolves when admitted; rejects with a RateLimiterRes when over the budget, or with the store's error. */
  async consume(key: string, points: number): Promise<void> {
    const held = this.leases.get(key);
    if (held && held.until > Date.now() && held.left >= points) {
      held.left -= points;
      return;
    }
    const take = Math.max(points, this.size);
    try {
      const result = await this.limiter.consume(key, take);
      this.hold(key, take - points, result.msBeforeNext);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      // Over the budget with the whole lease: what was left before it (now held here alone) may cover this request.
      const available = this.points - (error.consumedPoints - take);
      if (available < points) throw error;
      this.hold(key, available - points, error.msBeforeNext);
    }
  }

  private hold(key: string, left: number, msBeforeNext: number): void {
    const now = Date.now();
    const current = this.leases.get(key);
    const kept = current && current.until > now ? current.left : 0;
    setBounded(this.leases, key, { left: kept + left, until: now + msBeforeNext }, MAX_LEASES);
  }
}

/**
 * Counters live in Redis, so every gateway replica spends one budget. When Redis cannot be reached:
 * - ordinary traffic (anonymous, user, checkout, logout) fails OPEN: a Redis outage must not take the shop down,
 *   and those buckets guard capacity, not secrets;
 * - login, register and refreshSession fall back to a per-process in-memory limiter with the same rate, so password
 *   guessing and mail flooding stay bounded (by N replicas × the limit) while Redis is away.
 * The client fails fast (no offline queue, short command timeout) so an outage adds no latency. The two buckets every
 * request pays (anonymous, user) are taken a lease at a time (`LeasedLimiter`); the others point by point.
 */
export function createRateLimits(options: {
  redis: Redis;
  keyPrefix: string;
  limits: RateLimitConfig;
  identify: Identify;
  log: Logger;
}): ApolloServerPlugin<RateLimitContext> {
  const insured = new Set<Bucket>(['loginIp', 'loginAccount', 'register', 'refresh']);
  // Every request pays one of the anonymous and user buckets: leased, so a user's requests cost Redis one call per lease.
  const leased = new Set<Bucket>(['anonymous', 'user']);
  const buckets = Object.fromEntries(
    (Object.entries(options.limits) as [Bucket, Rate][]).map(([bucket, rate]) => {
      const limiter = new RateLimiterRedis({
        storeClient: options.redis,
        rejectIfRedisNotReady: true,
        keyPrefix: `${options.keyPrefix}rl:${bucket}`,
        points: rate.points,
        duration: rate.duration,
        ...(insured.has(bucket) ? { insuranceLimiter: new RateLimiterMemory({ points: rate.points, duration: rate.duration }) } : {}),
      });
      return [bucket, leased.has(bucket) ? new LeasedLimiter(limiter, rate.points, leaseSize(rate)) : limiter];
    }),
  ) as Record<Bucket, Pick<LeasedLimiter, 'consume'> | RateLimiterRedis>;

  let lastWarning = 0;
  const warn = (error: unknown) => {
    const now = Date.now();
    if (now - lastWarning < 5000) return;
    lastWarning = now;
    options.log.warn({ err: error }, 'rate limits unavailable (Redis unreachable): ordinary traffic passes, logins use in-memory limits');
  };

  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.internal) return;
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const caller = contextValue.authorization ? await options.identify(contextValue.authorization) : null;
          const charges = chargesFor(document, operation, request.variables, {
            ip: addressKey(contextValue.clientIp ?? 'unknown'),
            userId: caller?.userId ?? null,
          });
          const outcomes = await Promise.allSettled(charges.map((c) => buckets[c.bucket].consume(c.key, c.points)));
          let refusedForMs: number | null = null;
          for (const outcome of outcomes) {
            if (outcome.status === 'fulfilled') continue;
            if (outcome.reason instanceof RateLimiterRes) refusedForMs = Math.max(refusedForMs ?? 0, outcome.reason.msBeforeNext);
            else warn(outcome.reason);
          }
          if (refusedForMs !== null) throw rateLimitedError(Math.max(1, Math.ceil(refusedForMs / 1000)));
        },
      };
    },
  };
}
