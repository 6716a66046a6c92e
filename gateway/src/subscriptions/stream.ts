/**
 * A push-to-pull queue: the hub pushes results, graphql-ws pulls them. `return()` (the client unsubscribed or
 * went away) runs `onClose` once. Held items are bounded: a client too slow to take them is cut off.
 */
export class ResultStream<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private waiting?: (result: IteratorResult<T>) => void;
  private ending = false;
  private closed = false;

  constructor(
    private readonly onClose: () => void,
    private readonly limit = 64,
  ) {}

  push(value: T): void {
    if (this.ending || this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
      return;
    }
    this.queue.push(value);
    if (this.queue.length > this.limit) void this.return();
  }

  /** No more values: what is queued is still delivered, then the stream completes. */
  end(): void {
    this.ending = true;
    if (this.queue.length === 0) this.finish();
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.queue.shift();
    if (value !== undefined) {
      if (this.ending && this.queue.length === 0) queueMicrotask(() => this.finish());
      return Promise.resolve({ value, done: false });
    }
    if (this.ending || this.closed) {
      this.finish();
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.queue.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = undefined;
    this.onClose();
  }
}
