// The "wasm" backend against the "js" backend (the reference, itself held to Apache Thrift's
// bytes by the conformance test): seeded random batches must encode identically, byte for byte
// and end offset for end offset; invalid input must fail the same way.

import assert from "node:assert/strict";
import { jsSpanEncoder } from "../../exporters/jaeger/js_span_encoder.ts";
import type { EncodedSpans } from "../../exporters/jaeger/span_encoder_backend.ts";
import type { JaegerSpan } from "../../exporters/jaeger/thrift_model.ts";
import { wasmSpanEncoder } from "../../exporters/jaeger/wasm_span_encoder.ts";
import { wasmSpanEncoderState } from "../../wasm/mod.ts";
import { randomBatch, randomSpan, Rng, StringSource } from "./_random_spans.ts";
import { newCore } from "./_core.ts";

function copy(e: EncodedSpans): { bytes: Uint8Array; ends: number[] } {
  return { bytes: e.bytes.slice(), ends: Array.from(e.ends) };
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function describeSpans(spans: readonly JaegerSpan[]): string {
  return JSON.stringify(
    spans,
    (_k, v) => typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? `bytes(${v.length})` : v,
  ).slice(0, 2000);
}

function assertSame(
  spans: readonly JaegerSpan[],
  label: string,
  encode: (spans: readonly JaegerSpan[]) => EncodedSpans = wasmSpanEncoder.encodeSpans,
): void {
  const expected = copy(jsSpanEncoder.encodeSpans(spans));
  const actual = encode(spans);
  const at = firstDifference(expected.bytes, actual.bytes);
  if (at >= 0) {
    assert.fail(
      `${label}: bytes differ at offset ${at} (js ${expected.bytes.length} bytes, wasm ` +
        `${actual.bytes.length}) for ${describeSpans(spans)}`,
    );
  }
  assert.deepEqual(Array.from(actual.ends), expected.ends, `${label}: span end offsets`);
}

Deno.test("wasm differential: the backend runs on WASM here", () => {
  wasmSpanEncoder.encodeSpans([]);
  assert.equal(wasmSpanEncoderState(), "wasm");
});

Deno.test("wasm differential: 12,000 seeded random batches encode as the js backend does", () => {
  const r = new Rng(0x5eed_0005);
  const strings = new StringSource(r);
  let spans = 0;
  for (let i = 0; i < 12_000; i++) {
    const batch = randomBatch(r, strings);
    spans += batch.length;
    assertSame(batch, `batch ${i}`);
  }
  assert.ok(spans > 40_000);
});

Deno.test("wasm differential: recurring spans (interning at every slot) match", () => {
  // The same few span shapes again and again, so strings get interned, looked up from other
  // slots, and (with 6,000 distinct recurring strings) the bounded intern table is cleared.
  const core = newCore();
  const r = new Rng(42);
  const strings = new StringSource(r, 6000);
  const shapes: JaegerSpan[] = [];
  for (let i = 0; i < 40; i++) shapes.push(randomSpan(r, strings));
  for (let i = 0; i < 3000; i++) {
    const batch: JaegerSpan[] = [];
    const n = 1 + r.int(6);
    for (let j = 0; j < n; j++) {
      const s = r.pick(shapes);
      batch.push(r.chance(0.3) ? { ...s, operationName: strings.next() } : s);
    }
    if (r.chance(0.3)) shapes[r.int(shapes.length)] = randomSpan(r, strings);
    assertSame(batch, `batch ${i}`, core.encodeSpans);
  }
  const stats = core.internStats();
  assert.ok(stats.resets > 1, `the intern table was cleared (${stats.resets} times)`);
  assert.ok(stats.entries > 0 && stats.bytes > 0, "strings are interned");
});

Deno.test("wasm differential: the standard span batch matches", () => {
  const spans: JaegerSpan[] = [];
  for (let n = 0; n < 2000; n++) {
    spans.push({
      traceIdLow: { hi: 0x9abcdef0, lo: n },
      traceIdHigh: { hi: 0x12345678, lo: 0x0badcafe },
      spanId: { hi: 0xdeadbeef, lo: n * 7 },
      parentSpanId: { hi: 0xfeedface, lo: n * 13 },
      operationName: "GET /api/v2/query",
      flags: 1,
      startTime: 1_764_000_000_000_000 + n * 10,
      duration: 1500,
      tags: [
        { key: "cached", vType: 2, vBool: true },
        { key: "component", vType: 0, vStr: "trace_http" },
        { key: "db.rows", vType: 3, vLong: 12345 },
        { key: "http.method", vType: 0, vStr: "GET" },
        { key: "http.status_code", vType: 3, vLong: 200 },
        {
          key: "http.target",
          vType: 0,
          vStr: `/api/v2/query?org=26f7e5a4b7be365b&bucket=917b97a92e883afc&q=${n}`,
        },
        { key: "ok", vType: 2, vBool: true },
        { key: "peer.address", vType: 0, vStr: `127.0.0.1:${40000 + (n % 20000)}` },
        { key: "ratio", vType: 1, vDouble: 0.25 },
      ],
      logs: [{
        timestamp: 1_764_000_000_000_120 + n * 10,
        fields: [
          { key: "event", vType: 0, vStr: "cache miss" },
          { key: "key", vType: 0, vStr: "partition-42" },
        ],
      }],
    });
  }
  for (let round = 0; round < 3; round++) assertSame(spans, `round ${round}`);
});

Deno.test("wasm differential: invalid i64 numbers throw RangeError as in js", () => {
  const base: JaegerSpan = {
    traceIdLow: 1,
    traceIdHigh: 0,
    spanId: 2,
    parentSpanId: 0,
    operationName: "op",
    flags: 1,
    startTime: 0,
    duration: 0,
  };
  for (const bad of [1.5, NaN, Infinity, -Infinity, 2 ** 63, -(2 ** 64)]) {
    const spans = [base, { ...base, duration: bad }];
    assert.throws(() => jsSpanEncoder.encodeSpans(spans), RangeError);
    assert.throws(() => wasmSpanEncoder.encodeSpans(spans), RangeError, `duration ${bad}`);
    // and the backend still works after a failed batch
    assertSame([base], `after ${bad}`);
  }
});
