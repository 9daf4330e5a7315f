// decodeEmitBatch over binary Thrift (port 6832): the bytes of two independent writers (the live
// jaeger-client for Node, which Node users and OpenTelemetry's Jaeger exporter send with, and
// Apache Thrift's own TBinaryProtocol writing fields our encoder never writes), then hostile
// input: every truncation, single-byte mutations, seeded random inputs and targeted messages,
// each of which must give a value or a DecodeError, nothing else.

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import thrift from "thrift";
import jaegerClient from "jaeger-client";
import { decodeEmitBatch } from "../../../exporters/jaeger/decode_emit_batch.ts";
import { DecodeError } from "../../../exporters/jaeger/decode_error.ts";
import { TagType } from "../../../exporters/jaeger/thrift_model.ts";
import { MockJaegerAgent } from "../../../exporters/jaeger/testing.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const T = thrift.Thrift.Type;

/** Writes an emitBatch message with Apache Thrift's TBinaryProtocol (strict header). */
function apacheBinary(write: (p: Any) => void, name = "emitBatch", type = 4): Uint8Array {
  let out: Uint8Array | undefined;
  const transport = new thrift.TBufferedTransport(undefined, (buf: Buffer) => {
    out = new Uint8Array(buf);
  });
  const p: Any = new thrift.TBinaryProtocol(transport);
  p.writeMessageBegin(name, type, 7);
  p.writeStructBegin("emitBatch_args");
  p.writeFieldBegin("batch", T.STRUCT, 1);
  write(p);
  p.writeFieldEnd();
  p.writeFieldStop();
  p.writeStructEnd();
  p.writeMessageEnd();
  transport.flush();
  assert.ok(out);
  return out;
}

function field(p: Any, type: number, id: number, value: () => void): void {
  p.writeFieldBegin("", type, id);
  value();
  p.writeFieldEnd();
}

function tag(
  p: Any,
  key: string,
  vType: number,
  value: () => void,
  id: number,
  type: number,
): void {
  p.writeStructBegin("Tag");
  field(p, T.STRING, 1, () => p.writeString(key));
  field(p, T.I32, 2, () => p.writeI32(vType));
  field(p, type, id, value);
  p.writeFieldStop();
  p.writeStructEnd();
}

/** A batch with every tag type, a log, a reference, client stats and unknown fields. */
function sampleBatch(p: Any): void {
  p.writeStructBegin("Batch");
  field(p, T.STRUCT, 1, () => {
    p.writeStructBegin("Process");
    field(p, T.STRING, 1, () => p.writeString("binary-svc"));
    field(p, T.LIST, 2, () => {
      p.writeListBegin(T.STRUCT, 1);
      tag(p, "hostname", TagType.STRING, () => p.writeString("h1"), 3, T.STRING);
      p.writeListEnd();
    });
    // unknown: a map<string, list<i32>> and a set<double>
    field(p, T.MAP, 9, () => {
      p.writeMapBegin(T.STRING, T.LIST, 1);
      p.writeString("k");
      p.writeListBegin(T.I32, 2);
      p.writeI32(1);
      p.writeI32(2);
      p.writeListEnd();
      p.writeMapEnd();
    });
    field(p, T.SET, 10, () => {
      p.writeSetBegin(T.DOUBLE, 1);
      p.writeDouble(1.5);
      p.writeSetEnd();
    });
    p.writeFieldStop();
    p.writeStructEnd();
  });
  field(p, T.LIST, 2, () => {
    p.writeListBegin(T.STRUCT, 1);
    p.writeStructBegin("Span");
    field(p, T.I64, 1, () => p.writeI64(new thrift.Int64("ffffffffffffffff")));
    field(p, T.I64, 2, () => p.writeI64(5));
    field(p, T.I64, 3, () => p.writeI64(6));
    field(p, T.I64, 4, () => p.writeI64(0));
    field(p, T.STRING, 5, () => p.writeString("GET /π"));
    field(p, T.LIST, 6, () => {
      p.writeListBegin(T.STRUCT, 1);
      p.writeStructBegin("SpanRef");
      field(p, T.I32, 1, () => p.writeI32(1));
      field(p, T.I64, 2, () => p.writeI64(8));
      field(p, T.I64, 3, () => p.writeI64(9));
      field(p, T.I64, 4, () => p.writeI64(10));
      p.writeFieldStop();
      p.writeStructEnd();
      p.writeListEnd();
    });
    field(p, T.I32, 7, () => p.writeI32(1));
    field(p, T.I64, 8, () => p.writeI64(1_700_000_000_000_000));
    field(p, T.I64, 9, () => p.writeI64(1234));
    field(p, T.LIST, 10, () => {
      p.writeListBegin(T.STRUCT, 5);
      tag(p, "s", TagType.STRING, () => p.writeString("v"), 3, T.STRING);
      tag(p, "d", TagType.DOUBLE, () => p.writeDouble(0.25), 4, T.DOUBLE);
      tag(p, "b", TagType.BOOL, () => p.writeBool(true), 5, T.BOOL);
      tag(p, "l", TagType.LONG, () => p.writeI64(-3), 6, T.I64);
      tag(p, "x", TagType.BINARY, () => p.writeBinary(Buffer.from([1, 2, 3])), 7, T.STRING);
      p.writeListEnd();
    });
    field(p, T.LIST, 11, () => {
      p.writeListBegin(T.STRUCT, 1);
      p.writeStructBegin("Log");
      field(p, T.I64, 1, () => p.writeI64(1_700_000_000_000_100));
      field(p, T.LIST, 2, () => {
        p.writeListBegin(T.STRUCT, 1);
        tag(p, "event", TagType.STRING, () => p.writeString("cache miss"), 3, T.STRING);
        p.writeListEnd();
      });
      p.writeFieldStop();
      p.writeStructEnd();
      p.writeListEnd();
    });
    p.writeFieldStop();
    p.writeStructEnd();
    p.writeListEnd();
  });
  field(p, T.I64, 3, () => p.writeI64(42));
  field(p, T.STRUCT, 4, () => {
    p.writeStructBegin("ClientStats");
    field(p, T.I64, 1, () => p.writeI64(1));
    field(p, T.I64, 2, () => p.writeI64(2));
    field(p, T.I64, 3, () => p.writeI64(3));
    p.writeFieldStop();
    p.writeStructEnd();
  });
  p.writeFieldStop();
  p.writeStructEnd();
}

const SAMPLE = apacheBinary(sampleBatch);

Deno.test("binary: Apache Thrift's TBinaryProtocol bytes decode field by field", () => {
  const { seqId, batch } = decodeEmitBatch(SAMPLE, "binary");
  assert.equal(seqId, 7);
  assert.deepEqual(batch.process, {
    serviceName: "binary-svc",
    tags: [{ key: "hostname", vType: TagType.STRING, vStr: "h1" }],
  });
  assert.equal(batch.seqNo, 42n);
  assert.deepEqual(batch.stats, {
    fullQueueDroppedSpans: 1n,
    tooLargeDroppedSpans: 2n,
    failedToEmitSpans: 3n,
  });
  assert.deepEqual(batch.spans, [{
    traceIdLow: -1n,
    traceIdHigh: 5n,
    spanId: 6n,
    parentSpanId: 0n,
    operationName: "GET /π",
    references: [{ refType: 1, traceIdLow: 8n, traceIdHigh: 9n, spanId: 10n }],
    flags: 1,
    startTime: 1_700_000_000_000_000n,
    duration: 1234n,
    tags: [
      { key: "s", vType: TagType.STRING, vStr: "v" },
      { key: "d", vType: TagType.DOUBLE, vDouble: 0.25 },
      { key: "b", vType: TagType.BOOL, vBool: true },
      { key: "l", vType: TagType.LONG, vLong: -3n },
      { key: "x", vType: TagType.BINARY, vBinary: new Uint8Array([1, 2, 3]) },
    ],
    logs: [{
      timestamp: 1_700_000_000_000_100n,
      fields: [{ key: "event", vType: TagType.STRING, vStr: "cache miss" }],
    }],
  }]);
  // The same bytes are not compact.
  assert.throws(() => decodeEmitBatch(SAMPLE), DecodeError);
});

Deno.test("binary: jaeger-client for Node, live, over UDP to a binary MockJaegerAgent", async () => {
  const agent = await MockJaegerAgent.start({ protocol: "binary" });
  const tracer: Any = jaegerClient.initTracer({
    serviceName: "node-jaeger-client",
    sampler: { type: "const", param: 1 },
    reporter: { agentHost: "127.0.0.1", agentPort: agent.port, flushIntervalMs: 10 },
  }, { logger: { info(): void {}, error(): void {} } });
  try {
    const root = tracer.startSpan("GET /api/v2/query");
    root.setTag("http.status_code", 200);
    root.setTag("error", true);
    const child = tracer.startSpan("scan partition", { childOf: root });
    child.log({ event: "cache miss", key: "partition-42" });
    child.setTag("ratio", 0.25);
    child.finish();
    root.finish();
    const spans = await agent.waitForSpans(2);
    assert.equal(agent.malformed, 0, String(agent.lastError));
    assert.equal(agent.batches[0]?.process.serviceName, "node-jaeger-client");
    const r = spans.find((s) => s.operationName === "GET /api/v2/query")!;
    const c = spans.find((s) => s.operationName === "scan partition")!;
    assert.equal(c.parentSpanId, r.spanId);
    assert.equal(c.traceIdLow, r.traceIdLow);
    const rootCtx = root.context();
    assert.equal(
      BigInt.asUintN(64, r.spanId as bigint).toString(16).padStart(16, "0"),
      rootCtx.spanIdStr.padStart(16, "0"),
    );
    const tagOf = (s: typeof r, key: string) => s.tags?.find((t) => t.key === key);
    // jaeger-client sends numbers as DOUBLE tags, filling every optional field too.
    assert.equal(tagOf(r, "http.status_code")?.vType, TagType.DOUBLE);
    assert.equal(tagOf(r, "http.status_code")?.vDouble, 200);
    assert.equal(tagOf(r, "error")?.vBool, true);
    assert.equal(tagOf(c, "ratio")?.vDouble, 0.25);
    const fields = c.logs?.[0]?.fields.map((f) => [f.key, f.vStr]);
    assert.deepEqual(fields, [["event", "cache miss"], ["key", "partition-42"]]);
  } finally {
    await new Promise<void>((resolve) => tracer.close(() => resolve()));
    await agent.close();
  }
});

// ---- hostile input

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function decodeOrError(bytes: Uint8Array, what: string): "ok" | DecodeError {
  try {
    decodeEmitBatch(bytes, "binary");
    return "ok";
  } catch (e) {
    if (e instanceof DecodeError) {
      assert.ok(
        Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= bytes.length,
        `${what}: offset ${e.offset} outside the input (${bytes.length} bytes)`,
      );
      assert.match(e.message, / at offset \d+$/);
      return e;
    }
    throw new assert.AssertionError({ message: `${what}: threw ${e}` });
  }
}

function expectError(bytes: Uint8Array, re: RegExp, offset?: number): void {
  const result = decodeOrError(bytes, re.source);
  assert.ok(result instanceof DecodeError, `expected a DecodeError matching ${re}, got a value`);
  assert.match(result.message, re);
  if (offset !== undefined) assert.equal(result.offset, offset, result.message);
}

Deno.test("binary: every truncation is a DecodeError; mutations and random bytes never throw else", () => {
  for (let n = 0; n < SAMPLE.length; n++) {
    assert.ok(decodeOrError(SAMPLE.subarray(0, n), `prefix ${n}`) instanceof DecodeError);
  }
  const rand = prng(15);
  for (let i = 0; i < 20_000; i++) {
    const bytes = SAMPLE.slice();
    bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
    decodeOrError(bytes, `mutation ${i}`);
  }
  for (let i = 0; i < 5_000; i++) {
    const bytes = new Uint8Array(1 + Math.floor(rand() * 200));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
    if (rand() < 0.5) bytes.set(SAMPLE.subarray(0, Math.min(21, bytes.length)));
    decodeOrError(bytes, `random ${i}`);
  }
});

Deno.test("binary: hostile messages give the DecodeError that names them", () => {
  const header = SAMPLE.subarray(0, 21); // version word, name, seqid (4 + 4 + 9 + 4 bytes)
  const cat = (...parts: (Uint8Array | number[])[]): Uint8Array =>
    Uint8Array.from(parts.flatMap((p) => [...p]));
  expectError(Uint8Array.of(0x00, 0x00, 0x00, 0x09), /wrong version word 0x00000009/, 0);
  expectError(apacheBinary(sampleBatch, "emitBatch", 1), /wrong message type 1/, 0);
  expectError(apacheBinary(sampleBatch, "emitBatcX"), /wrong method name "emitBatcX"/, 4);
  // A field of an invalid type, a negative string length, a huge list size.
  expectError(cat(header, [0x07, 0, 1]), /invalid field type 7/, 21);
  expectError(cat(header, [0x0c, 0, 1, 0x0b, 0, 9, 0xff, 0xff, 0xff, 0xfe]), /negative/, 27);
  expectError(
    cat(header, [0x0c, 0, 1, 0x0f, 0, 2, 0x0c, 0x7f, 0xff, 0xff, 0xff]),
    /Batch\.spans .*size 2147483647 exceeds/,
    28,
  );
  // Nesting: 100 structs deep in an unknown field.
  const deep = [...Array(100)].flatMap(() => [0x0c, 0, 9]);
  expectError(cat(header, [0x0c, 0, 1], deep), /nesting deeper than 64/);
  expectError(cat(header, [0x00, 0x00]), /1 trailing bytes|missing required field 1 \(batch\)/);
  expectError(cat(SAMPLE, [0]), /1 trailing bytes after the message/, SAMPLE.length);
  assert.throws(() => decodeEmitBatch(SAMPLE, "json" as "binary"), TypeError);
});
