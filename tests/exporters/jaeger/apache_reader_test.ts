// An independent judge of our encoder: Apache Thrift's own npm library (TCompactProtocol)
// reads our encodeEmitBatch output field by field (there is no generated code, so the struct
// layout comes from the IDL table in tests/fixtures/jaeger-compact/README.md), and the values
// must be the ones we put in. The same messages also go through our decoder.

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import thrift from "thrift";
import { encodeEmitBatch } from "../../../exporters/jaeger/encode_emit_batch.ts";
import { decodeEmitBatch } from "../../../exporters/jaeger/decode_emit_batch.ts";
import type {
  I64,
  JaegerBatch,
  JaegerLog,
  JaegerSpan,
  JaegerSpanRef,
  JaegerTag,
} from "../../../exporters/jaeger/thrift_model.ts";

// Thrift.Type (TType) values, as the library's readFieldBegin returns them.
const T = {
  STOP: 0,
  BOOL: 2,
  DOUBLE: 4,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  LIST: 15,
} as const;

// deno-lint-ignore no-explicit-any
type Proto = any;

function readFields(p: Proto, onField: (id: number, type: number) => void): void {
  p.readStructBegin();
  for (;;) {
    const { ftype, fid } = p.readFieldBegin();
    if (ftype === T.STOP) break;
    onField(fid, ftype);
    p.readFieldEnd();
  }
  p.readStructEnd();
}

function expectType(actual: number, expected: number, what: string): void {
  assert.equal(actual, expected, `${what}: field type`);
}

function i64(p: Proto): bigint {
  return thrift.toBigInt(p.readI64());
}

function list<X>(p: Proto, read: (p: Proto) => X): X[] {
  const { etype, size } = p.readListBegin();
  assert.equal(etype, T.STRUCT, "list element type");
  const out: X[] = [];
  for (let i = 0; i < size; i++) out.push(read(p));
  p.readListEnd();
  return out;
}

function readTag(p: Proto): JaegerTag {
  const tag: Partial<JaegerTag> = {};
  readFields(p, (id, type) => {
    switch (id) {
      case 1:
        expectType(type, T.STRING, "Tag.key");
        tag.key = p.readString();
        break;
      case 2:
        expectType(type, T.I32, "Tag.vType");
        tag.vType = p.readI32();
        break;
      case 3:
        expectType(type, T.STRING, "Tag.vStr");
        tag.vStr = p.readString();
        break;
      case 4:
        expectType(type, T.DOUBLE, "Tag.vDouble");
        tag.vDouble = p.readDouble();
        break;
      case 5:
        expectType(type, T.BOOL, "Tag.vBool");
        tag.vBool = p.readBool();
        break;
      case 6:
        expectType(type, T.I64, "Tag.vLong");
        tag.vLong = i64(p);
        break;
      case 7:
        expectType(type, T.STRING, "Tag.vBinary");
        tag.vBinary = new Uint8Array(p.readBinary());
        break;
      default:
        assert.fail(`unexpected Tag field ${id}`);
    }
  });
  return tag as JaegerTag;
}

function readLog(p: Proto): JaegerLog {
  const log: Partial<JaegerLog> = {};
  readFields(p, (id, type) => {
    if (id === 1) {
      expectType(type, T.I64, "Log.timestamp");
      log.timestamp = i64(p);
    } else if (id === 2) {
      expectType(type, T.LIST, "Log.fields");
      log.fields = list(p, readTag);
    } else assert.fail(`unexpected Log field ${id}`);
  });
  return log as JaegerLog;
}

function readRef(p: Proto): JaegerSpanRef {
  const ref: Partial<JaegerSpanRef> = {};
  readFields(p, (id, type) => {
    if (id === 1) {
      expectType(type, T.I32, "SpanRef.refType");
      ref.refType = p.readI32();
      return;
    }
    expectType(type, T.I64, `SpanRef field ${id}`);
    const v = i64(p);
    if (id === 2) ref.traceIdLow = v;
    else if (id === 3) ref.traceIdHigh = v;
    else if (id === 4) ref.spanId = v;
    else assert.fail(`unexpected SpanRef field ${id}`);
  });
  return ref as JaegerSpanRef;
}

function readSpan(p: Proto): JaegerSpan {
  const span: Partial<JaegerSpan> = {};
  const ids: number[] = [];
  readFields(p, (id, type) => {
    ids.push(id);
    switch (id) {
      case 5:
        expectType(type, T.STRING, "Span.operationName");
        span.operationName = p.readString();
        return;
      case 6:
        expectType(type, T.LIST, "Span.references");
        span.references = list(p, readRef);
        return;
      case 7:
        expectType(type, T.I32, "Span.flags");
        span.flags = p.readI32();
        return;
      case 10:
        expectType(type, T.LIST, "Span.tags");
        span.tags = list(p, readTag);
        return;
      case 11:
        expectType(type, T.LIST, "Span.logs");
        span.logs = list(p, readLog);
        return;
    }
    expectType(type, T.I64, `Span field ${id}`);
    const v = i64(p);
    if (id === 1) span.traceIdLow = v;
    else if (id === 2) span.traceIdHigh = v;
    else if (id === 3) span.spanId = v;
    else if (id === 4) span.parentSpanId = v;
    else if (id === 8) span.startTime = v;
    else if (id === 9) span.duration = v;
    else assert.fail(`unexpected Span field ${id}`);
  });
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "fields in id order");
  return span as JaegerSpan;
}

/** Reads a whole emitBatch message with Apache Thrift's TCompactProtocol. */
function apacheRead(
  bytes: Uint8Array,
): { name: string; type: number; seqId: number; batch: JaegerBatch } {
  const transport = new thrift.TFramedTransport(Buffer.from(bytes));
  const p: Proto = new thrift.TCompactProtocol(transport);
  const { fname, mtype, rseqid } = p.readMessageBegin();
  let batch: Partial<JaegerBatch> | undefined;
  readFields(p, (id, type) => {
    assert.equal(id, 1, "args field id");
    expectType(type, T.STRUCT, "args.batch");
    batch = {};
    readFields(p, (id, type) => {
      if (id === 1) {
        expectType(type, T.STRUCT, "Batch.process");
        const process: Partial<JaegerBatch["process"]> = {};
        readFields(p, (id, type) => {
          if (id === 1) {
            expectType(type, T.STRING, "Process.serviceName");
            process.serviceName = p.readString();
          } else if (id === 2) {
            expectType(type, T.LIST, "Process.tags");
            process.tags = list(p, readTag);
          } else assert.fail(`unexpected Process field ${id}`);
        });
        batch!.process = process as JaegerBatch["process"];
      } else if (id === 2) {
        expectType(type, T.LIST, "Batch.spans");
        batch!.spans = list(p, readSpan);
      } else if (id === 3) {
        expectType(type, T.I64, "Batch.seqNo");
        batch!.seqNo = i64(p);
      } else if (id === 4) {
        expectType(type, T.STRUCT, "Batch.stats");
        const s: Record<string, bigint> = {};
        readFields(p, (id, type) => {
          expectType(type, T.I64, `ClientStats field ${id}`);
          s[["", "fullQueueDroppedSpans", "tooLargeDroppedSpans", "failedToEmitSpans"][id]!] = i64(
            p,
          );
        });
        batch!.stats = s as unknown as JaegerBatch["stats"];
      } else assert.fail(`unexpected Batch field ${id}`);
    });
  });
  p.readMessageEnd();
  assert.equal(transport.readPos, bytes.length, "Apache read every byte");
  assert.ok(batch);
  return { name: fname, type: mtype, seqId: rseqid, batch: batch as JaegerBatch };
}

// ---- what we put in, as the signed bigints a reader must see

function signed(v: I64): bigint {
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "bigint") return BigInt.asIntN(64, v);
  return BigInt.asIntN(64, (BigInt(v.hi >>> 0) << 32n) | BigInt(v.lo >>> 0));
}

/** The string a UTF-8 round trip gives (lone surrogates become U+FFFD). */
function utf8(s: string): string {
  return new TextDecoder().decode(new TextEncoder().encode(s));
}

function expectedTag(t: JaegerTag): JaegerTag {
  const out: JaegerTag = { key: utf8(t.key), vType: t.vType };
  if (t.vStr != null) out.vStr = utf8(t.vStr);
  if (t.vDouble != null) out.vDouble = t.vDouble;
  if (t.vBool != null) out.vBool = t.vBool;
  if (t.vLong != null) out.vLong = signed(t.vLong);
  if (t.vBinary != null) out.vBinary = t.vBinary;
  return out;
}

function expected(batch: JaegerBatch): JaegerBatch {
  const out: JaegerBatch = {
    process: { serviceName: utf8(batch.process.serviceName) },
    spans: batch.spans.map((s) => {
      const span: JaegerSpan = {
        traceIdLow: signed(s.traceIdLow),
        traceIdHigh: signed(s.traceIdHigh),
        spanId: signed(s.spanId),
        parentSpanId: signed(s.parentSpanId),
        operationName: utf8(s.operationName),
        flags: s.flags,
        startTime: signed(s.startTime),
        duration: signed(s.duration),
      };
      if (s.references) {
        span.references = s.references.map((r) => ({
          refType: r.refType,
          traceIdLow: signed(r.traceIdLow),
          traceIdHigh: signed(r.traceIdHigh),
          spanId: signed(r.spanId),
        }));
      }
      if (s.tags) span.tags = s.tags.map(expectedTag);
      if (s.logs) {
        span.logs = s.logs.map((l) => ({
          timestamp: signed(l.timestamp),
          fields: l.fields.map(expectedTag),
        }));
      }
      return span;
    }),
  };
  if (batch.process.tags) out.process.tags = batch.process.tags.map(expectedTag);
  if (batch.seqNo != null) out.seqNo = signed(batch.seqNo);
  if (batch.stats) {
    out.stats = {
      fullQueueDroppedSpans: signed(batch.stats.fullQueueDroppedSpans),
      tooLargeDroppedSpans: signed(batch.stats.tooLargeDroppedSpans),
      failedToEmitSpans: signed(batch.stats.failedToEmitSpans),
    };
  }
  return out;
}

// ---- the hand-built batches

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

const everyTag: JaegerTag[] = [
  { key: "s", vType: 0, vStr: "plain" },
  { key: "empty", vType: 0, vStr: "" },
  { key: "unicode", vType: 0, vStr: "日本語 🚀 é" },
  { key: "lone \ud800 surrogate", vType: 0, vStr: "x\udc00y\ud83d" },
  { key: "shrinks", vType: 0, vStr: "é" + "a".repeat(49) }, // 3*50 reserve, 51 bytes
  { key: "127", vType: 0, vStr: "a".repeat(127) },
  { key: "128", vType: 0, vStr: "a".repeat(128) },
  { key: "long unicode", vType: 0, vStr: "ü".repeat(9000) }, // 18000 bytes, 3-byte varint
  { key: "d", vType: 1, vDouble: 0.25 },
  { key: "-0", vType: 1, vDouble: -0 },
  { key: "nan", vType: 1, vDouble: NaN },
  { key: "inf", vType: 1, vDouble: -Infinity },
  { key: "denormal", vType: 1, vDouble: 5e-324 },
  { key: "max", vType: 1, vDouble: Number.MAX_VALUE },
  { key: "t", vType: 2, vBool: true },
  { key: "f", vType: 2, vBool: false },
  { key: "l", vType: 3, vLong: 200 },
  { key: "l-", vType: 3, vLong: -1 },
  { key: "lmin", vType: 3, vLong: I64_MIN },
  { key: "lmax", vType: 3, vLong: I64_MAX },
  { key: "u64", vType: 3, vLong: 2n ** 64n - 1n }, // wraps to -1
  { key: "2^53+1", vType: 3, vLong: 2n ** 53n + 1n },
  { key: "num -2^63", vType: 3, vLong: -(2 ** 63) },
  { key: "num 2^60", vType: 3, vLong: 2 ** 60 },
  { key: "num -2^31-1", vType: 3, vLong: -(2 ** 31) - 1 },
  { key: "num 2^31", vType: 3, vLong: 2 ** 31 },
  { key: "parts", vType: 3, vLong: { hi: 0x80000000, lo: 0 } },
  { key: "b", vType: 4, vBinary: new Uint8Array([0, 1, 0xfe, 0xff]) },
  { key: "b-empty", vType: 4, vBinary: new Uint8Array(0) },
  {
    key: "every field",
    vType: 0,
    vStr: "s",
    vDouble: 1.5,
    vBool: true,
    vLong: 7,
    vBinary: new Uint8Array([9]),
  },
];

function span(i: number, extra: Partial<JaegerSpan> = {}): JaegerSpan {
  return {
    traceIdLow: { hi: 0xdeadbeef, lo: i },
    traceIdHigh: { hi: 0xffffffff, lo: 0xffffffff },
    spanId: { hi: 0x80000000 | i, lo: 0x7fffffff },
    parentSpanId: i === 0 ? 0 : { hi: 0, lo: i },
    operationName: `op ${i}`,
    flags: 1,
    startTime: 1_700_000_000_000_000 + i,
    duration: 250 + i,
    ...extra,
  };
}

const batches: [string, JaegerBatch, number][] = [
  ["minimal", { process: { serviceName: "svc" }, spans: [] }, 0],
  [
    "every tag type, refs, logs, extreme i64",
    {
      process: { serviceName: "iox-conductor", tags: [{ key: "hostname", vType: 0, vStr: "h" }] },
      spans: [
        span(0, {
          references: [
            { refType: 1, traceIdLow: I64_MIN, traceIdHigh: I64_MAX, spanId: -1n },
            { refType: 0, traceIdLow: 0, traceIdHigh: 0, spanId: { hi: 0, lo: 1 } },
          ],
          tags: everyTag,
          logs: [
            {
              timestamp: 1_700_000_000_000_001,
              fields: [{ key: "event", vType: 0, vStr: "cache miss" }],
            },
            { timestamp: -1n, fields: [] },
          ],
          flags: -1,
          startTime: I64_MIN,
          duration: I64_MAX,
        }),
      ],
      seqNo: I64_MAX,
      stats: { fullQueueDroppedSpans: 0, tooLargeDroppedSpans: 2n ** 40n, failedToEmitSpans: -5 },
    },
    2 ** 31 - 1,
  ],
  [
    "more than 14 elements in every list",
    {
      process: {
        serviceName: "日本語",
        tags: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, vType: 3, vLong: i * 1000 })),
      },
      spans: Array.from({ length: 200 }, (_, i) =>
        span(i, {
          references: Array.from({ length: i % 3 === 0 ? 16 : 1 }, (_, j) => ({
            refType: j % 2,
            traceIdLow: j,
            traceIdHigh: -j,
            spanId: BigInt(j) << 40n,
          })),
          tags: Array.from(
            { length: 15 },
            (_, j) => ({ key: `t${j}`, vType: 2, vBool: j % 2 === 0 }),
          ),
          logs: Array.from({ length: i === 7 ? 130 : 2 }, (_, j) => ({
            timestamp: j,
            fields: Array.from(
              { length: 15 },
              (_, k) => ({ key: `f${k}`, vType: 1, vDouble: k / 3 }),
            ),
          })),
        })),
      seqNo: 42,
    },
    0x7fff_fffe,
  ],
];

for (const [name, batch, seqId] of batches) {
  Deno.test(`Apache Thrift's TCompactProtocol reads our ${name} message`, () => {
    const bytes = encodeEmitBatch(batch, seqId);
    const read = apacheRead(bytes);
    assert.equal(read.name, "emitBatch");
    assert.equal(read.type, 4, "message type ONEWAY");
    assert.equal(read.seqId, seqId);
    assert.deepStrictEqual(read.batch, expected(batch));
  });
  Deno.test(`our decoder reads our ${name} message`, () => {
    const decoded = decodeEmitBatch(encodeEmitBatch(batch, seqId));
    assert.equal(decoded.seqId, seqId);
    assert.deepStrictEqual(decoded.batch, expected(batch));
  });
}

Deno.test("encodeEmitBatch rejects i64 numbers that are not integers in range", () => {
  for (const bad of [0.5, NaN, Infinity, -Infinity, 2 ** 63, -(2 ** 64)]) {
    assert.throws(
      () => encodeEmitBatch({ process: { serviceName: "s" }, spans: [], seqNo: bad }),
      RangeError,
      String(bad),
    );
  }
  assert.throws(
    () => encodeEmitBatch({ process: { serviceName: "s" }, spans: [] }, 2 ** 32),
    RangeError,
  );
  assert.throws(
    () => encodeEmitBatch({ process: { serviceName: "s" }, spans: [] }, 1.5),
    RangeError,
  );
});
