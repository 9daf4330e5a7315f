// The WASM memory: it grows when a batch needs it (and the bytes stay right across growth,
// which replaces the memory's ArrayBuffer), and it stays bounded over many batches: every call
// reuses the same arena, and the intern table is bounded.

import assert from "node:assert/strict";
import { jsSpanEncoder } from "../../exporters/jaeger/js_span_encoder.ts";
import type { JaegerSpan, JaegerTag } from "../../exporters/jaeger/thrift_model.ts";
import { wasmSpanEncoder } from "../../exporters/jaeger/wasm_span_encoder.ts";
import { wasmMemoryBytes } from "../../wasm/mod.ts";
import { newCore } from "./_core.ts";
import { freshString, randomBatch, Rng, StringSource } from "./_random_spans.ts";

function assertSameAsJs(spans: readonly JaegerSpan[], encode = wasmSpanEncoder.encodeSpans): void {
  const expected = jsSpanEncoder.encodeSpans(spans).bytes.slice();
  const actual = encode(spans);
  assert.equal(actual.bytes.length, expected.length);
  assert.ok(Buffer.compare(actual.bytes, expected) === 0, "bytes differ from the js backend's");
}

function span(n: number, tags: JaegerTag[]): JaegerSpan {
  return {
    traceIdLow: { hi: n, lo: ~n >>> 0 },
    traceIdHigh: n,
    spanId: -n - 1,
    parentSpanId: 0,
    operationName: `op ${n}`,
    flags: 1,
    startTime: 1_764_000_000_000_000 + n,
    duration: n,
    tags,
  };
}

Deno.test("wasm memory: a large batch grows the memory and encodes as js does", () => {
  const core = newCore();
  const before = core.memoryBytes();
  const spans: JaegerSpan[] = [];
  for (let n = 0; n < 20_000; n++) {
    spans.push(span(n, [
      { key: "http.target", vType: 0, vStr: `/api/v2/query?q=${n}&pad=${"x".repeat(n % 300)}` },
      { key: "peer.address", vType: 0, vStr: `127.0.0.1:${40000 + n}` },
      { key: "unicode", vType: 0, vStr: `é中😀\ud800 ${n}` },
      { key: "bin", vType: 4, vBinary: new Uint8Array(n % 64).fill(n & 0xff) },
    ]));
  }
  assertSameAsJs(spans, core.encodeSpans);
  assert.ok(core.memoryBytes() > before, `grew from ${before} to ${core.memoryBytes()} bytes`);
  assert.ok(core.memoryBytes() > 8 * 1024 * 1024);
});

Deno.test("wasm memory: one huge string grows the memory in the middle of staging", () => {
  const core = newCore();
  const before = core.memoryBytes();
  const huge = "é".repeat(1 << 20) + "\udc00" + "a".repeat(1 << 20);
  const spans = [span(1, []), span(2, [{ key: "huge", vType: 0, vStr: huge }]), span(3, [])];
  assertSameAsJs(spans, core.encodeSpans);
  assert.ok(core.memoryBytes() >= before + 3 * (1 << 20));
  // and a small batch afterwards is still right
  assertSameAsJs([span(4, [{ key: "k", vType: 0, vStr: "v" }])], core.encodeSpans);
});

Deno.test("wasm memory: bounded over a million batches of ever-new strings", () => {
  const core = newCore();
  const r = new Rng(7);
  const strings = new StringSource(r, 200);
  // Warm up with batches larger than the ones below.
  for (let i = 0; i < 2000; i++) core.encodeSpans(randomBatch(r, strings, 4));
  const warm = core.memoryBytes();
  const spans: JaegerSpan[] = [span(0, [])];
  let maxEntries = 0;
  for (let i = 0; i < 1_000_000; i++) {
    const s = spans[0]!;
    // Every key appears in two batches in a row (so it is interned), then never again.
    s.tags = [
      { key: `key-${i >> 1}`, vType: 0, vStr: (i & 1023) === 0 ? freshString(r) : `v${i}` },
      { key: "peer.address", vType: 0, vStr: `10.0.${i & 255}.${(i >> 8) & 255}:${i}` },
    ];
    core.encodeSpans(spans);
    if ((i & 1023) === 0) maxEntries = Math.max(maxEntries, core.internStats().entries);
  }
  assert.equal(core.memoryBytes(), warm, "the memory did not grow");
  const stats = core.internStats();
  assert.ok(stats.resets >= 100, `the intern table was cleared when full (${stats.resets} times)`);
  assert.ok(maxEntries <= 4096, `intern entries stay bounded (max ${maxEntries})`);
  assert.ok(stats.bytes <= 64 * 1024, `intern bytes stay bounded (${stats.bytes})`);
  assertSameAsJs(spans, core.encodeSpans);
});

Deno.test("wasm memory: the shared backend's memory does not grow with the batch count", () => {
  const r = new Rng(11);
  const strings = new StringSource(r);
  for (let i = 0; i < 500; i++) wasmSpanEncoder.encodeSpans(randomBatch(r, strings));
  const warm = wasmMemoryBytes();
  assert.ok(warm > 0);
  for (let i = 0; i < 20_000; i++) {
    wasmSpanEncoder.encodeSpans([span(i, [{ key: "n", vType: 3, vLong: i }])]);
  }
  assert.equal(wasmMemoryBytes(), warm);
});
