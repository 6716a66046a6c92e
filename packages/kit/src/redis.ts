import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export { Redis };

/**
 * A Redis client for caches: commands fail fast while disconnected (no offline queue, one retry),
 * so callers fall back to Postgres instead of waiting; it keeps reconnecting in the background.
 */
export function createCacheRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
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
