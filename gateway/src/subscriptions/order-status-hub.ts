import {
  extractTraceContext,
  FINAL_ORDER_STATUSES,
  markSpan,
  orderStatusChannel,
  withTraceContext,
  type Caller,
  type OrderStatusMessage,
} from '@shop/kit';
import type { RedisPubSub } from 'graphql-redis-subscriptions';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { readVariables, REVISION_KEY, STATUS_KEY, type SubscriptionPlan } from './plan.js';
import { ResultStream } from './stream.js';

// The in-process read returns formatted errors; the socket protocol sends GraphQLErrors (with paths, codes).
export const asErrors = (errors: readonly GraphQLFormattedError[]) =>
  errors.map(
    (e) => new GraphQLError(e.message, { ...(e.path ? { path: e.path } : {}), ...(e.extensions ? { extensions: e.extensions } : {}) }),
  );

/** Runs a query through the gateway in process, as the given caller (from `clientIp`, for a client's own operation). */
export type FederatedRead = (
  query: string,
  variables: Record<string, unknown>,
  authorization: string,
  clientIp?: string,
) => Promise<{ data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] }>;

/** Answers that will not change on a retry: the subscription ends with them. */
const FINAL_REFUSALS = new Set(['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']);

const REVISION_PROBE = 'query OrderRevisionProbe($id: ID!) { order(id: $id) { revision } }';

interface Read {
  revision: number;
  status: string;
  result: ExecutionResult;
}

/**
 * Subscribers of one order with one selection, as one caller: they share every read. Reads happen per revision
 * (`order(id, revision: n)`), so each change is delivered once, in order, even when changes come faster than
 * reads or a Redis message was lost and the gap is filled later.
 */
class Group {
  readonly streams = new Set<ResultStream<ExecutionResult>>();
  private revision = 0;
  private latest?: ExecutionResult;
  private announced = 0;
  private resync = true;
  private running = false;
  private disposed = false;
  /** Each subscriber's own `Authorization`; reads use the one that lasts longest (sockets close when theirs expires). */
  private readonly tokens = new Map<ResultStream<ExecutionResult>, { authorization: string; expiresAt: number }>();

  constructor(
    readonly key: string,
    readonly plan: SubscriptionPlan,
    private readonly hub: OrderStatusHub,
  ) {}

  join(stream: ResultStream<ExecutionResult>, caller: Caller, authorization: string): void {
    this.streams.add(stream);
    this.tokens.set(stream, { authorization, expiresAt: caller.expiresAt ?? Number.MAX_SAFE_INTEGER });
    // The current state first: a late joiner gets what the group last delivered, then every change after it.
    if (this.latest) stream.push(this.latest);
  }

  leave(stream: ResultStream<ExecutionResult>): void {
    this.streams.delete(stream);
    this.tokens.delete(stream);
    if (this.streams.size === 0) this.dispose();
  }

  /** A change was announced (`revision`), or, without one, the order must be re-read (reconnect, backstop). */
  kick(revision?: number): void {
    if (this.disposed) return;
    if (revision === undefined) this.resync = true;
    else if (revision <= this.revision) return;
    else this.announced = Math.max(this.announced, revision);
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.disposed && (this.resync || this.announced > this.revision)) {
        if (this.resync) {
          this.resync = false;
          if (this.revision === 0) {
            const now = await this.read(null);
            if (!now) return;
            this.deliver(now);
          } else {
            // A backstop: ask the order subgraph alone for the revision, and read the selection only if it moved.
            const latest = await this.probe();
            if (latest === null) return;
            if (latest > this.revision) this.announced = Math.max(this.announced, latest);
          }
          continue;
        }
        const next = await this.read(this.revision + 1);
        if (!next) return;
        this.deliver(next);
      }
    } catch (error) {
      // The backstop re-read tries again; the client keeps its stream meanwhile.
      this.hub.log.warn({ err: error, orderId: this.plan.orderId }, 'order read failed; will retry');
      this.resync = true;
    } finally {
      this.running = false;
    }
  }

  private async read(revision: number | null): Promise<Read | null> {
    const response = await this.hub.readAs(this.plan.query, readVariables(this.plan, revision), this.authorization());
    const order = response.data?.[this.plan.responseKey] as Record<string, unknown> | null | undefined;
    if (!order) return this.refused(response.errors);
    const { [REVISION_KEY]: rev, [STATUS_KEY]: status, ...visible } = order;
    const result: ExecutionResult = { data: { [this.plan.responseKey]: visible } };
    if (response.errors?.length) (result as { errors?: unknown }).errors = asErrors(response.errors);
    return { revision: Number(rev), status: String(status), result };
  }

  /** The order's current revision (one order-subgraph query, not the subscriber's federated selection). */
  private async probe(): Promise<number | null> {
    const response = await this.hub.readAs(REVISION_PROBE, { id: this.plan.orderId }, this.authorization());
    const order = response.data?.order as { revision?: unknown } | null | undefined;
    if (!order) return this.refused(response.errors);
    return Number(order.revision);
  }

  private deliver(read: Read): void {
    if (read.revision <= this.revision) return;
    markSpan('deliver orderStatusChanged', {
      attributes: {
        'shop.order.id': this.plan.orderId,
        'shop.order.status': read.status,
        'shop.order.revision': read.revision,
        'shop.subscribers': this.streams.size,
      },
    });
    this.revision = read.revision;
    this.latest = read.result;
    for (const stream of this.streams) stream.push(read.result);
    if (FINAL_ORDER_STATUSES.has(read.status)) {
      for (const stream of this.streams) stream.end();
      this.dispose();
    }
  }

  /**
   * No order in the answer. Refused (not the caller's order) or unknown: the client is told why and the stream ends.
   * Anything else (the order subgraph unreachable or timing out) is the system's trouble, not the client's: the
   * stream stays open and the backstop re-read tries again, instead of every subscriber reconnecting at once.
   */
  private refused(errors: readonly GraphQLFormattedError[] | undefined): null {
    if (errors?.length && !errors.some((e) => FINAL_REFUSALS.has(String(e.extensions?.code)))) {
      throw new Error(`order read failed: ${errors.map((e) => e.extensions?.code ?? e.message).join(', ')}`);
    }
    this.fail(errors?.length ? errors : [{ message: `Order ${this.plan.orderId} was not found`, extensions: { code: 'NOT_FOUND' } }]);
    return null;
  }

  private fail(errors: readonly GraphQLFormattedError[]): void {
    for (const stream of this.streams) {
      stream.push({ errors: asErrors(errors) });
      stream.end();
    }
    this.dispose();
  }

  /** Reads run as the subscribers themselves, with their own tokens: the gateway cannot mint one. */
  private authorization(): string {
    let best: { authorization: string; expiresAt: number } | undefined;
    for (const token of this.tokens.values()) if (!best || token.expiresAt > best.expiresAt) best = token;
    return best?.authorization ?? '';
  }

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.hub.forget(this);
  }
}

/** How the periodic re-read (the backstop for lost Redis messages) is paced. */
export interface ResyncPace {
  /** Each open group is re-read once per this period, while that stays under `maxPerSecond`. */
  periodMs: number;
  /** Re-reads a second at most: with more groups than `maxPerSecond × periodMs`, the round takes longer instead. */
  maxPerSecond: number;
}

/** Ticks per period (at most 4 a second): a tick re-reads its share of the groups, so re-reads never come in a burst. */
const resyncTickMs = (periodMs: number) => Math.max(25, Math.min(250, periodMs / 10));

/**
 * Serves `orderStatusChanged` at the gateway. One Redis channel per watched order (subscribed before the first
 * read, so no change falls between them), one group per (order, caller, selection), and a periodic re-read of
 * every open group because Redis pub/sub may drop messages: spread over the period in ticks and capped at
 * `maxPerSecond`, so that many idle subscriptions cost a bounded trickle of cheap probes, not a burst every period.
 */
export class OrderStatusHub {
  private readonly groups = new Map<string, Group>();
  private readonly channels = new Map<string, { subscription: Promise<number>; groups: Set<Group> }>();
  private readonly timer: NodeJS.Timeout;
  /** Where the round of re-reads stands (a live iterator: groups added or removed meanwhile are seen or skipped). */
  private cursor: IterableIterator<Group>;
  private ready = false;

  constructor(
    private readonly pubsub: RedisPubSub,
    private readonly prefix: string,
    readonly readAs: FederatedRead,
    readonly log: Logger,
    pace: ResyncPace,
  ) {
    this.cursor = this.groups.values();
    // Re-reads owed grow with the time that passed (a late tick owes more), at the rate the pace allows.
    let owed = 0;
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const perMs = Math.min(this.groups.size / pace.periodMs, pace.maxPerSecond / 1000);
      owed = Math.min(owed + perMs * (now - last), this.groups.size);
      last = now;
      for (; owed >= 1; owed -= 1) this.nextInRound()?.kick();
    }, resyncTickMs(pace.periodMs));
    this.timer.unref();
    const subscriber = pubsub.getSubscriber();
    subscriber.on('ready', () => {
      // After a reconnect, messages published meanwhile are gone: re-read every watched order.
      if (this.ready) {
        this.log.info({ groups: this.groups.size }, 'redis reconnected; re-reading watched orders');
        this.resyncAll();
      }
      this.ready = true;
    });
    subscriber.on('error', (error: Error) => this.log.warn({ err: error }, 'redis subscriber error'));
  }

  get stats() {
    let subscriptions = 0;
    for (const group of this.groups.values()) subscriptions += group.streams.size;
    return { groups: this.groups.size, channels: this.channels.size, subscriptions };
  }

  async subscribe(plan: SubscriptionPlan, caller: Caller, authorization: string): Promise<AsyncIterableIterator<ExecutionResult>> {
    const key = `${plan.orderId}\n${caller.userId}\n${caller.role}\n${plan.selectionKey}`;
    let group = this.groups.get(key);
    const created = !group;
    if (!group) {
      group = new Group(key, plan, this);
      this.groups.set(key, group);
    }
    const joined = group;
    const stream = new ResultStream<ExecutionResult>(() => joined.leave(stream));
    group.join(stream, caller, authorization);
    if (created) {
      await this.watch(plan.orderId, group);
      group.kick();
    }
    return stream;
  }

  forget(group: Group): void {
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
    const channel = this.channels.get(group.plan.orderId);
    if (!channel) return;
    channel.groups.delete(group);
    if (channel.groups.size === 0) {
      this.channels.delete(group.plan.orderId);
      void channel.subscription.then((id) => this.pubsub.unsubscribe(id)).catch(() => undefined);
    }
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async watch(orderId: string, group: Group): Promise<void> {
    let channel = this.channels.get(orderId);
    if (!channel) {
      const subscription = this.pubsub.subscribe(orderStatusChannel(this.prefix, orderId), (message: OrderStatusMessage) => {
        // The change's trace goes on here: the reads this announcement causes, and the delivery, are part of it.
        const received = markSpan('receive order status', {
          kind: 'consumer',
          parent: extractTraceContext(message as unknown as Record<string, unknown>),
          attributes: {
            'shop.order.id': orderId,
            'shop.order.status': String(message.status),
            'shop.order.revision': Number(message.revision),
          },
        });
        withTraceContext(received, () => {
          for (const member of this.channels.get(orderId)?.groups ?? []) member.kick(Number(message.revision));
        });
      });
      channel = { subscription, groups: new Set() };
      this.channels.set(orderId, channel);
    }
    channel.groups.add(group);
    // While Redis is away the subscription waits for it; the first read does not (the backstop re-read covers the gap).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([channel.subscription, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]).finally(() =>
      clearTimeout(timer),
    );
  }

  private nextInRound(): Group | undefined {
    let next = this.cursor.next();
    if (next.done) {
      this.cursor = this.groups.values();
      next = this.cursor.next();
    }
    return next.done ? undefined : next.value;
  }

  private resyncAll(): void {
    for (const group of this.groups.values()) group.kick();
  }
}
