// A warning that is printed at most once per interval, with a count of what was suppressed,
// so that a failing exporter or collector "says so once" instead of flooding the log.

/** Where warnings go; `console.warn` unless injected. */
export type WarningSink = (message: string) => void;

/** Prints a warning at most once per `intervalMs`, counting the suppressed repeats. */
export class RateLimitedWarning {
  #sink: WarningSink;
  #intervalMs: number;
  #last = -Infinity;
  #suppressed = 0;

  constructor(sink: WarningSink = (message) => console.warn(message), intervalMs = 60_000) {
    this.#sink = sink;
    this.#intervalMs = intervalMs;
  }

  /** Warns now unless a warning went out within the interval; never throws. */
  warn(message: string, nowMs: number = Date.now()): void {
    if (nowMs - this.#last < this.#intervalMs) {
      this.#suppressed++;
      return;
    }
    this.#last = nowMs;
    const more = this.#suppressed > 0
      ? ` (${this.#suppressed} similar warnings suppressed since the last one)`
      : "";
    this.#suppressed = 0;
    try {
      this.#sink(message + more);
    } catch {
      // a broken sink must not break the caller
    }
  }
}
