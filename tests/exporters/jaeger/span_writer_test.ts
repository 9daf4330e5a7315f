// The fused "js" fast path (exporters/jaeger/_span_writer.ts) writes exactly the bytes of the
// reference route, spanToJaeger then the codec's jsSpanEncoder (itself held to Apache Thrift's
// bytes by the conformance vectors), over spans built to reach every branch: every metadata
// kind, non-ASCII and long strings, statuses, events, links, missing and odd times, long lists,
// and key sets that change from span to span (the sort memo).

import assert from "node:assert/strict";
import { writeSpans } from "../../../exporters/jaeger/_span_writer.ts";
import { jsSpanEncoder } from "../../../exporters/jaeger/js_span_encoder.ts";
import { spanToJaeger } from "../../../exporters/jaeger/span_to_jaeger.ts";
import { BatchEncoder } from "../../../exporters/jaeger/batch_encoder.ts";
import { decodeEmitBatch } from "../../../exporters/jaeger/decode_emit_batch.ts";
import { wasmSpanEncoder } from "../../../exporters/jaeger/wasm_span_encoder.ts";
import {
  float,
  type MetadataValue,
  Span,
  SpanContext,
  SpanId,
  TraceId,
} from "../../../trace/mod.ts";
import { makeStandardSpans } from "../../_standard_span.ts";

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUES: MetadataValue[] = [
  "",
  "GET",
  "naïve café",
  "emoji 🚀 ok",
  "lone \ud800 surrogate",
  "x".repeat(127),
  "x".repeat(128),
  "é".repeat(5000),
  0,
  -0,
  1,
  -1,
  63,
  64,
  -65,
  200,
  2 ** 31,
  -(2 ** 31) - 1,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2 ** 53,
  0.25,
  -1e-300,
  NaN,
  Infinity,
  -Infinity,
  true,
  false,
  0n,
  -1n,
  2n ** 63n - 1n,
  -(2n ** 63n),
  2n ** 63n,
  -(2n ** 64n),
  float(2),
  float(-0.5),
];
const KEYS = ["a", "b.c", "http.method", "z", "Ünïcode", "ok", "error", "otel.status_description"];

function randomSpan(rand: () => number, i: number): Span {
  const pick = <X>(xs: X[]): X => xs[Math.floor(rand() * xs.length)]!;
  const ctx = new SpanContext({
    traceId: TraceId.random(),
    spanId: SpanId.random(),
    parentSpanId: rand() < 0.2 ? undefined : SpanId.random(),
    sampled: rand() < 0.8,
  });
  const span = new Span(rand() < 0.1 ? "ópération 🚀" : `op-${i % 7}`, ctx);
  const links = rand() < 0.7 ? 0 : rand() < 0.8 ? 1 : 20;
  for (let l = 0; l < links; l++) {
    span.link(new SpanContext({ traceId: TraceId.random(), spanId: SpanId.random() }));
  }
  const times = rand();
  if (times < 0.7) {
    span.start = 1_764_000_000_000_000 + rand() * 1e9;
    span.end = span.start + rand() * 1e6;
  } else if (times < 0.8) span.start = 5.5;
  else if (times < 0.85) span.end = 77;
  else if (times < 0.9) {
    span.start = NaN;
    span.end = 3;
  } else if (times < 0.95) {
    span.start = 100;
    span.end = 50; // negative duration: 0
  }
  const tags = rand() < 0.1 ? 20 : Math.floor(rand() * 6);
  const useFixedKeys = rand() < 0.5; // repeats the same key sequence often (the memo)
  for (let t = 0; t < tags; t++) {
    span.setMetadata(useFixedKeys ? KEYS[t % KEYS.length]! + t : pick(KEYS), pick(VALUES));
  }
  const status = rand();
  if (status < 0.3) span.ok();
  else if (status < 0.5) span.error(rand() < 0.5 ? "disk full" : undefined);
  else if (status < 0.6) span.setStatus("ok", "fine");
  const events = rand() < 0.1 ? 17 : Math.floor(rand() * 3);
  for (let e = 0; e < events; e++) {
    const meta: Record<string, MetadataValue> = {};
    const m = Math.floor(rand() * 4);
    for (let k = 0; k < m; k++) meta[pick(KEYS)] = pick(VALUES);
    span.event(rand() < 0.1 ? "évènement" : `event ${e}`, meta, 1_000 + e * 1.7);
  }
  return span;
}

function fused(spans: Span[]): Uint8Array[] {
  const starts: number[] = [];
  const ends: number[] = [];
  const which: number[] = [];
  const errors: unknown[] = [];
  const { bytes, written } = writeSpans(spans, 0, spans.length, starts, ends, which, (e) => {
    errors.push(e);
  });
  assert.deepEqual(errors, []);
  assert.equal(written, spans.length);
  return Array.from({ length: written }, (_, k) => bytes.slice(starts[k], ends[k]));
}

function reference(span: Span): Uint8Array {
  return jsSpanEncoder.encodeSpans([spanToJaeger(span)]).bytes.slice();
}

Deno.test("span writer: same bytes as spanToJaeger + jsSpanEncoder (2,000 varied spans)", () => {
  const rand = prng(42);
  const spans = Array.from({ length: 2000 }, (_, i) => randomSpan(rand, i));
  const got = fused(spans);
  for (let i = 0; i < spans.length; i++) {
    assert.deepEqual(got[i], reference(spans[i]!), `span ${i}`);
  }
});

Deno.test("span writer: the standard span, and a batch of them, byte for byte", () => {
  const spans = makeStandardSpans(300);
  const got = fused(spans);
  spans.forEach((s, i) => assert.deepEqual(got[i], reference(s), `span ${i}`));
});

Deno.test("span writer: a time beyond the i64 range is an error, as for the codec", () => {
  const bad = Span.root("bad");
  bad.start = 1e300;
  const good = Span.root("good");
  const errors: unknown[] = [];
  const { written, bytes } = writeSpans([bad, good], 0, 2, [], [], [], (e) => errors.push(e));
  assert.equal(written, 1);
  assert.ok(errors[0] instanceof RangeError);
  assert.throws(() => jsSpanEncoder.encodeSpans([spanToJaeger(bad)]), RangeError);
  assert.ok(bytes.length > 0);
});

Deno.test("BatchEncoder: fused js, fused wasm and the plain Jaeger-span path agree", () => {
  const rand = prng(7);
  const spans = Array.from({ length: 1500 }, (_, i) => randomSpan(rand, i));
  // A backend without a fused path: spans go through spanToJaeger, 64 at a time.
  const plain = { name: "plain", encodeSpans: jsSpanEncoder.encodeSpans };
  const results = [undefined, wasmSpanEncoder, plain].map((backend) =>
    new BatchEncoder({ serviceName: "svc", maxPacketSize: 9216, backend, warn: () => {} })
      .encode(spans)
  );
  for (const other of results.slice(1)) {
    assert.equal(other.length, results[0]!.length);
    other.forEach((p, i) => assert.deepEqual(p, results[0]![i], `packet ${i}`));
  }
  const count = results[0]!.reduce((n, p) => n + decodeEmitBatch(p).batch.spans.length, 0);
  assert.equal(count, spans.length);
});

Deno.test("span writer: repeated and changing values in the same slots", () => {
  // The same keys span after span, values repeating, changing, changing again, coming back.
  const seq: MetadataValue[] = ["a", "a", "b", "c", "c", "c", 1, 1, 2n, 2n, true, false, "a"];
  const spans = seq.map((v, i) => {
    const span = Span.root("op").setMetadata("k", v).setMetadata("n", i % 3).setMetadata(
      "f",
      float(i % 2),
    );
    span.event("e", { k: v, same: "x" }, 10);
    return span;
  });
  const got = fused(spans);
  spans.forEach((s, i) => assert.deepEqual(got[i], reference(s), `span ${i}`));
});

Deno.test("span writer: ids at every varint length", () => {
  const his = [0, 1, 0x3ffff, 0x40000, 0x7ffff, 0x80000, 0xfffff, 0x3fffffff, 0x40000000];
  const more = [0x7fffffff, 0x80000000, 0xbfffffff, 0xc0000000, 0xffffffff];
  const los = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff];
  const spans: Span[] = [];
  for (const hi of [...his, ...more]) {
    for (const lo of los) {
      if (hi === 0 && lo === 0) continue;
      spans.push(
        new Span(
          "ids",
          new SpanContext({
            traceId: TraceId.fromParts(hi, lo, lo, hi),
            spanId: SpanId.fromParts(hi, lo),
            parentSpanId: SpanId.fromParts(lo === 0 ? 1 : lo, hi),
          }),
        ),
      );
    }
  }
  const got = fused(spans);
  spans.forEach((s, i) => assert.deepEqual(got[i], reference(s), `span ${i}`));
});
