// The `waitForSpans` bookkeeping of the test receivers (`MockJaegerAgent`, `MockOtlpReceiver`):
// callers wait for a count of spans, with a timeout; the receiver wakes them as spans arrive and
// rejects them when it closes. Protocol-neutral and pure, so both receivers share it.

interface Waiter<T> {
  count: number;
  resolve: (spans: T[]) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Pending `waitForSpans` calls of one receiver named `name` (for the error messages). */
export class SpanWaiters<T> {
  readonly #name: string;
  #waiters: Waiter<T>[] = [];

  constructor(name: string) {
    this.#name = name;
  }

  /** How many calls are waiting. */
  get pending(): number {
    return this.#waiters.length;
  }

  /**
   * Resolves with a copy of `spans()` once it holds at least `count`, or rejects after
   * `timeoutMs` with a message that ends with `detail()` (the receiver's malformed counts).
   */
  wait(
    count: number,
    timeoutMs: number,
    closed: boolean,
    spans: () => T[],
    detail: () => string,
  ): Promise<T[]> {
    const now = spans();
    if (now.length >= count) return Promise.resolve(now.slice());
    if (closed) return Promise.reject(new Error(`${this.#name} is closed`));
    return new Promise<T[]>((resolve, reject) => {
      const waiter: Waiter<T> = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          reject(
            new Error(
              `${this.#name}: ${spans().length} of ${count} spans arrived in ${timeoutMs} ms (${detail()})`,
            ),
          );
        }, timeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  /** Resolves every call whose count `spans` now reaches, each with its own copy. */
  wake(spans: readonly T[]): void {
    const have = spans.length;
    const ready = this.#waiters.filter((w) => have >= w.count);
    if (ready.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => have < w.count);
    for (const w of ready) {
      clearTimeout(w.timer);
      w.resolve(spans.slice());
    }
  }

  /** Rejects every pending call: the receiver closed. */
  close(): void {
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.reject(new Error(`${this.#name} closed before the spans arrived`));
    }
    this.#waiters = [];
  }
}
