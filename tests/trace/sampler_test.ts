// Samplers against their definitions: OpenTelemetry's sampler names and arguments
// (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG: always_on, always_off, traceidratio,
// parentbased_*), TraceIdRatioBased's "deterministic by trace id, monotonic in the ratio",
// W3C Level 2's right-most 7 random bytes, and Jaeger's rate limiter (credits per second,
// balance at most max(rate, 1)).

import assert from "node:assert/strict";
import { ManualClock } from "../../trace/clock.ts";
import { TraceId } from "../../trace/ids.ts";
import {
  alwaysOff,
  alwaysOn,
  DEFAULT_SAMPLER,
  parentBased,
  rateLimiting,
  samplerFromEnv,
  traceIdRatio,
} from "../../trace/sampler.ts";
import { tracingFromEnv } from "../../exporters/tracing_from_env.ts";

/** A seeded generator (mulberry32): the same 2,000 ids on every run. */
function seededIds(seed: number, count: number): TraceId[] {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return Array.from(
    { length: count },
    () => TraceId.fromParts(next(), next(), next(), (next() | 1) >>> 0),
  );
}

Deno.test("traceidratio 0.25 samples 25% ± 4% of 2,000 ids (seeded: cannot flake)", () => {
  const ids = seededIds(42, 2000);
  const sampler = traceIdRatio(0.25);
  const sampled = ids.filter((id) => sampler.shouldSample(id, undefined)).length;
  assert.ok(Math.abs(sampled / 2000 - 0.25) <= 0.04, `${sampled} of 2000`);
  // Reference: the definition, computed with BigInt from the hex of each id.
  const bound = BigInt(2 ** 54); // 0.25 × 2^56
  const reference = ids.filter((id) => (BigInt(`0x${id}`) & ((1n << 56n) - 1n)) < bound).length;
  assert.equal(sampled, reference);
});

Deno.test("traceidratio: decided by the id alone, monotonic in the ratio, 0 and 1 exact", () => {
  const ids = seededIds(7, 500);
  const ratios = [0, 0.1, 0.25, 0.5, 0.9, 1];
  const samplers = ratios.map(traceIdRatio);
  for (const id of ids) {
    const decisions = samplers.map((s) => s.shouldSample(id, undefined));
    assert.deepEqual(decisions, samplers.map((s) => s.shouldSample(id, false))); // ignores parent
    for (let i = 1; i < decisions.length; i++) {
      assert.ok(!decisions[i - 1] || decisions[i], `monotonic at ${ratios[i]} for ${id}`);
    }
    assert.equal(decisions[0], false);
    assert.equal(decisions[decisions.length - 1], true);
  }
  // Only the right-most 7 bytes count (Level 2's random bytes): byte 8 and up are ignored.
  const low = "00112233445566";
  for (const high of ["00", "ff", "ffffffffffffffffff"]) {
    assert.equal(traceIdRatio(0.5).shouldSample(TraceId.parse(high + low), undefined), true);
  }
  assert.equal(traceIdRatio(0.25).startsTraces, true);
  assert.equal(traceIdRatio(0).startsTraces, false);
  for (const bad of [-0.1, 1.5, NaN]) assert.throws(() => traceIdRatio(bad), RangeError);
});

Deno.test("always_on, always_off, parentbased_*", () => {
  const id = TraceId.random();
  for (const parent of [true, false, undefined]) {
    assert.equal(alwaysOn().shouldSample(id, parent), true);
    assert.equal(alwaysOff().shouldSample(id, parent), false);
    assert.equal(parentBased(alwaysOn()).shouldSample(id, parent), parent ?? true);
    assert.equal(parentBased(alwaysOff()).shouldSample(id, parent), parent ?? false);
  }
  assert.equal(DEFAULT_SAMPLER.description, "parentbased_always_off");
  assert.equal(DEFAULT_SAMPLER.startsTraces, false);
  assert.equal(parentBased(alwaysOn()).startsTraces, true);
});

Deno.test("ratelimiting: credits per second, balance capped at max(rate, 1)", () => {
  const clock = new ManualClock(0);
  const sampler = rateLimiting(10, clock);
  const id = TraceId.random();
  const burst = Array.from({ length: 20 }, () => sampler.shouldSample(id, undefined));
  assert.equal(burst.filter(Boolean).length, 10); // starts full: 10 credits
  clock.advance(1_000_000); // one second: 10 more
  const second = Array.from({ length: 20 }, () => sampler.shouldSample(id, undefined));
  assert.equal(second.filter(Boolean).length, 10);
  clock.advance(60_000_000); // a minute idle: still at most 10 banked
  assert.equal(
    Array.from({ length: 30 }, () => sampler.shouldSample(id, undefined))
      .filter(Boolean).length,
    10,
  );
  // Below one a second: one trace every 1/rate seconds.
  const slow = rateLimiting(0.5, clock);
  assert.equal(slow.shouldSample(id, undefined), true);
  assert.equal(slow.shouldSample(id, undefined), false);
  clock.advance(2_000_000);
  assert.equal(slow.shouldSample(id, undefined), true);
  assert.equal(rateLimiting(0).startsTraces, false);
  assert.throws(() => rateLimiting(-1), RangeError);
  assert.throws(() => rateLimiting(Infinity), RangeError);
});

Deno.test("samplerFromEnv: OpenTelemetry's names and arguments", () => {
  const cases: [Record<string, string>, string][] = [
    [{}, "parentbased_always_off"],
    [{ OTEL_TRACES_SAMPLER: " " }, "parentbased_always_off"],
    [{ OTEL_TRACES_SAMPLER: "always_on" }, "always_on"],
    [{ OTEL_TRACES_SAMPLER: "ALWAYS_OFF" }, "always_off"],
    [{ OTEL_TRACES_SAMPLER: "traceidratio" }, "traceidratio(1)"], // OTel: default ratio 1.0
    [{ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.5" }, "traceidratio(0.5)"],
    [{ OTEL_TRACES_SAMPLER: "parentbased_always_on" }, "parentbased_always_on"],
    [{ OTEL_TRACES_SAMPLER: "parentbased_always_off" }, "parentbased_always_off"],
    [
      { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: ".25" },
      "parentbased_traceidratio(0.25)",
    ],
    [{ OTEL_TRACES_SAMPLER: "ratelimiting", OTEL_TRACES_SAMPLER_ARG: "100" }, "ratelimiting(100)"],
    [{ OTEL_TRACES_SAMPLER: "parentbased_ratelimiting" }, "parentbased_ratelimiting(1)"],
  ];
  for (const [env, description] of cases) {
    assert.equal(samplerFromEnv(env).description, description, JSON.stringify(env));
  }
  const map = new Map([["OTEL_TRACES_SAMPLER", "always_on"]]);
  assert.equal(samplerFromEnv({ get: (k: string) => map.get(k) }).description, "always_on");
  assert.throws(
    () => samplerFromEnv({ OTEL_TRACES_SAMPLER: "jaeger_remote" }),
    (e: Error) => e instanceof RangeError && /OTEL_TRACES_SAMPLER.*jaeger_remote/.test(e.message),
  );
  assert.throws(
    () => samplerFromEnv({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "1.5" }),
    (e: Error) => e instanceof RangeError && /OTEL_TRACES_SAMPLER_ARG/.test(e.message),
  );
  for (const arg of ["half", "0x10", "1e", "--1"]) {
    assert.throws(
      () => samplerFromEnv({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: arg }),
      (e: Error) => e instanceof SyntaxError && e.message.includes(JSON.stringify(arg)),
    );
  }
});

Deno.test("tracingFromEnv gives its parser the sampler of OTEL_TRACES_SAMPLER", async () => {
  const tracing = tracingFromEnv({
    TRACES_EXPORTER: "jaeger",
    TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
    OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
    OTEL_TRACES_SAMPLER_ARG: "0.1",
  })!;
  try {
    assert.equal(tracing.parser.sampler.description, "parentbased_traceidratio(0.1)");
  } finally {
    await tracing.shutdown();
  }
  assert.throws(
    () => tracingFromEnv({ TRACES_EXPORTER: "jaeger", OTEL_TRACES_SAMPLER: "sometimes" }),
    RangeError,
  );
});

Deno.test("a sampler that throws never fails the request: the caller's decision stands", async () => {
  const { TraceHeaderParser } = await import("../../http/trace_header_parser.ts");
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (message: string) => warnings.push(message);
  try {
    const parser = new TraceHeaderParser({
      sampler: {
        description: "broken",
        startsTraces: true,
        shouldSample: () => {
          throw new Error("boom");
        },
      },
    });
    assert.equal(parser.extract({})?.context.sampled, false);
    const tp = "00-12345678901234567890123456789012-1234567890123456-01";
    assert.equal(parser.extract({ traceparent: tp })?.context.sampled, true);
  } finally {
    console.warn = warn;
  }
  assert.ok(warnings.length <= 1 && /broken threw \(boom\)/.test(warnings.join("")));
});
