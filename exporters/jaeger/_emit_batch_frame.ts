// The bytes of an `Agent.emitBatch` message around its spans, written once against the
// protocol-neutral ByteWriter: `assembleEmitBatch` and `emitBatchOverhead` (the public codec)
// and `EmitBatchFramer` (the pipeline's Jaeger framer) all take their bytes and sizes from
// here, the sizes from the ByteCounter twin. The conformance tests hold them to Apache Thrift's
// bytes.
//
// Message: protocol id 0x82, version 1 + ONEWAY (0x81), seqid varint, name "emitBatch";
// args { 1: Batch { 1: Process, 2: list<Span>, 3: seqNo i64?, 4: ClientStats? } }.

import type { ByteWriter } from "../pipeline/byte_writer.ts";
import { zigzag64Hi, zigzag64Lo } from "../pipeline/byte_writer.ts";
import { i64RangeError } from "./_compact_writer.ts";
import { EMIT_BATCH_NAME, PROTOCOL_ID, VERSION_AND_ONEWAY } from "./_compact_structs.ts";
import type { ClientStats, I64 } from "./thrift_model.ts";

/** What an emitBatch message carries besides its spans (see `EmitBatchFrame` in the codec). */
export interface FrameFields {
  seqId: number;
  processBytes: Uint8Array;
  seqNo?: I64 | undefined;
  stats?: ClientStats | undefined;
}

const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;

/** A compact i64 (zigzag varint) of any I64 form. */
export function writeI64(w: ByteWriter, v: I64): void {
  let hi: number;
  let lo: number;
  if (typeof v === "number") {
    if (!Number.isInteger(v) || v < -TWO_63 || v >= TWO_63) throw i64RangeError(v);
    lo = v >>> 0;
    hi = Math.floor(v / TWO_32) >>> 0;
  } else if (typeof v === "bigint") {
    const u = BigInt.asUintN(64, v);
    hi = Number(u >> 32n);
    lo = Number(u & 0xffffffffn);
  } else {
    hi = v.hi >>> 0;
    lo = v.lo >>> 0;
  }
  w.varint64(zigzag64Hi(hi, lo), zigzag64Lo(hi, lo));
}

/** A list header of `count` structs. */
export function writeStructListHeader(w: ByteWriter, count: number): void {
  if (count < 15) {
    w.byte((count << 4) | 0x0c);
  } else {
    w.byte(0xfc);
    w.varint(count);
  }
}

/** Everything before the first span: message header, args, batch, process, list header. */
export function writeFrameHead(w: ByteWriter, f: FrameFields, count: number): void {
  w.byte(PROTOCOL_ID);
  w.byte(VERSION_AND_ONEWAY);
  w.varint(f.seqId);
  w.varint(EMIT_BATCH_NAME.length);
  w.bytes(EMIT_BATCH_NAME);
  w.byte(0x1c); // args 1: batch (struct)
  w.byte(0x1c); // batch 1: process (struct)
  w.bytes(f.processBytes);
  w.byte(0x19); // batch 2: spans (list)
  writeStructListHeader(w, count);
}

/** Everything after the last span: seqNo, ClientStats, the stops of batch and args. */
export function writeFrameTail(w: ByteWriter, f: FrameFields): void {
  let last = 2;
  if (f.seqNo != null) {
    w.byte(0x16); // batch 3: seqNo (i64)
    writeI64(w, f.seqNo);
    last = 3;
  }
  const s = f.stats;
  if (s != null) {
    w.byte(((4 - last) << 4) | 0x0c); // batch 4: stats (struct)
    w.byte(0x16);
    writeI64(w, s.fullQueueDroppedSpans);
    w.byte(0x16);
    writeI64(w, s.tooLargeDroppedSpans);
    w.byte(0x16);
    writeI64(w, s.failedToEmitSpans);
    w.byte(0); // stats stop
  }
  w.byte(0); // batch stop
  w.byte(0); // args stop
}
