import { setBounded } from './bounded-map.js';

/**
 * What a token proved, kept for the token's exact text until it expires (or `maxAgeMs`, whichever is sooner), so a
 * token presented again (the gateway's credential on every fetch, a user's on each request) is not verified again.
 * Only successes are kept: garbage cannot fill it. Bounded: past `maxEntries` the oldest entry goes.
 */
export class VerifiedCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (this.now() >= entry.until) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  /** `expiresAt`: the token's `exp` (seconds since the epoch). */
  set(token: string, value: T, expiresAt: number | undefined): void {
    const now = this.now();
    const until = Math.min(now + this.maxAgeMs, expiresAt === undefined ? Infinity : expiresAt * 1000);
    if (until <= now) return;
    // Shared by every request that presents the token: nobody may change it.
    setBounded(this.entries, token, { value: Object.freeze(value), until }, this.maxEntries);
  }

  get size(): number {
    return this.entries.size;
  }
}
