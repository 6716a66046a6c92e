import type { Logger } from 'pino';

export interface PollingLoopOptions {
  name: string;
  log: Logger;
  intervalMs?: number;
  /** A pass that handled this many items runs again at once: there is probably more. */
  fullBatch?: number;
}

/**
 * Runs `pass` over and over: again at once after a full batch, after `intervalMs` otherwise, with backoff
 * (up to 5 s) while it keeps failing. `nudge()` cuts a wait short; `stop()` waits for the current pass.
 */
export class PollingLoop {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly pass: () => Promise<number>,
    private readonly options: PollingLoopOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const interval = this.options.intervalMs ?? 200;
    let failures = 0;
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.pass();
        failures = 0;
      } catch (error) {
        failures += 1;
        if (failures === 1 || failures % 20 === 0)
          this.options.log.warn({ err: error, failures }, `${this.options.name} failed; will retry`);
      }
      if (this.options.fullBatch !== undefined && handled >= this.options.fullBatch) continue;
      const delay = failures ? Math.min(5000, interval * 2 ** Math.min(failures, 5)) : interval;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
