// The exporter's rate limit: IOx's `TRACES_JAEGER_MAX_MSGS_PER_SECOND`, as a token bucket.
//
// IOx spaces every two packets by 1 / rate. With `burst` 1 this is exactly that; with a larger
// burst (the default is DEFAULT_MAX_BURST) up to `burst` packets leave back to back and the
// bucket then refills at `rate`: the same packets a second on average, but one timer wake-up
// per `burst` packets instead of one per packet. A wake-up costs 100-180 µs of CPU on Deno
// (a 1 ms setTimeout, measured in bench/pipeline_bench.ts's setting) and timers fire late
// (2.2 ms for 1 ms), so strict spacing both costs CPU and halves the real rate.

/** Packets that may leave back to back by default: 3 of 65,000 bytes stay under the 208 KiB
 * that Linux gives a UDP socket's receive buffer by default, so an agent that reads late does
 * not lose them. */
export const DEFAULT_MAX_BURST = 3;

/** A token bucket over a millisecond clock that the caller reads. */
export class RateLimiter {
  readonly #intervalMs: number;
  readonly #burst: number;
  #tokens: number;
  #last: number | undefined = undefined;

  /**
   * @param perSecond Packets a second on average.
   * @param burst Packets that may leave back to back (an integer, at least 1).
   */
  constructor(perSecond: number, burst: number) {
    this.#intervalMs = 1000 / perSecond;
    this.#burst = burst;
    this.#tokens = burst;
  }

  /**
   * How long the next packet must wait at `now`, in ms (0: it may leave at once). An empty
   * bucket waits until it is full again, so that the wake-up is shared by `burst` packets.
   */
  delay(now: number): number {
    this.#refill(now);
    return this.#tokens >= 1 ? 0 : (this.#burst - this.#tokens) * this.#intervalMs;
  }

  /** A packet left at `now`. */
  take(now: number): void {
    this.#refill(now);
    this.#tokens = Math.max(0, this.#tokens - 1);
  }

  #refill(now: number): void {
    if (this.#last !== undefined && now > this.#last) {
      this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) / this.#intervalMs);
    }
    this.#last = now;
  }
}
