// Test helpers: a collector whose exports can be awaited (no sleeping, no timing thresholds).

import { RingBufferTraceCollector, type Span } from "../../trace/mod.ts";

/** A ring buffer collector that also lets a test wait for the next exported span. */
export class AwaitableCollector extends RingBufferTraceCollector {
  #waiters: ((span: Span) => void)[] = [];
  #unclaimed: Span[] = [];

  constructor() {
    super(100);
  }

  override export(span: Span): void {
    super.export(span);
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter(span);
    else this.#unclaimed.push(span);
  }

  /** The next exported span not yet claimed by an earlier `next()`; fails after 10 s. */
  next(): Promise<Span> {
    const ready = this.#unclaimed.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<Span>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(settle), 1);
        reject(new Error("no span was exported within 10 s"));
      }, 10_000);
      const settle = (span: Span): void => {
        clearTimeout(timer);
        resolve(span);
      };
      this.#waiters.push(settle);
    });
  }

  /** How many exported spans no `next()` has claimed yet. */
  get unclaimed(): number {
    return this.#unclaimed.length;
  }
}

/** Resolves after the event loop has turned `n` times (lets pending I/O callbacks run). */
export async function turns(n = 10): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
