import { backoffDelay, type BackoffOptions } from './failure.js';

export interface PacerTicket {
  readonly epoch: number;
  readonly probe: boolean;
}

/**
 * Slows a consumer down while its infrastructure is down. Healthy, deliveries run side by side (up to the
 * prefetch). The first transient failure makes it degraded: deliveries then wait, one at a time, for a backoff
 * that grows with each failed probe (capped, with jitter), so an outage costs one attempt per backoff instead of
 * the whole queue re-failing at full speed. The first delivery that gets through (or fails for another reason,
 * which proves the database answered) makes it healthy again.
 *
 * Chosen over cancelling and re-consuming: the deliveries already prefetched simply wait here unacked (at most
 * `prefetch` of them, so memory is bounded), nothing has to be re-registered after a broker reconnect, and
 * messages back from `<name>.retry` pass the same gate.
 */
export class Pacer {
  private epoch = 0;
  private failures = 0;
  private resumeAt = 0;
  private probing = false;
  private closed = false;
  private wakers = new Set<() => void>();

  constructor(
    private readonly backoff: BackoffOptions,
    private readonly onChange: (change: { degraded: boolean; failures: number; pauseMs: number }) => void = () => undefined,
  ) {}

  get degraded(): boolean {
    return this.failures > 0;
  }

  /** Resolves when the caller may handle its delivery, or with null once the consumer is closing. */
  async enter(): Promise<PacerTicket | null> {
    while (!this.closed) {
      if (!this.degraded) return { epoch: this.epoch, probe: false };
      const wait = this.resumeAt - Date.now();
      if (!this.probing && wait <= 0) {
        this.probing = true;
        return { epoch: this.epoch, probe: true };
      }
      await this.sleep(this.probing ? undefined : wait);
    }
    return null;
  }

  /** Reports how the delivery went: `transient` for an infrastructure failure, `ok` for anything else. */
  leave(ticket: PacerTicket, result: 'ok' | 'transient'): void {
    if (ticket.probe) this.probing = false;
    if (result === 'transient') {
      // Deliveries that started before the last change all fail together; only the first of them counts.
      if (ticket.epoch === this.epoch) {
        this.failures += 1;
        this.epoch += 1;
        const pauseMs = backoffDelay(this.failures, this.backoff);
        this.resumeAt = Date.now() + pauseMs;
        this.onChange({ degraded: true, failures: this.failures, pauseMs });
      }
    } else if (this.degraded) {
      this.onChange({ degraded: false, failures: this.failures, pauseMs: 0 });
      this.failures = 0;
      this.epoch += 1;
    }
    this.wakeAll();
  }

  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  private wakeAll(): void {
    const wakers = [...this.wakers];
    this.wakers.clear();
    for (const wake of wakers) wake();
  }

  private sleep(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}
