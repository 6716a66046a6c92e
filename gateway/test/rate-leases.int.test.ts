import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { Redis } from '@shop/kit';
import { LeasedLimiter, leaseSize } from '../src/security/rate-limits.js';

/** Leased rate-limit points against the machine's Redis: two limiters stand for two gateway replicas. */
describe('LeasedLimiter', () => {
  let redis: Redis;
  const prefix = `test:${randomUUID()}:`;
  before(() => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  /** A replica's limiter on the shared key space, counting its calls to Redis. */
  const replica = (bucket: string, points: number, duration: number, size: number) => {
    const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}${bucket}`, points, duration });
    const calls = { count: 0 };
    const consume = limiter.consume.bind(limiter);
    limiter.consume = (key, take, options) => {
      calls.count += 1;
      return consume(key, take, options);
    };
    return { leased: new LeasedLimiter(limiter, points, size), calls };
  };
  const tally = async (attempts: Array<() => Promise<void>>) => {
    let admitted = 0;
    let refused = 0;
    for (const attempt of attempts) {
      try {
        await attempt();
        admitted += 1;
      } catch (error) {
        assert.ok(error instanceof RateLimiterRes, String(error));
        refused += 1;
      }
    }
    return { admitted, refused };
  };

  it('leases 1/50 of the budget, between 1 and 20 points', () => {
    assert.equal(leaseSize({ points: 600, duration: 60 }), 12);
    assert.equal(leaseSize({ points: 8, duration: 60 }), 1);
    assert.equal(leaseSize({ points: 100_000, duration: 60 }), 20);
  });

  it('admits exactly the budget across two replicas, with one Redis call per lease', async () => {
    const a = replica('shared', 100, 60, 4);
    const b = replica('shared', 100, 60, 4);
    const attempts = Array.from({ length: 130 }, (_, i) => () => (i % 2 === 0 ? a : b).leased.consume('alice', 1));
    const { admitted, refused } = await tally(attempts);
    assert.equal(admitted, 100);
    assert.equal(refused, 30);
    assert.ok(a.calls.count + b.calls.count <= 100 / 4 + 30, `${a.calls.count + b.calls.count} Redis calls`);
    assert.ok(a.calls.count < 65, 'most requests answered from the lease');
  });

  it('uses the last points of the budget even when they are fewer than a lease', async () => {
    const one = replica('tail', 10, 60, 4);
    const { admitted } = await tally(Array.from({ length: 14 }, () => () => one.leased.consume('bob', 1)));
    assert.equal(admitted, 10);
  });

  it('keeps keys apart, and starts afresh when the window ends', async () => {
    const one = replica('window', 3, 1, 2);
    assert.deepEqual(await tally(Array.from({ length: 4 }, () => () => one.leased.consume('carol', 1))), { admitted: 3, refused: 1 });
    assert.deepEqual(await tally([() => one.leased.consume('dave', 1)]), { admitted: 1, refused: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.deepEqual(await tally(Array.from({ length: 3 }, () => () => one.leased.consume('carol', 1))), { admitted: 3, refused: 0 });
  });
});
