// OpenTelemetry's `TimeInput` to spanwire's microseconds since the epoch, by the rules of the
// OpenTelemetry JS SDK: an `HrTime` is `[seconds, nanoseconds]` since the epoch; a `Date` is its
// milliseconds since the epoch; a number is milliseconds: a `performance.now()` reading (since
// `performance.timeOrigin`) when it is not past `performance.now()`, else since the epoch.
// Anything else reads as "now": a span never throws into instrumented code.

import type { TimeInput } from "@opentelemetry/api";
import type { Clock } from "../trace/clock.ts";

/**
 * The time `input` names, in microseconds since the epoch, or the clock's now when `input` is
 * absent or not a time. Sub-microsecond digits stay in the fraction.
 */
export function toMicros(input: TimeInput | undefined, clock: Clock): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0) return clock.now();
    return (input <= performance.now() ? performance.timeOrigin + input : input) * 1000;
  }
  if (input instanceof Date) {
    const ms = input.getTime();
    return Number.isFinite(ms) ? ms * 1000 : clock.now();
  }
  if (
    Array.isArray(input) && input.length === 2 && typeof input[0] === "number" &&
    typeof input[1] === "number" && Number.isFinite(input[0]) && Number.isFinite(input[1])
  ) {
    return input[0] * 1e6 + input[1] / 1e3;
  }
  return clock.now();
}
