/**
 * {@linkcode RingBufferTraceCollector}: keeps the last N spans in memory.
 *
 * @module
 */

import type { TraceCollector } from "./collector.ts";
import type { Span } from "./span.ts";

/**
 * A collector that keeps the most recent `capacity` spans, evicting the oldest, as IOx's
 * `RingBufferTraceCollector`. Useful in tests and for an in-process "last N requests" view.
 *
 * @example
 * ```ts
 * import { RingBufferTraceCollector, Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const collector = new RingBufferTraceCollector(2);
 * for (const name of ["a", "b", "c"]) Span.root(name, collector).export();
 * assert.deepEqual(collector.spans().map((s) => s.name), ["b", "c"]);
 * ```
 */
export class RingBufferTraceCollector implements TraceCollector {
  #buffer: (Span | undefined)[];
  #next = 0;
  #size = 0;

  /**
   * Makes a collector that keeps up to `capacity` spans.
   *
   * @param capacity How many spans to keep (a positive integer).
   * @throws {RangeError} If `capacity` is not a positive integer.
   */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Cannot make RingBufferTraceCollector: capacity ${capacity} is not a positive integer`,
      );
    }
    this.#buffer = new Array(capacity).fill(undefined);
  }

  /** How many spans it can keep. */
  get capacity(): number {
    return this.#buffer.length;
  }

  /** How many spans it holds now. */
  get size(): number {
    return this.#size;
  }

  /**
   * Keeps `span`, evicting the oldest when full.
   *
   * @param span The span.
   */
  export(span: Span): void {
    const buffer = this.#buffer;
    buffer[this.#next] = span;
    this.#next = this.#next + 1 === buffer.length ? 0 : this.#next + 1;
    if (this.#size < buffer.length) this.#size++;
  }

  /**
   * The spans held, oldest first.
   *
   * @returns A new array of the spans.
   */
  spans(): Span[] {
    const buffer = this.#buffer;
    const out: Span[] = [];
    let i = (this.#next - this.#size + buffer.length) % buffer.length;
    for (let n = 0; n < this.#size; n++) {
      out.push(buffer[i]!);
      i = i + 1 === buffer.length ? 0 : i + 1;
    }
    return out;
  }

  /** Forgets every span. */
  clear(): void {
    this.#buffer.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}
