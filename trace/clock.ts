/**
 * Time for spans: microseconds since the Unix epoch, as a `number` with sub-millisecond
 * precision, behind a {@linkcode Clock} interface so that tests can inject exact times.
 *
 * @module
 */

/**
 * A source of time in microseconds since the Unix epoch.
 *
 * @example A clock that always says the same time
 * ```ts
 * import type { Clock } from "@spanwire/trace/trace";
 *
 * const frozen: Clock = { now: () => 1_700_000_000_000_000 };
 * ```
 */
export interface Clock {
  /**
   * The current time in microseconds since the Unix epoch (may have a fraction).
   *
   * @returns Microseconds since the epoch.
   */
  now(): number;
}

/**
 * `performance.timeOrigin`, read once (it never changes): its getter costs about 20 ns in Node 20,
 * a fifth of a clock reading, and a span reads the clock three times.
 */
const TIME_ORIGIN: number = performance.timeOrigin;

/**
 * The process clock: `performance.timeOrigin` plus `performance.now()`, in microseconds.
 *
 * It is monotonic within the process (it never goes back, even when the wall clock is set
 * back) and has sub-millisecond precision where the runtime gives it.
 *
 * @example
 * ```ts
 * import { systemClock } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const a = systemClock.now();
 * const b = systemClock.now();
 * assert.ok(b >= a);
 * assert.ok(Math.abs(a / 1000 - Date.now()) < 60_000);
 * ```
 */
export const systemClock: Clock = {
  now(): number {
    return (TIME_ORIGIN + performance.now()) * 1000;
  },
};

/**
 * A clock that moves only when told to, for exact tests.
 *
 * @example
 * ```ts
 * import { ManualClock } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock(1_000);
 * clock.advance(250);
 * assert.equal(clock.now(), 1_250);
 * clock.set(5);
 * assert.equal(clock.now(), 5);
 * ```
 */
export class ManualClock implements Clock {
  #now: number;

  /**
   * Makes a clock that reads `start`.
   *
   * @param start The initial time in microseconds since the epoch (default 0).
   */
  constructor(start = 0) {
    this.#now = start;
  }

  /**
   * The time the clock was last set or advanced to.
   *
   * @returns Microseconds since the epoch.
   */
  now(): number {
    return this.#now;
  }

  /**
   * Sets the time.
   *
   * @param micros Microseconds since the epoch.
   */
  set(micros: number): void {
    this.#now = micros;
  }

  /**
   * Moves the time forward (or back, with a negative step).
   *
   * @param micros Microseconds to add.
   */
  advance(micros: number): void {
    this.#now += micros;
  }
}
