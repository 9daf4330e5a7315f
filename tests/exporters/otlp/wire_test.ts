// The OTLP bytes against independent references: protobufjs with the official .proto files, and
// OpenTelemetry JS's own serializer (otlp-transformer) for the same spans, protobuf and JSON.

import assert from "node:assert/strict";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { makeStandardSpans } from "../../_standard_span.ts";
import {
  decodeOtlpJson,
  decodeOtlpProtobuf,
  OtlpEncoder,
  SCOPE_NAME,
  SCOPE_VERSION,
} from "../../../exporters/otlp/mod.ts";
import { Float, float, Span, SpanContext, SpanId, TraceId } from "../../../trace/mod.ts";
import { officialDecode, RequestType, toReadableSpan } from "./_reference.ts";

const RESOURCE = { "service.name": "iox-conductor", "host.name": "host-1", env: "prod" };
const SCOPE = { name: SCOPE_NAME, version: SCOPE_VERSION };

function encoder(format: "protobuf" | "json" = "protobuf"): OtlpEncoder {
  return new OtlpEncoder({
    serviceName: "iox-conductor",
    attributes: { "host.name": "host-1", env: "prod" },
    format,
  });
}

/** Spans that reach every branch of the mapping. */
function edgeSpans(): Span[] {
  const spans: Span[] = [];
  const root = Span.root("root");
  root.start = 1_700_000_000_123_456.75; // exact in a double
  root.end = 1_700_000_000_223_456;
  root.kind = "server";
  root.setMetadata("span.kind", "server"); // the http layer's key: not sent
  root.setMetadata("neg", -5);
  root.setMetadata("big", 2 ** 40);
  root.setMetadata("minSafe", Number.MIN_SAFE_INTEGER);
  root.setMetadata("bigint", -(2n ** 63n));
  root.setMetadata("bigintMax", 2n ** 63n - 1n);
  root.setMetadata("tooBig", 2n ** 64n); // beyond int64: its decimal string
  root.setMetadata("whole", float(3));
  root.setMetadata("nan", NaN);
  root.setMetadata("inf", -Infinity);
  root.setMetadata("huge", 1e300);
  root.setMetadata("unicode", 'héllo ✓ 🎉 \u0000 "q" \\ \n');
  root.setMetadata("long", "x".repeat(300));
  root.setMetadata("", "empty key");
  root.error("it broke ✗");
  spans.push(root);
  const child = root.child("child");
  child.kind = "client";
  child.start = 1;
  child.end = 2;
  child.link(SpanContext.root());
  child.link(new SpanContext({ traceId: TraceId.parse("1"), spanId: SpanId.parse("2") }));
  child.event("e1", { a: 1, b: "two", c: true, d: float(0.5) }, 5);
  child.event("e2", undefined, 6);
  spans.push(child);
  const bare = new Span(
    "",
    new SpanContext({
      traceId: TraceId.parse("f".repeat(32)),
      spanId: SpanId.parse("f".repeat(16)),
    }),
  );
  spans.push(bare); // no times, status unknown, no metadata
  const producer = Span.root("p".repeat(200));
  producer.kind = "producer";
  producer.ok();
  spans.push(producer);
  return spans;
}

function allSpans(): Span[] {
  return [...makeStandardSpans(5), ...edgeSpans()];
}

/**
 * The spans without the values OpenTelemetry JS's attribute model lacks (bigints; a whole
 * number meant as a double; it writes a whole number beyond 2^53, like 1e300, as an int64,
 * which it is not), for the comparisons with its serializer.
 */
function otelSpans(): Span[] {
  const spans = allSpans();
  for (const s of spans) {
    for (const [k, v] of s.metadata) {
      if (
        typeof v === "bigint" || (v instanceof Float && Number.isInteger(v.value)) ||
        (typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v))
      ) {
        s.metadata.delete(k);
      }
    }
  }
  return spans;
}

// deno-lint-ignore no-explicit-any
type Obj = any;

/**
 * Drops what OpenTelemetry JS writes and we do not: `flags` (of newer protos) and an empty
 * status for an unset one (an absent status is UNSET too).
 */
function comparable(obj: Obj): Obj {
  return JSON.parse(JSON.stringify(obj, (key, value) => {
    if (key === "flags") return undefined;
    if (key === "status" && value === null) return { code: 0, message: "" };
    return value;
  }));
}

Deno.test("protobuf: the official .proto files decode what OpenTelemetry JS's serializer writes for the same spans into the same message", () => {
  const spans = otelSpans();
  const ours = officialDecode(encoder().encode(spans));
  const theirs = officialDecode(
    ProtobufTraceSerializer.serializeRequest(
      spans.map((s) => toReadableSpan(s, RESOURCE, SCOPE)) as never,
    )!,
  );
  assert.deepEqual(comparable(ours), comparable(theirs));
});

Deno.test("protobuf: attributes whose values repeat, change and change kind from span to span are written as OpenTelemetry JS writes them", () => {
  // The protobuf writer copies the bytes of a key and value it wrote before: every repeat,
  // change and change of kind of a value must still come out as the reference writes it.
  const values = [
    "a",
    "a",
    "b",
    "a",
    1,
    1,
    2,
    "1",
    true,
    true,
    false,
    0.5,
    0.5,
    float(0.5),
    float(0.25),
    -0,
    0,
    0,
    NaN,
    NaN,
    Infinity,
    "x".repeat(150),
    "x".repeat(150),
    "é",
    "é",
    2 ** 40,
    2 ** 40,
  ];
  const spans: Span[] = [];
  for (let i = 0; i < values.length * 2; i++) {
    const v = values[i % values.length]!;
    const w = values[(i * 7) % values.length]!;
    const span = Span.root(`s${i}`);
    span.start = 1_000 + i;
    span.end = 2_000 + i;
    span.setMetadata("k", v).setMetadata("fixed", "same").setMetadata(`only${i % 3}`, w);
    span.event("e", { k: w, fixed: "same" }, 1_500 + i);
    spans.push(span);
  }
  const enc = encoder();
  const ours = officialDecode(enc.frame(spans.map((s) => enc.encodeSpan(s))));
  const theirs = officialDecode(
    ProtobufTraceSerializer.serializeRequest(
      spans.map((s) => toReadableSpan(s, RESOURCE, SCOPE)) as never,
    )!,
  );
  assert.deepEqual(comparable(ours), comparable(theirs));
  assert.equal(ours.resourceSpans[0].scopeSpans[0].spans.length, values.length * 2);
});

Deno.test("protobuf: fields as the official .proto files name them", () => {
  const [span] = edgeSpans();
  const decoded = officialDecode(encoder().encode([span!]));
  const rs = decoded.resourceSpans[0];
  assert.deepEqual(rs.resource.attributes.map((a: Obj) => a.key), [
    "service.name",
    "host.name",
    "env",
  ]);
  assert.equal(rs.scopeSpans[0].scope.name, "spanwire");
  const s = rs.scopeSpans[0].spans[0];
  assert.equal(s.traceId, span!.ctx.traceId.toString());
  assert.equal(s.spanId, span!.ctx.spanId.toString());
  assert.equal(s.parentSpanId, "");
  assert.equal(s.kind, 2);
  assert.equal(s.startTimeUnixNano, "1700000000123456750");
  assert.equal(s.endTimeUnixNano, "1700000000223456000");
  assert.deepEqual(s.status, { code: 2, message: "it broke ✗" });
  const attrs = Object.fromEntries(s.attributes.map((a: Obj) => [a.key, a.value]));
  assert.equal(attrs["span.kind"], undefined);
  assert.equal(attrs.neg.intValue, "-5");
  assert.equal(attrs.minSafe.intValue, String(Number.MIN_SAFE_INTEGER));
  assert.equal(attrs.bigint.intValue, String(-(2n ** 63n)));
  assert.equal(attrs.bigintMax.intValue, String(2n ** 63n - 1n));
  assert.equal(attrs.tooBig.stringValue, String(2n ** 64n));
  assert.equal(attrs.whole.doubleValue, 3);
  assert.ok(Number.isNaN(attrs.nan.doubleValue));
  assert.equal(attrs.inf.doubleValue, -Infinity);
  assert.equal(attrs.unicode.stringValue, 'héllo ✓ 🎉 \u0000 "q" \\ \n');
  assert.equal(attrs.long.stringValue.length, 300);
});

Deno.test("protobuf: our decoder reads what OpenTelemetry JS's serializer writes as it reads ours", () => {
  const spans = otelSpans();
  const theirs = decodeOtlpProtobuf(
    ProtobufTraceSerializer.serializeRequest(
      spans.map((s) => toReadableSpan(s, RESOURCE, SCOPE)) as never,
    )!,
  );
  const ours = decodeOtlpProtobuf(encoder().encode(spans));
  assert.deepEqual(strip(ours.spans), strip(theirs.spans));
  assert.equal(ours.spans.length, spans.length);
});

// deno-lint-ignore no-explicit-any
function strip(spans: any[]): unknown {
  return spans.map(({ resource, scope, ...rest }) => ({
    ...rest,
    resource: resource.attributes,
    scope: [scope.name, scope.version],
  }));
}

Deno.test("json: the same message as OpenTelemetry JS's JSON serializer, and our JSON decoder reads both", () => {
  // OpenTelemetry JS writes NaN and infinities as JSON null (JSON.stringify); OTLP says "NaN",
  // "Infinity" (checked below): leave them out of this comparison.
  const spans = otelSpans();
  for (const s of spans) {
    for (const [k, v] of s.metadata) {
      if (typeof v === "number" && !Number.isFinite(v)) s.metadata.delete(k);
    }
  }
  const ourText = new TextDecoder().decode(encoder("json").encode(spans));
  const theirText = new TextDecoder().decode(
    JsonTraceSerializer.serializeRequest(
      spans.map((s) => toReadableSpan(s, RESOURCE, SCOPE)) as never,
    )!,
  );
  const ours = decodeOtlpJson(ourText);
  const theirs = decodeOtlpJson(theirText);
  assert.deepEqual(strip(ours.spans), strip(theirs.spans));
  // And the JSON carries what the protobuf carries.
  assert.deepEqual(strip(ours.spans), strip(decodeOtlpProtobuf(encoder().encode(spans)).spans));
});

Deno.test("json: OTLP's rules: hex ids, enums as numbers, 64-bit integers as strings", () => {
  const [span] = edgeSpans();
  const json = JSON.parse(new TextDecoder().decode(encoder("json").encode([span!])));
  // The frame's first ScopeSpans holds the scope and no spans; each span follows in its own.
  assert.equal(json.resourceSpans[0].scopeSpans[0].spans, undefined);
  assert.equal(json.resourceSpans[0].scopeSpans[1].scope.name, "spanwire");
  const s = json.resourceSpans[0].scopeSpans[1].spans[0];
  assert.equal(s.traceId, span!.ctx.traceId.toString());
  assert.equal(s.kind, 2);
  assert.equal(s.startTimeUnixNano, "1700000000123456750");
  assert.equal(s.parentSpanId, undefined);
  const attrs = Object.fromEntries(s.attributes.map((a: Obj) => [a.key, a.value]));
  assert.deepEqual(attrs.neg, { intValue: "-5" });
  assert.deepEqual(attrs.nan, { doubleValue: "NaN" });
  assert.deepEqual(attrs.inf, { doubleValue: "-Infinity" });
  assert.deepEqual(attrs.whole, { doubleValue: 3 });
  assert.deepEqual(s.status, { message: "it broke ✗", code: 2 });
});

Deno.test("packetSize is the size of the frame, from the byte-counting twin; spans encode alone and frame later", () => {
  for (const format of ["protobuf", "json"] as const) {
    const enc = encoder(format);
    for (const n of [0, 1, 2, 5, 200]) {
      const chunks = [...makeStandardSpans(n), ...edgeSpans()].map((s) => enc.encodeSpan(s));
      const body = enc.frame(chunks);
      const total = chunks.reduce((a, c) => a + c.length, 0);
      assert.equal(body.length, enc.framer.packetSize(chunks.length, total), `${format} ${n}`);
    }
  }
});

Deno.test("through the pipeline: requests never exceed maxBatchBytes, every span arrives once, in order", async () => {
  const { AsyncExporter } = await import("../../../exporters/pipeline/mod.ts");
  for (const format of ["protobuf", "json"] as const) {
    const packer = new OtlpEncoder({ serviceName: "svc", format, maxBatchBytes: 8192 });
    const bodies: Uint8Array[] = [];
    const exporter = new AsyncExporter({
      packer,
      sink: { send: (b) => (bodies.push(b.slice()), true) },
      maxMessagesPerSecond: 1e9,
    });
    const spans = [...makeStandardSpans(300), ...edgeSpans()];
    for (const s of spans) exporter.export(s);
    await exporter.close();
    assert.ok(bodies.length > 10, `${bodies.length}`);
    const names: string[] = [];
    for (const b of bodies) {
      assert.ok(b.length <= 8192, `${b.length}`);
      const decoded = format === "json"
        ? decodeOtlpJson(b).spans.map((s) => s.spanId)
        : officialDecodeOrOurs(b);
      for (const s of decoded) names.push(s);
    }
    assert.deepEqual(names, spans.map((s) => s.ctx.spanId.toString()));
    assert.deepEqual(exporter.stats(), {
      exported: spans.length,
      droppedQueueFull: 0,
      droppedTooLarge: 0,
      failedToSend: 0,
      packets: bodies.length,
    });
  }
});

/** Span ids of a protobuf body, by the official .proto files (and the same by our decoder). */
function officialDecodeOrOurs(body: Uint8Array): string[] {
  const official = officialDecode(body);
  // deno-lint-ignore no-explicit-any
  const ids = official.resourceSpans.flatMap((rs: any) =>
    // deno-lint-ignore no-explicit-any
    rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => s.spanId))
  );
  assert.deepEqual(ids, decodeOtlpProtobuf(body).spans.map((s) => s.spanId));
  return ids;
}

Deno.test("json: protobufjs with the official .proto files reads our OTLP/JSON (ids hex to bytes, as OTLP says) into the spans our protobuf carries", () => {
  const spans = allSpans();
  const json = JSON.parse(new TextDecoder().decode(encoder("json").encode(spans)));
  const hexToBytes = (hex: string): number[] =>
    Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
  const ids = (value: Obj): Obj => {
    if (Array.isArray(value)) return value.map(ids);
    if (value === null || typeof value !== "object") return value;
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = /^(traceId|spanId|parentSpanId)$/.test(k) ? hexToBytes(v as string) : ids(v);
    }
    return out;
  };
  const message = RequestType.fromObject(ids(json));
  const fromJson = officialDecode(RequestType.encode(message).finish());
  const fromProto = officialDecode(encoder().encode(spans));
  const flat = (d: Obj) =>
    d.resourceSpans.flatMap((rs: Obj) => rs.scopeSpans.flatMap((ss: Obj) => ss.spans));
  assert.equal(flat(fromJson).length, spans.length);
  assert.deepEqual(comparable(flat(fromJson)), comparable(flat(fromProto)));
});

Deno.test("protobuf: strings of every length class, ASCII or not, read back by the official .proto files", () => {
  // Around the writer's switch from a char loop to encodeInto (56 chars) and the one-byte
  // length limit (128 bytes), with multi-byte chars and lone surrogates (which become U+FFFD).
  const values: string[] = [];
  for (const n of [0, 1, 55, 56, 57, 126, 127, 128, 129, 300, 16383, 16384, 20000]) {
    values.push("a".repeat(n));
    if (n > 0) {
      values.push("é" + "b".repeat(n - 1));
      values.push("c".repeat(n - 1) + "🎉");
      values.push("d".repeat(n >> 1) + "\ud800" + "e".repeat(n - (n >> 1)));
    }
  }
  const span = Span.root("s".repeat(60));
  values.forEach((v, i) => span.setMetadata(`k${i}`, v));
  span.event("é".repeat(70), { long: "f".repeat(200) }, 5);
  const s = officialDecode(encoder().encode([span])).resourceSpans[0].scopeSpans[0].spans[0];
  assert.equal(s.name, "s".repeat(60));
  assert.equal(s.events[0].name, "é".repeat(70));
  assert.equal(s.events[0].attributes[0].value.stringValue, "f".repeat(200));
  const got = s.attributes.map((a: Obj) => a.value.stringValue ?? "");
  assert.deepEqual(got, values.map((v) => v.toWellFormed()));
});
