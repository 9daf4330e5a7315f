// The size helpers of the compact writer and the framing overhead of assembleEmitBatch, against
// independent references: TextEncoder for UTF-8 lengths, and the length of whole messages
// from encodeEmitBatch (whose bytes the conformance vectors hold to Apache Thrift's).

import assert from "node:assert/strict";
import {
  CompactWriter,
  i64Size,
  stringSize,
  utf8Length,
  varint32Size,
} from "../../../exporters/jaeger/_compact_writer.ts";
import {
  assembleEmitBatch,
  emitBatchOverhead,
  encodeEmitBatch,
  encodeProcess,
} from "../../../exporters/jaeger/encode_emit_batch.ts";
import { jsSpanEncoder } from "../../../exporters/jaeger/js_span_encoder.ts";
import type { I64, JaegerSpan } from "../../../exporters/jaeger/thrift_model.ts";

Deno.test("utf8Length and stringSize agree with TextEncoder, lone surrogates included", () => {
  const samples = [
    "",
    "ascii",
    "é",
    "日本語",
    "🚀",
    "\ud800",
    "\udc00",
    "a\ud83d",
    "\ud83d\ude80\ud83d",
    "x".repeat(127),
    "é".repeat(64),
    "ü".repeat(9000),
  ];
  let seed = 7;
  for (let k = 0; k < 500; k++) {
    let s = "";
    for (let i = 0; i < 20; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      s += String.fromCharCode(seed % 3 === 0 ? (seed >>> 8) & 0xffff : (seed >>> 8) & 0x7f);
    }
    samples.push(s);
  }
  for (const s of samples) {
    const n = new TextEncoder().encode(s).length;
    assert.equal(utf8Length(s), n, JSON.stringify(s));
    assert.equal(stringSize(s), varint32Size(n) + n);
    const w = new CompactWriter(4);
    w.writeString(s);
    assert.equal(w.pos, stringSize(s), `written length of ${JSON.stringify(s.slice(0, 20))}`);
  }
});

Deno.test("i64Size is the length the writer writes", () => {
  const values: I64[] = [
    0,
    1,
    -1,
    63,
    64,
    -64,
    -65,
    2 ** 31 - 1,
    -(2 ** 31),
    2 ** 31,
    2 ** 53 - 1,
    -(2 ** 53),
    2 ** 62,
    0n,
    2n ** 63n - 1n,
    -(2n ** 63n),
    2n ** 64n - 1n,
    { hi: 0, lo: 0xffffffff },
    { hi: 0x7fffffff, lo: 0xffffffff },
    { hi: 0x80000000, lo: 0 },
  ];
  for (const v of values) {
    const w = new CompactWriter(4);
    w.writeI64(v);
    assert.equal(i64Size(v), w.pos, String(typeof v === "object" ? JSON.stringify(v) : v));
  }
});

function span(i: number): JaegerSpan {
  return {
    traceIdLow: { hi: i, lo: 0xffffffff },
    traceIdHigh: 0,
    spanId: i + 1,
    parentSpanId: 0,
    operationName: "op",
    flags: 1,
    startTime: 1_700_000_000_000_000,
    duration: 1,
  };
}

Deno.test("emitBatchOverhead + span bytes = the whole message, at every varint boundary", () => {
  const process = { serviceName: "svc", tags: [{ key: "hostname", vType: 0, vStr: "h" }] };
  const processBytes = encodeProcess(process);
  const stats = {
    fullQueueDroppedSpans: 0,
    tooLargeDroppedSpans: 300,
    failedToEmitSpans: 2n ** 40n,
  };
  for (const n of [0, 1, 14, 15, 127, 128, 16383, 16384]) {
    const spans = Array.from({ length: n }, (_, i) => span(i));
    for (
      const [seqNo, withStats, seqId] of [
        [undefined, false, 0],
        [127, true, 128],
        [2n ** 62n, false, 2 ** 31 - 1],
        [-1, true, -1],
      ] as const
    ) {
      const batch = { process, spans, seqNo, stats: withStats ? stats : undefined };
      const whole = encodeEmitBatch(batch, seqId);
      const encoded = jsSpanEncoder.encodeSpans(spans);
      const frame = { seqId, processBytes, seqNo, stats: batch.stats };
      assert.equal(emitBatchOverhead(frame, n) + encoded.bytes.length, whole.length, `n=${n}`);
      assert.deepEqual(assembleEmitBatch(frame, [encoded.bytes], n), whole);
    }
  }
});

Deno.test("assembleEmitBatch rejects a bad span count or seqid", () => {
  const frame = { seqId: 0, processBytes: encodeProcess({ serviceName: "s" }) };
  assert.throws(() => assembleEmitBatch(frame, [], -1), RangeError);
  assert.throws(() => assembleEmitBatch({ ...frame, seqId: 2 ** 32 }, []), RangeError);
});

Deno.test("field headers: short form for deltas 1..15, long form otherwise, as Apache reads them", async () => {
  const { default: thrift } = await import("thrift");
  const { Buffer } = await import("node:buffer");
  const ids = [1, 17, 32, 18, 18, 19, -1, 32767, -32768, 5];
  const w = new CompactWriter(4);
  w.structBegin();
  for (const id of ids) {
    w.writeFieldHeader(5, /* i32 */ id);
    w.writeI32(id);
  }
  w.writeBoolField(40, true);
  w.writeBoolField(41, false);
  w.structEnd();
  // Short form exactly when 1 <= delta <= 15.
  assert.equal(w.buf[0], 0x15); // id 1 from 0
  assert.equal(w.buf[2], 0x05); // id 17 from 1 (delta 16): long form, type i32
  assert.equal(w.buf[3], 34); // zigzag(17)
  assert.equal(w.buf[5], 0xf5); // id 32 from 17 (delta 15): short form
  const p = new thrift.TCompactProtocol(new thrift.TFramedTransport(Buffer.from(w.bytes())));
  p.readStructBegin();
  for (const id of ids) {
    const { ftype, fid } = p.readFieldBegin();
    assert.equal(ftype, 8); // TType.I32
    assert.equal(fid, id);
    assert.equal(p.readI32(), id);
  }
  for (const [id, value] of [[40, true], [41, false]] as const) {
    const { ftype, fid } = p.readFieldBegin();
    assert.equal(ftype, 2); // TType.BOOL
    assert.equal(fid, id);
    assert.equal(p.readBool(), value);
  }
  assert.equal(p.readFieldBegin().ftype, 0);
});
