// Encoding 10,000 standard spans (design notes) into 65000-byte Jaeger agent packets: our
// BatchEncoder (the "js" and "wasm" backends) against Apache Thrift's npm library
// (TCompactProtocol, the same bytes: checked once below) and jaeger-client's UDP sender
// (thriftrw, binary protocol), in the same run. Every iteration encodes all 10,000 spans, so
// the time per span is the reported time / 10,000.
//
// Run: deno bench -A bench/encode_bench.ts
// Node: bench/encode_bench_node.mjs (the same comparison over the npm build).

import { Buffer } from "node:buffer";
import thrift from "thrift";
import jaeger from "jaeger-client";
import ThriftUtilsModule from "npm:jaeger-client@3.19.0/dist/src/thrift.js";
import UDPSenderModule from "npm:jaeger-client@3.19.0/dist/src/reporters/udp_sender.js";
import { BatchEncoder } from "../exporters/jaeger/batch_encoder.ts";
import { decodeEmitBatch } from "../exporters/jaeger/decode_emit_batch.ts";
import { spanToJaeger } from "../exporters/jaeger/span_to_jaeger.ts";
import { jsSpanEncoder } from "../exporters/jaeger/js_span_encoder.ts";
import { writeSpans } from "../exporters/jaeger/_span_writer.ts";
import { wasmSpanEncoder } from "../exporters/jaeger/wasm_span_encoder.ts";
import { makeStandardSpans } from "../tests/_standard_span.ts";
import {
  apacheThriftEncoder,
  assertSamePackets,
  jaegerClientEncoder,
  packetLayout,
} from "./_encode_peers.mjs";

// The Apache encoder's vBinary path reaches for the Buffer global (the standard span has none).
(globalThis as { Buffer?: unknown }).Buffer ??= Buffer;

const COUNT = 10_000;
const HOSTNAME = "bench-host";
const spans = makeStandardSpans(COUNT);

const js = new BatchEncoder({ serviceName: "iox-conductor", hostname: HOSTNAME, backend: "js" });
const wasm = new BatchEncoder({
  serviceName: "iox-conductor",
  hostname: HOSTNAME,
  backend: "wasm",
});

// Apache Thrift writes the packets of a fresh encoder (seqNo from 0) and must match them.
const reference = new BatchEncoder({ serviceName: "iox-conductor", hostname: HOSTNAME })
  .encode(spans);
const apache = apacheThriftEncoder(
  thrift,
  spanToJaeger,
  js.process,
  packetLayout(reference, decodeEmitBatch),
);
assertSamePackets(reference, apache.encode(spans), "Apache Thrift TCompactProtocol");
assertSamePackets(
  reference,
  new BatchEncoder({ serviceName: "iox-conductor", hostname: HOSTNAME, backend: "wasm" })
    .encode(spans),
  "wasm backend",
);

const ThriftUtils = (ThriftUtilsModule as { default?: unknown }).default ?? ThriftUtilsModule;
const UDPSender = (UDPSenderModule as { default?: unknown }).default ?? UDPSenderModule;
const jc = jaegerClientEncoder(jaeger, ThriftUtils, UDPSender, COUNT, HOSTNAME);
const jcResult = jc.encode();
console.log(
  `10,000 standard spans: ours ${reference.length} packets, ${
    reference.reduce((n, p) => n + p.length, 0)
  } bytes (compact); jaeger-client ${jcResult.packets} packets, ${jcResult.bytes} bytes (binary)`,
);

const group = "encode 10,000 standard spans into 65000-byte packets";

Deno.bench({ name: "spanwire BatchEncoder (js)", group, baseline: true }, () => {
  js.encode(spans);
});

Deno.bench({ name: "spanwire BatchEncoder (wasm)", group }, () => {
  wasm.encode(spans);
});

Deno.bench({ name: "Apache Thrift TCompactProtocol (npm thrift)", group }, () => {
  apache.encode(spans);
});

Deno.bench({ name: "jaeger-client UDPSender (thriftrw, binary)", group }, () => {
  jc.encode();
});

// The span encoders alone, without packing: our Span model straight to compact `Span` structs,
// 64 spans a call as the BatchEncoder drives them ("js": its fused writer; "wasm":
// wasmSpanEncoder.writeTraceSpans, the same contract), and from Jaeger spans made beforehand
// (the SpanEncoderBackend.encodeSpans seam).
const spanGroup = "10,000 standard spans to Span structs (no packets)";
const jaegerSpans = spans.map(spanToJaeger);
const chunkStarts: number[] = [];
const chunkEnds: number[] = [];
const chunkWhich: number[] = [];
const ignore = (): void => {};
Deno.bench({ name: "Span -> bytes, js (fused writer)", group: spanGroup, baseline: true }, () => {
  for (let i = 0; i < COUNT; i += 64) {
    writeSpans(spans, i, Math.min(COUNT, i + 64), chunkStarts, chunkEnds, chunkWhich, ignore);
  }
});
Deno.bench({ name: "Span -> bytes, wasm (writeTraceSpans)", group: spanGroup }, () => {
  for (let i = 0; i < COUNT; i += 64) {
    wasmSpanEncoder.writeTraceSpans(
      spans,
      i,
      Math.min(COUNT, i + 64),
      chunkStarts,
      chunkEnds,
      chunkWhich,
      ignore,
    );
  }
});
Deno.bench({ name: "JaegerSpan -> bytes, js (encodeSpans)", group: spanGroup }, () => {
  jsSpanEncoder.encodeSpans(jaegerSpans);
});
Deno.bench({ name: "JaegerSpan -> bytes, wasm (encodeSpans)", group: spanGroup }, () => {
  wasmSpanEncoder.encodeSpans(jaegerSpans);
});
