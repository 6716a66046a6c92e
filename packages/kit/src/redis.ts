import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export { Redis };

/** How every client here connects: give up a connection attempt after 2 s, retry every 0.2–2 s, forever. */
export const redisReconnect = {
  connectTimeout: 2000,
  retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
};

/**
 * A Redis client for caches: commands fail fast while disconnected (no offline queue, one retry),
 * so callers fall back to Postgres instead of waiting; it keeps reconnecting in the background.
 */
export function createCacheRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    ...redisReconnect,
    commandTimeout: 1000,
  });
  let healthy = true;
  redis.on('error', (error: Error) => {
    if (healthy) log.warn({ err: error }, 'redis unavailable; falling back to Postgres');
    healthy = false;
  });
  redis.on('ready', () => {
    if (!healthy) log.info('redis reconnected');
    healthy = true;
  });
  return redis;
}

/** Gives Redis a moment to connect at start-up; a service that uses it only as a cache starts without it. */
export async function waitForRedis(redis: Redis, timeoutMs = 2000): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.on('ready', onReady);
  });
}
