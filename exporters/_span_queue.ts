// A FIFO queue with O(1) amortized push and batch take, for the AsyncExporter.

/** An array-backed FIFO: `push` appends, `take(n)` removes up to `n` from the front. */
export class FifoQueue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** The number of queued items. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Appends one item. */
  push(item: T): void {
    this.#items.push(item);
  }

  /** Removes and returns up to `n` items from the front, oldest first. */
  take(n: number): T[] {
    const items = this.#items;
    const end = Math.min(items.length, this.#head + n);
    const out = items.slice(this.#head, end) as T[];
    for (let i = this.#head; i < end; i++) items[i] = undefined; // let them be collected
    this.#head = end;
    if (this.#head === items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > items.length) {
      this.#items = items.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }
}
