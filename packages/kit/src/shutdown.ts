import type { Logger } from 'pino';
import { stopTracing } from './tracing.js';

/** Runs the closers in order on SIGINT/SIGTERM, once; exits non-zero if one fails or takes too long. */
export function onShutdown(log: Logger, closers: Array<() => Promise<unknown>>, timeoutMs = 10_000): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    try {
      for (const close of closers) await close();
      // The last spans (those of the shutdown itself included) go out before the process does.
      await stopTracing().catch((error: unknown) => log.warn({ err: error }, 'traces not flushed'));
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
