// Span.kind on the Jaeger wire, as OpenTelemetry's Jaeger exporter maps it: a `span.kind` string
// tag ("server", "client", "producer", "consumer") for every kind but internal, which adds no
// tag (so internal spans keep their bytes); a `span.kind` key already in the metadata wins and
// is written once. The three writers (spanToJaeger + js codec, the js fused writer, wasm) agree.

import assert from "node:assert/strict";
import { BatchEncoder } from "../../../exporters/jaeger/batch_encoder.ts";
import { decodeEmitBatch } from "../../../exporters/jaeger/decode_emit_batch.ts";
import { jsSpanEncoder } from "../../../exporters/jaeger/js_span_encoder.ts";
import { spanToJaeger } from "../../../exporters/jaeger/span_to_jaeger.ts";
import { Span, type SpanKind } from "../../../trace/mod.ts";
import { wasmSpanEncoder } from "../../../exporters/jaeger/wasm_span_encoder.ts";

function spanOf(kind: SpanKind, meta?: string): Span {
  const s = Span.root("op").setMetadata("http.method", "GET").setMetadata("z", 1).ok();
  if (meta !== undefined) s.setMetadata("span.kind", meta);
  s.kind = kind;
  s.start = 1000;
  s.end = 2000;
  return s;
}

for (const kind of ["server", "client", "producer", "consumer"] as const) {
  Deno.test(`span.kind: ${kind} becomes a sorted string tag, the same in every writer`, () => {
    const span = spanOf(kind);
    const packet = new BatchEncoder({ serviceName: "svc", backend: "js" }).encode([span])[0]!;
    const tags = decodeEmitBatch(packet).batch.spans[0]!.tags!;
    assert.deepEqual(tags.map((t) => t.key), ["http.method", "ok", "span.kind", "z"]);
    const t = tags.find((t) => t.key === "span.kind")!;
    assert.equal(t.vType, 0);
    assert.equal(t.vStr, kind);
    const reference = jsSpanEncoder.encodeSpans([spanToJaeger(span)]).bytes.slice();
    assert.deepEqual(jsSpanEncoder.encodeTraceSpan!(span).slice(), reference);
    assert.deepEqual(wasmSpanEncoder.encodeTraceSpan(span).slice(), reference);
  });
}

Deno.test("span.kind: internal adds no tag; a metadata span.kind is written once", () => {
  const internal = spanToJaeger(spanOf("internal"));
  assert.deepEqual(internal.tags!.map((t) => t.key), ["http.method", "ok", "z"]);
  const both = spanOf("server", "custom");
  const tags = spanToJaeger(both).tags!.filter((t) => t.key === "span.kind");
  assert.deepEqual(tags.map((t) => t.vStr), ["custom"]);
  const reference = jsSpanEncoder.encodeSpans([spanToJaeger(both)]).bytes.slice();
  assert.deepEqual(jsSpanEncoder.encodeTraceSpan!(both).slice(), reference);
  assert.deepEqual(wasmSpanEncoder.encodeTraceSpan(both).slice(), reference);
});
