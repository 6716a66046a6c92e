import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { parse } from 'graphql';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import pino from 'pino';
import { Redis } from '@shop/kit';
import { OrderStatusHub, type FederatedRead } from '../src/subscriptions/order-status-hub.js';
import { planOrderSubscription, REVISION_KEY, STATUS_KEY } from '../src/subscriptions/plan.js';

const SUBSCRIPTION = parse('subscription ($id: ID!) { orderStatusChanged(orderId: $id) { id status } }');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The backstop re-read of open subscriptions against the machine's Redis (a real RedisPubSub): the order reads are
 * counted in process instead of going through a supergraph, since what is under test is how many there are and when.
 */
describe('the periodic re-read of open subscriptions is spread over its period and capped', () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let pubsub: RedisPubSub;
  const hubs: OrderStatusHub[] = [];

  before(() => {
    pubsub = new RedisPubSub({ publisher: new Redis(redisUrl), subscriber: new Redis(redisUrl) });
  });
  after(async () => {
    for (const hub of hubs) hub.close();
    await pubsub.close();
  });

  /** A hub watching `groups` orders (one subscriber each, as their owners), and the time of every probe it makes. */
  async function watching(groups: number, pace: { periodMs: number; maxPerSecond: number }) {
    const probes: number[] = [];
    const read: FederatedRead = async (query, variables) => {
      if (query.includes('OrderRevisionProbe')) {
        probes.push(performance.now());
        return { data: { order: { revision: 1 } } };
      }
      return {
        data: { orderStatusChanged: { id: variables.shopInternalOrderId, status: 'PENDING', [REVISION_KEY]: 1, [STATUS_KEY]: 'PENDING' } },
      };
    };
    const hub = new OrderStatusHub(pubsub, `test:${randomUUID()}:`, read, pino({ level: 'silent' }), pace);
    hubs.push(hub);
    const streams = await Promise.all(
      Array.from({ length: groups }, async () => {
        const plan = planOrderSubscription(SUBSCRIPTION, null, { id: randomUUID() });
        const stream = await hub.subscribe(plan, { userId: randomUUID(), role: 'CUSTOMER' }, 'Bearer x');
        assert.equal(
          ((await stream.next()).value as { data: { orderStatusChanged: { status: string } } }).data.orderStatusChanged.status,
          'PENDING',
        );
        return stream;
      }),
    );
    return { probes, hub, streams, since: performance.now() };
  }

  it('re-reads every group once per period, a few at a time rather than all at once', async () => {
    const { probes, streams, since } = await watching(40, { periodMs: 1000, maxPerSecond: 1000 });
    await sleep(2100);
    const seen = probes.filter((t) => t >= since);
    // 40 groups, a 1 s period, 2.1 s: about 84 probes (two rounds and a bit), never 40 in one instant.
    assert.ok(seen.length >= 60 && seen.length <= 100, `probes in 2.1 s: ${seen.length}`);
    const perTick = new Map<number, number>();
    for (const t of seen) perTick.set(Math.floor((t - since) / 100), (perTick.get(Math.floor((t - since) / 100)) ?? 0) + 1);
    assert.ok(Math.max(...perTick.values()) <= 12, `most probes in one 100 ms: ${Math.max(...perTick.values())}`);
    for (const stream of streams) await stream.return!();
  });

  it('holds the rate to maxPerSecond when there are more groups than a period allows, the round taking longer', async () => {
    const { probes, streams, since } = await watching(200, { periodMs: 500, maxPerSecond: 20 });
    await sleep(2000);
    const seen = probes.filter((t) => t >= since);
    // Uncapped this would be 200 groups × 4 rounds = 800 probes; capped, 20 a second.
    assert.ok(seen.length >= 25 && seen.length <= 45, `probes in 2 s: ${seen.length}`);
    for (const stream of streams) await stream.return!();
  });

  it('stops re-reading a group once its last subscriber has gone', async () => {
    const { probes, hub, streams } = await watching(5, { periodMs: 200, maxPerSecond: 1000 });
    await sleep(300);
    assert.ok(probes.length > 0);
    for (const stream of streams) await stream.return!();
    assert.equal(hub.stats.groups, 0);
    const before = probes.length;
    await sleep(500);
    assert.equal(probes.length, before);
  });
});
