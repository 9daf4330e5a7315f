/**
 * The compact-Thrift encoder of `Agent.emitBatch` messages: the whole message from a
 * {@linkcode JaegerBatch} ({@linkcode encodeEmitBatch}), or assembled from spans encoded
 * beforehand by an encoder backend ({@linkcode assembleEmitBatch}, with
 * {@linkcode emitBatchOverhead} for exact size accounting before anything is written).
 *
 * The bytes are those of Apache Thrift's `TCompactProtocol`: fields in id order, optional
 * fields only when present, delta field headers, bools in the field header, doubles
 * little-endian, strings UTF-8 (lone surrogates become U+FFFD).
 *
 * An i64 may be a `number` (any integer in [-2^63, 2^63), written exactly; a fraction, NaN,
 * Infinity or an out-of-range number is a `RangeError`), a `bigint` (wrapped to 64 bits, so
 * unsigned 64-bit values work too) or {@linkcode I64Parts} (two unsigned 32-bit halves).
 *
 * @module
 */

import { CompactWriter, CT } from "./_compact_writer.ts";
import { writeBatch, writeEmitBatchHeader, writeProcess } from "./_compact_structs.ts";
import { ByteCounter, BytesWriter } from "../pipeline/byte_writer.ts";
import { writeFrameHead, writeFrameTail } from "./_emit_batch_frame.ts";
import type { ClientStats, I64, JaegerBatch, JaegerProcess } from "./thrift_model.ts";

function checkSeqId(seqId: number): void {
  if (!Number.isInteger(seqId) || seqId < -0x80000000 || seqId > 0xffffffff) {
    throw new RangeError(`Cannot encode seqid: ${seqId} is not a 32-bit integer`);
  }
}

/**
 * Encodes a whole `Agent.emitBatch` message (ONEWAY, Thrift compact protocol): the message
 * header, the args struct whose field 1 is the batch, and the stops. This is one UDP payload
 * for a Jaeger agent's port 6831.
 *
 * @param batch The batch (process, spans, optional `seqNo` and `stats`).
 * @param seqId The message's sequence id (a 32-bit integer; written as an unsigned varint, as
 *   Apache Thrift does).
 * @returns The message bytes.
 * @throws {RangeError} When an i64 `number` is not an integer in [-2^63, 2^63), or `seqId` is
 *   not a 32-bit integer.
 *
 * @example
 * ```ts
 * import { encodeEmitBatch, decodeEmitBatch } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeEmitBatch({ process: { serviceName: "svc" }, spans: [] }, 7);
 * assert.equal(bytes[0], 0x82); // the compact protocol id
 * assert.equal(decodeEmitBatch(bytes).seqId, 7);
 * ```
 */
export function encodeEmitBatch(batch: JaegerBatch, seqId = 0): Uint8Array {
  checkSeqId(seqId);
  const w = new CompactWriter(256 + batch.spans.length * 256);
  writeEmitBatchHeader(w, seqId);
  w.structBegin(); // args
  w.writeFieldHeader(CT.STRUCT, 1);
  writeBatch(w, batch);
  w.structEnd();
  return w.buf.slice(0, w.pos);
}

/**
 * Encodes a `jaeger.Process` struct (its fields and its stop byte), for
 * {@linkcode EmitBatchFrame.processBytes}: a batch encoder encodes its process once and reuses
 * the bytes in every packet.
 *
 * @param process The process.
 * @returns The struct's bytes.
 *
 * @example
 * ```ts
 * import { encodeProcess } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * // field 1 (string, delta 1), length 3, "svc", stop
 * assert.deepEqual([...encodeProcess({ serviceName: "svc" })], [0x18, 3, 0x73, 0x76, 0x63, 0]);
 * ```
 */
export function encodeProcess(process: JaegerProcess): Uint8Array {
  const w = new CompactWriter(64);
  writeProcess(w, process);
  return w.buf.slice(0, w.pos);
}

/**
 * Everything of an `emitBatch` message except its spans: what
 * {@linkcode emitBatchOverhead} measures and {@linkcode assembleEmitBatch} writes around the
 * span bytes.
 *
 * @example
 * ```ts
 * import { type EmitBatchFrame, encodeProcess } from "@spanwire/trace/exporters/jaeger";
 *
 * const frame: EmitBatchFrame = {
 *   seqId: 0,
 *   processBytes: encodeProcess({ serviceName: "svc" }),
 *   seqNo: 1,
 *   stats: { fullQueueDroppedSpans: 0, tooLargeDroppedSpans: 0, failedToEmitSpans: 0 },
 * };
 * ```
 */
export interface EmitBatchFrame {
  /** The message's sequence id (a 32-bit integer). */
  seqId: number;
  /** The `Process` struct as {@linkcode encodeProcess} writes it (fields and stop byte). */
  processBytes: Uint8Array;
  /** Batch field 3, written when present. */
  seqNo?: I64 | undefined;
  /** Batch field 4, written when present. */
  stats?: ClientStats | undefined;
}

/**
 * The exact number of bytes an `emitBatch` message takes besides its span structs: message
 * header, args and batch field headers, the process, the list header for `spanCount` spans,
 * `seqNo`, `stats` and the stop bytes. A packet's size is this plus the sum of its span
 * structs' lengths. It is not linear in `spanCount`: the list header grows from 1 byte to 2 at
 * 15 spans (and by a byte at 128, 16384, ... spans), and `seqNo`'s varint grows with its value.
 *
 * @param frame The frame (seqid, process bytes, optional seqNo and stats).
 * @param spanCount The number of spans in the message.
 * @returns The framing overhead in bytes.
 *
 * @example
 * ```ts
 * import {
 *   assembleEmitBatch, emitBatchOverhead, encodeProcess,
 * } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * const frame = { seqId: 0, processBytes: encodeProcess({ serviceName: "svc" }), seqNo: 3 };
 * assert.equal(assembleEmitBatch(frame, []).length, emitBatchOverhead(frame, 0));
 * ```
 */
export function emitBatchOverhead(frame: EmitBatchFrame, spanCount: number): number {
  const c = new ByteCounter();
  writeFrameHead(c, frame, spanCount);
  writeFrameTail(c, frame);
  return c.length;
}

/**
 * Assembles a whole `emitBatch` message from spans already encoded as compact `Span` structs
 * (by a {@linkcode SpanEncoderBackend}): header, args field 1, `Batch { process, list header,
 * span bytes, seqNo?, stats? }`, stops. The result is exactly what
 * {@linkcode encodeEmitBatch} writes for the same values, and exactly
 * `emitBatchOverhead(frame, spanCount) + (sum of chunk lengths)` bytes long.
 *
 * @param frame The frame: seqid, process bytes, optional seqNo and stats.
 * @param chunks The span bytes, in order. A chunk holds one or more whole `Span` structs back
 *   to back (e.g. `encoded.bytes.subarray(encoded.ends[i - 1], encoded.ends[j])` for spans i..j
 *   of one backend call); the chunks are copied, so backend views may be reused afterwards.
 * @param spanCount How many spans the chunks hold in all (defaults to `chunks.length`, one span
 *   a chunk).
 * @returns A new buffer holding the message.
 * @throws {RangeError} When `seqId` is not a 32-bit integer or `spanCount` is negative.
 *
 * @example
 * ```ts
 * import {
 *   assembleEmitBatch, encodeEmitBatch, encodeProcess, jsSpanEncoder,
 * } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * const process = { serviceName: "svc" };
 * const spans = [{
 *   traceIdLow: 1, traceIdHigh: 0, spanId: 2, parentSpanId: 0,
 *   operationName: "GET /", flags: 1, startTime: 1_700_000_000_000_000, duration: 250,
 * }];
 * const encoded = jsSpanEncoder.encodeSpans(spans);
 * const packet = assembleEmitBatch(
 *   { seqId: 0, processBytes: encodeProcess(process), seqNo: 1 },
 *   [encoded.bytes],
 *   spans.length,
 * );
 * assert.deepEqual(packet, encodeEmitBatch({ process, spans, seqNo: 1 }, 0));
 * ```
 */
export function assembleEmitBatch(
  frame: EmitBatchFrame,
  chunks: readonly Uint8Array[],
  spanCount: number = chunks.length,
): Uint8Array {
  checkSeqId(frame.seqId);
  if (!Number.isInteger(spanCount) || spanCount < 0) {
    throw new RangeError(`Cannot assemble emitBatch: span count ${spanCount} is invalid`);
  }
  let size = emitBatchOverhead(frame, spanCount);
  for (let i = 0; i < chunks.length; i++) size += chunks[i]!.length;
  const w = new BytesWriter(size);
  writeFrameHead(w, frame, spanCount);
  for (let i = 0; i < chunks.length; i++) w.bytes(chunks[i]!);
  writeFrameTail(w, frame);
  const out = w.written();
  return out.length === out.buffer.byteLength ? out : out.slice();
}
