/**
 * Samplers: whether a trace is recorded, decided where a trace starts (and, for the samplers
 * that are not parent-based, at every service). The names and arguments are OpenTelemetry's
 * (`OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`), plus Jaeger's rate limiting.
 *
 * Pure: no I/O, no `node:` imports. The HTTP parser (`TraceHeaderParser`'s `sampler` option)
 * asks the sampler when a request comes in.
 *
 * @example
 * ```ts
 * import { parentBased, traceIdRatio, TraceId } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const sampler = parentBased(traceIdRatio(0.25));
 * assert.equal(sampler.description, "parentbased_traceidratio(0.25)");
 * assert.equal(sampler.shouldSample(TraceId.random(), true), true); // follows its parent
 * ```
 *
 * @module
 */

import { type Clock, systemClock } from "./clock.ts";
import type { TraceId } from "./ids.ts";

/**
 * Decides whether a trace is recorded.
 *
 * @example A sampler of your own: every trace whose id ends in an even digit
 * ```ts
 * import type { Sampler } from "@spanwire/trace/trace";
 *
 * const even: Sampler = {
 *   description: "even",
 *   startsTraces: true,
 *   shouldSample: (traceId) => (traceId.w3 & 1) === 0,
 * };
 * ```
 */
export interface Sampler {
  /** The sampler's name and argument, as `OTEL_TRACES_SAMPLER` spells them. */
  readonly description: string;
  /**
   * Whether the sampler can ever sample a trace that has no parent. When false, a request
   * that arrives without a trace context gets none (IOx's behaviour): no trace id is drawn
   * and nothing is propagated.
   */
  readonly startsTraces: boolean;
  /**
   * The decision.
   *
   * @param traceId The trace's id (a new random one for a trace about to start).
   * @param parentSampled The decision of the caller (a remote parent), or `undefined` when
   *   there is none: the trace starts here.
   * @returns True to record.
   */
  shouldSample(traceId: TraceId, parentSampled: boolean | undefined): boolean;
}

const ALWAYS_ON: Sampler = Object.freeze({
  description: "always_on",
  startsTraces: true,
  shouldSample: (): boolean => true,
});

const ALWAYS_OFF: Sampler = Object.freeze({
  description: "always_off",
  startsTraces: false,
  shouldSample: (): boolean => false,
});

/**
 * Samples every trace, whatever the caller decided.
 *
 * @returns The sampler.
 *
 * @example
 * ```ts
 * import { alwaysOn, TraceId } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * assert.equal(alwaysOn().shouldSample(TraceId.random(), false), true);
 * ```
 */
export function alwaysOn(): Sampler {
  return ALWAYS_ON;
}

/**
 * Samples nothing, whatever the caller decided.
 *
 * @returns The sampler.
 *
 * @example
 * ```ts
 * import { alwaysOff, TraceId } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * assert.equal(alwaysOff().shouldSample(TraceId.random(), true), false);
 * ```
 */
export function alwaysOff(): Sampler {
  return ALWAYS_OFF;
}

const TWO_POW_56 = 2 ** 56;
const TWO_POW_32 = 2 ** 32;

/**
 * Samples a fraction `ratio` of traces, decided by the trace id alone, so that every service
 * using the same ratio takes the same decision for a trace: the right-most 7 bytes of the id
 * (the bits W3C Trace Context Level 2 requires to be random when the random flag is set),
 * read as an integer `r` below 2^56, are sampled when `r < ratio × 2^56`. A trace sampled at
 * some ratio is sampled at every higher ratio.
 *
 * @param ratio From 0 (nothing) to 1 (everything).
 * @returns The sampler.
 * @throws {RangeError} If `ratio` is not a number from 0 to 1.
 *
 * @example
 * ```ts
 * import { traceIdRatio, TraceId } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const quarter = traceIdRatio(0.25);
 * // r = 0x3fffffffffffff is just under 2^56 / 4: sampled; 2^56 / 4 itself is not.
 * assert.equal(quarter.shouldSample(TraceId.parse("ff3fffffffffffff"), undefined), true);
 * assert.equal(quarter.shouldSample(TraceId.parse("ff40000000000000"), undefined), false);
 * ```
 */
export function traceIdRatio(ratio: number): Sampler {
  if (typeof ratio !== "number" || !(ratio >= 0 && ratio <= 1)) {
    throw new RangeError(`Cannot make traceidratio sampler: ratio ${ratio} is not from 0 to 1`);
  }
  // r < bound, compared in two exact parts (r needs 56 bits, more than a double's 53).
  const bound = ratio * TWO_POW_56;
  const boundHigh = Math.floor(bound / TWO_POW_32);
  const boundLow = bound - boundHigh * TWO_POW_32;
  return Object.freeze({
    description: `traceidratio(${ratio})`,
    startsTraces: ratio > 0,
    shouldSample: (traceId: TraceId): boolean => {
      const high = traceId.w2 & 0xffffff;
      return high < boundHigh || (high === boundHigh && traceId.w3 < boundLow);
    },
  });
}

/**
 * Samples at most `perSecond` traces a second, as Jaeger's `ratelimiting` sampler: a leaky
 * bucket that earns `perSecond` credits a second, holds at most `max(perSecond, 1)`, starts
 * full, and spends one credit a sampled trace.
 *
 * @param perSecond Traces a second (0 samples nothing).
 * @param clock Where time comes from, in microseconds (default the system clock).
 * @returns The sampler.
 * @throws {RangeError} If `perSecond` is not a finite number of at least 0.
 *
 * @example
 * ```ts
 * import { ManualClock, rateLimiting, TraceId } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock(0);
 * const sampler = rateLimiting(2, clock);
 * const id = TraceId.random();
 * assert.deepEqual([1, 2, 3].map(() => sampler.shouldSample(id, undefined)), [true, true, false]);
 * clock.advance(500_000); // half a second: one credit
 * assert.equal(sampler.shouldSample(id, undefined), true);
 * assert.equal(sampler.shouldSample(id, undefined), false);
 * ```
 */
export function rateLimiting(perSecond: number, clock: Clock = systemClock): Sampler {
  if (typeof perSecond !== "number" || !(perSecond >= 0) || !Number.isFinite(perSecond)) {
    throw new RangeError(
      `Cannot make ratelimiting sampler: ${perSecond} traces per second is not a finite number of at least 0`,
    );
  }
  const max = Math.max(perSecond, 1);
  const perMicro = perSecond / 1e6;
  let balance = max;
  let last = clock.now();
  return Object.freeze({
    description: `ratelimiting(${perSecond})`,
    startsTraces: perSecond > 0,
    shouldSample: (): boolean => {
      if (perSecond === 0) return false;
      const now = clock.now();
      balance = Math.min(max, balance + Math.max(0, now - last) * perMicro);
      last = now;
      if (balance < 1) return false;
      balance -= 1;
      return true;
    },
  });
}

/**
 * Follows the caller's decision when there is one, and asks `root` when the trace starts
 * here: OpenTelemetry's `parentbased_*` samplers. `parentBased(alwaysOff())` is IOx's
 * behaviour and the parser's default: incoming decisions are honoured, and no trace starts
 * without a caller (or the Jaeger debug header).
 *
 * @param root The sampler for traces that start here.
 * @returns The sampler.
 *
 * @example
 * ```ts
 * import { alwaysOn, parentBased, TraceId } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const sampler = parentBased(alwaysOn());
 * assert.equal(sampler.shouldSample(TraceId.random(), false), false);
 * assert.equal(sampler.shouldSample(TraceId.random(), undefined), true);
 * ```
 */
export function parentBased(root: Sampler): Sampler {
  return Object.freeze({
    description: `parentbased_${root.description}`,
    startsTraces: root.startsTraces,
    shouldSample: (traceId: TraceId, parentSampled: boolean | undefined): boolean =>
      parentSampled === undefined ? root.shouldSample(traceId, undefined) : parentSampled,
  });
}

/** The default sampler: `parentbased_always_off` (IOx's behaviour). */
export const DEFAULT_SAMPLER: Sampler = parentBased(ALWAYS_OFF);

const SAMPLER_NAMES = [
  "always_on",
  "always_off",
  "traceidratio",
  "ratelimiting",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
  "parentbased_ratelimiting",
];

function argument(raw: string | undefined, fallback: number): number {
  const text = raw?.trim() ?? "";
  if (text === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || !/^[+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    throw new SyntaxError(
      `Cannot parse OTEL_TRACES_SAMPLER_ARG: ${JSON.stringify(text.slice(0, 100))} is not a number`,
    );
  }
  return value;
}

/**
 * The sampler named by `OTEL_TRACES_SAMPLER` with the argument `OTEL_TRACES_SAMPLER_ARG`, as
 * OpenTelemetry's SDK configuration defines them (names in any case, blank = unset):
 *
 * - `always_on`, `always_off`, `traceidratio` (argument: the ratio, default 1), and their
 *   `parentbased_` forms;
 * - `ratelimiting` and `parentbased_ratelimiting` (argument: traces a second, default 1), as
 *   Jaeger's rate-limiting sampler.
 *
 * Unset, the default is `parentbased_always_off` (IOx's behaviour: only callers and the debug
 * header start traces). The remote samplers (`jaeger_remote`, `xray`) are not supported.
 *
 * @param env The environment: an object of variables, or anything with `get(key)` (as
 *   `Deno.env`).
 * @returns The sampler.
 * @throws {RangeError} If the name is unknown or the argument out of range.
 * @throws {SyntaxError} If the argument is not a number.
 *
 * @example
 * ```ts
 * import { samplerFromEnv } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const sampler = samplerFromEnv({
 *   OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
 *   OTEL_TRACES_SAMPLER_ARG: "0.25",
 * });
 * assert.equal(sampler.description, "parentbased_traceidratio(0.25)");
 * assert.equal(samplerFromEnv({}).description, "parentbased_always_off");
 * assert.throws(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: "sometimes" }), RangeError);
 * ```
 */
export function samplerFromEnv(
  env:
    | Readonly<Record<string, string | undefined>>
    | { get(key: string): string | undefined },
): Sampler {
  const get = typeof (env as { get?: unknown }).get === "function"
    ? (key: string) => (env as { get(key: string): string | undefined }).get(key)
    : (key: string) => {
      const record = env as Readonly<Record<string, string | undefined>>;
      return Object.hasOwn(record, key) ? record[key] : undefined;
    };
  const raw = get("OTEL_TRACES_SAMPLER");
  const name = raw?.trim().toLowerCase() ?? "";
  if (name === "") return DEFAULT_SAMPLER;
  const arg = get("OTEL_TRACES_SAMPLER_ARG");
  const parent = name.startsWith("parentbased_");
  const base = parent ? name.slice("parentbased_".length) : name;
  let sampler: Sampler;
  switch (base) {
    case "always_on":
      sampler = ALWAYS_ON;
      break;
    case "always_off":
      sampler = ALWAYS_OFF;
      break;
    case "traceidratio": {
      const ratio = argument(arg, 1);
      if (ratio > 1) {
        throw new RangeError(
          `Cannot use OTEL_TRACES_SAMPLER_ARG: ratio ${ratio} is not from 0 to 1`,
        );
      }
      sampler = traceIdRatio(ratio);
      break;
    }
    case "ratelimiting":
      sampler = rateLimiting(argument(arg, 1));
      break;
    default:
      throw new RangeError(
        `Cannot use OTEL_TRACES_SAMPLER: ${JSON.stringify(raw!.slice(0, 100))} is not one of ${
          SAMPLER_NAMES.join(", ")
        }`,
      );
  }
  return parent ? parentBased(sampler) : sampler;
}
