// Seeded random spans of our model (trace/), for the direct-path tests: every metadata kind
// (strings with lone surrogates, safe and unsafe integers, NaN and infinities, bigints in and
// out of the i64 range, Float, untyped values), status tags and their collisions with
// metadata keys, links, events with metadata, missing and odd times, and many tags.

import { float, type MetadataValue, Span } from "../../trace/span.ts";
import { SpanContext } from "../../trace/span_context.ts";
import { SpanId, TraceId } from "../../trace/ids.ts";
import { freshString, type Rng } from "./_random_spans.ts";

function nonZero(r: Rng): number {
  return r.u32() || 1;
}

function randomValue(r: Rng): MetadataValue {
  switch (r.int(12)) {
    case 0:
    case 1:
      return r.chance(0.5) ? freshString(r) : r.pick(["GET", "trace_http", "", "é"]);
    case 2:
      return r.pick([0, -0, 1, -1, 200, 12345, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER]);
    case 3:
      return r.pick([0.25, NaN, Infinity, -Infinity, 2 ** 60, -(2 ** 70), 1e300, 5e-324]);
    case 4:
      return (r.u32() - 2 ** 31) * (r.chance(0.5) ? 1 : 1.5);
    case 5:
      return r.chance(0.5);
    case 6:
      return r.pick([0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, 2n ** 64n, -(2n ** 64n)]);
    case 7:
      return float(r.pick([1, 0.5, NaN, -0, 2 ** 53]));
    case 8: // untyped JavaScript: exported as its String()
      return r.pick<unknown>([null, undefined, { toString: (): string => "obj" }, [
        1,
        2,
      ]]) as MetadataValue;
    default:
      return `v${r.int(50)}`;
  }
}

const KEYS = [
  "http.method",
  "http.target",
  "component",
  "ok",
  "error",
  "otel.status_description",
  "event",
  "a",
  "B",
  "é",
  "\ud800",
  "",
  "zz",
];

function randomKey(r: Rng): string {
  return r.chance(0.7) ? r.pick(KEYS) : `k${r.int(100)}${r.chance(0.1) ? freshString(r) : ""}`;
}

function randomTime(r: Rng): number | undefined {
  switch (r.int(10)) {
    case 0:
      return undefined;
    case 1:
      return r.pick([NaN, Infinity, -Infinity, 0, -1.5, 0.999]);
    default:
      return 1_764_000_000_000_000 + r.int(1_000_000) + (r.chance(0.3) ? r.u32() / 2 ** 32 : 0);
  }
}

function randomMetadata(r: Rng, max: number): [string, MetadataValue][] {
  const n = r.chance(0.05) ? 60 + r.int(20) : r.int(max);
  const out: [string, MetadataValue][] = [];
  for (let i = 0; i < n; i++) out.push([randomKey(r), randomValue(r)]);
  return out;
}

/** A random finished span. */
export function randomTraceSpan(r: Rng): Span {
  const links = [];
  if (r.chance(0.2)) {
    const n = r.chance(0.2) ? 15 + r.int(5) : 1 + r.int(3);
    for (let i = 0; i < n; i++) {
      links.push({
        traceId: TraceId.fromParts(r.u32(), r.u32(), r.u32(), nonZero(r)),
        spanId: SpanId.fromParts(r.u32(), nonZero(r)),
      });
    }
  }
  const ctx = new SpanContext({
    traceId: TraceId.fromParts(r.u32(), r.u32(), r.u32(), nonZero(r)),
    spanId: SpanId.fromParts(r.u32(), nonZero(r)),
    parentSpanId: r.chance(0.7) ? SpanId.fromParts(r.u32(), nonZero(r)) : undefined,
    links,
    sampled: r.chance(0.8),
  });
  const span = new Span(r.chance(0.8) ? r.pick(["GET /", "query", "plan"]) : freshString(r), ctx);
  span.start = randomTime(r);
  span.end = span.start !== undefined && r.chance(0.8)
    ? span.start + r.int(100_000) + (r.chance(0.3) ? 0.7 : 0)
    : randomTime(r);
  for (const [k, v] of randomMetadata(r, 20)) span.setMetadata(k, v);
  const status = r.int(4);
  const message = r.chance(0.5) ? freshString(r) : undefined;
  if (status === 1) span.setStatus("ok", message);
  if (status === 2) span.setStatus("error", message);
  const events = r.chance(0.4) ? (r.chance(0.1) ? 15 + r.int(5) : 1 + r.int(3)) : 0;
  for (let i = 0; i < events; i++) {
    const meta = randomMetadata(r, 4);
    span.event(
      r.chance(0.7) ? "cache miss" : freshString(r),
      meta.length > 0 || r.chance(0.5) ? Object.fromEntries(meta) : undefined,
      randomTime(r) ?? 0,
    );
  }
  return span;
}
