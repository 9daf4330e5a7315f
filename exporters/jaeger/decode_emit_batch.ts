/**
 * The strict Thrift decoder of `Agent.emitBatch` messages, what a Jaeger agent (or our mock
 * agent) does with each UDP payload: compact (port 6831) or binary (port 6832). The Jaeger
 * structs are decoded once, over either protocol's reader.
 *
 * @module
 */

import { CompactReader, typeName } from "./_compact_reader.ts";
import { BINARY_VERSION_1, BinaryReader } from "./_binary_reader.ts";
import type { ThriftReader } from "./_thrift_reader.ts";
import { CT } from "./_compact_writer.ts";
import { EMIT_BATCH_NAME, PROTOCOL_ID } from "./_compact_structs.ts";
import { DecodeError } from "./decode_error.ts";
import type {
  ClientStats,
  JaegerBatch,
  JaegerLog,
  JaegerProcess,
  JaegerSpan,
  JaegerSpanRef,
  JaegerTag,
} from "./thrift_model.ts";

/**
 * A decoded `emitBatch` message: its sequence id and its batch. Every i64 in the batch is a
 * signed `bigint`.
 *
 * @example
 * ```ts
 * import { type DecodedEmitBatch, decodeEmitBatch, encodeEmitBatch } from "@spanwire/trace/exporters/jaeger";
 *
 * const decoded: DecodedEmitBatch = decodeEmitBatch(
 *   encodeEmitBatch({ process: { serviceName: "svc" }, spans: [] }, 1),
 * );
 * ```
 */
export interface DecodedEmitBatch {
  /** The message header's sequence id (a signed 32-bit integer, as Thrift reads it). */
  seqId: number;
  /** The batch (every i64 a signed `bigint`). */
  batch: JaegerBatch;
}

/**
 * The Thrift protocol of an `emitBatch` message: `compact` (what Jaeger clients send to an
 * agent's port 6831) or `binary` (port 6832: jaeger-client for Node, OpenTelemetry's Jaeger
 * exporter).
 *
 * @example
 * ```ts
 * import type { ThriftProtocol } from "@spanwire/trace/exporters/jaeger";
 *
 * const protocol: ThriftProtocol = "binary";
 * ```
 */
export type ThriftProtocol = "compact" | "binary";

const MESSAGE_TYPE_ONEWAY = 4;
const VERSION = 1;

/** Reads a list<struct> field's header, checking the element type when it is not empty. */
function listOfStructs(r: ThriftReader, what: string): number {
  const start = r.pos;
  const n = r.readListHeader(what);
  if (n > 0 && r.elemType !== CT.STRUCT) {
    r.fail(`${what} has element type ${typeName(r.elemType)}, expected struct`, start);
  }
  return n;
}

function missing(r: ThriftReader, struct: string, field: string): never {
  return r.fail(`${struct} is missing required field ${field}`, r.pos - 1);
}

function readTag(r: ThriftReader): JaegerTag {
  r.structBegin();
  let key: string | undefined;
  let vType: number | undefined;
  const tag = {} as JaegerTag;
  for (;;) {
    const t = r.readFieldHeader();
    if (t === CT.STOP) break;
    const id = r.fieldId;
    if (id === 1 && t === CT.BINARY) key = r.readString("Tag.key");
    else if (id === 2 && t === CT.I32) vType = r.readI32("Tag.vType");
    else if (id === 3 && t === CT.BINARY) tag.vStr = r.readString("Tag.vStr");
    else if (id === 4 && t === CT.DOUBLE) tag.vDouble = r.readDouble("Tag.vDouble");
    else if (id === 5 && t === CT.BOOLEAN_TRUE) tag.vBool = r.fieldBool;
    else if (id === 6 && t === CT.I64) tag.vLong = r.readI64("Tag.vLong");
    else if (id === 7 && t === CT.BINARY) tag.vBinary = r.readBinary("Tag.vBinary");
    else r.skip(t, false);
  }
  if (key === undefined) missing(r, "Tag", "1 (key)");
  if (vType === undefined) missing(r, "Tag", "2 (vType)");
  r.structEnd();
  const out: JaegerTag = { key, vType };
  if (tag.vStr !== undefined) out.vStr = tag.vStr;
  if (tag.vDouble !== undefined) out.vDouble = tag.vDouble;
  if (tag.vBool !== undefined) out.vBool = tag.vBool;
  if (tag.vLong !== undefined) out.vLong = tag.vLong;
  if (tag.vBinary !== undefined) out.vBinary = tag.vBinary;
  return out;
}

function readTags(r: ThriftReader, what: string): JaegerTag[] {
  const n = listOfStructs(r, what);
  const tags: JaegerTag[] = [];
  for (let i = 0; i < n; i++) tags.push(readTag(r));
  return tags;
}

function readLog(r: ThriftReader): JaegerLog {
  r.structBegin();
  let timestamp: bigint | undefined;
  let fields: JaegerTag[] | undefined;
  for (;;) {
    const t = r.readFieldHeader();
    if (t === CT.STOP) break;
    const id = r.fieldId;
    if (id === 1 && t === CT.I64) timestamp = r.readI64("Log.timestamp");
    else if (id === 2 && t === CT.LIST) fields = readTags(r, "Log.fields");
    else r.skip(t, false);
  }
  if (timestamp === undefined) missing(r, "Log", "1 (timestamp)");
  if (fields === undefined) missing(r, "Log", "2 (fields)");
  r.structEnd();
  return { timestamp, fields };
}

function readSpanRef(r: ThriftReader): JaegerSpanRef {
  r.structBegin();
  let refType: number | undefined;
  let traceIdLow: bigint | undefined;
  let traceIdHigh: bigint | undefined;
  let spanId: bigint | undefined;
  for (;;) {
    const t = r.readFieldHeader();
    if (t === CT.STOP) break;
    const id = r.fieldId;
    if (id === 1 && t === CT.I32) refType = r.readI32("SpanRef.refType");
    else if (id === 2 && t === CT.I64) traceIdLow = r.readI64("SpanRef.traceIdLow");
    else if (id === 3 && t === CT.I64) traceIdHigh = r.readI64("SpanRef.traceIdHigh");
    else if (id === 4 && t === CT.I64) spanId = r.readI64("SpanRef.spanId");
    else r.skip(t, false);
  }
  if (refType === undefined) missing(r, "SpanRef", "1 (refType)");
  if (traceIdLow === undefined) missing(r, "SpanRef", "2 (traceIdLow)");
  if (traceIdHigh === undefined) missing(r, "SpanRef", "3 (traceIdHigh)");
  if (spanId === undefined) missing(r, "SpanRef", "4 (spanId)");
  r.structEnd();
  return { refType, traceIdLow, traceIdHigh, spanId };
}

function readSpan(r: ThriftReader): JaegerSpan {
  r.structBegin();
  let traceIdLow: bigint | undefined;
  let traceIdHigh: bigint | undefined;
  let spanId: bigint | undefined;
  let parentSpanId: bigint | undefined;
  let operationName: string | undefined;
  let references: JaegerSpanRef[] | undefined;
  let flags: number | undefined;
  let startTime: bigint | undefined;
  let duration: bigint | undefined;
  let tags: JaegerTag[] | undefined;
  let logs: JaegerLog[] | undefined;
  for (;;) {
    const t = r.readFieldHeader();
    if (t === CT.STOP) break;
    // I64 fields by id, list fields by 1000 + id (ids are i16, so the keys never collide).
    switch (t === CT.I64 ? r.fieldId : t === CT.LIST ? 1000 + r.fieldId : 0) {
      case 1:
        traceIdLow = r.readI64("Span.traceIdLow");
        continue;
      case 2:
        traceIdHigh = r.readI64("Span.traceIdHigh");
        continue;
      case 3:
        spanId = r.readI64("Span.spanId");
        continue;
      case 4:
        parentSpanId = r.readI64("Span.parentSpanId");
        continue;
      case 8:
        startTime = r.readI64("Span.startTime");
        continue;
      case 9:
        duration = r.readI64("Span.duration");
        continue;
      case 1006: {
        const n = listOfStructs(r, "Span.references");
        references = [];
        for (let i = 0; i < n; i++) references.push(readSpanRef(r));
        continue;
      }
      case 1010:
        tags = readTags(r, "Span.tags");
        continue;
      case 1011: {
        const n = listOfStructs(r, "Span.logs");
        logs = [];
        for (let i = 0; i < n; i++) logs.push(readLog(r));
        continue;
      }
    }
    if (r.fieldId === 5 && t === CT.BINARY) operationName = r.readString("Span.operationName");
    else if (r.fieldId === 7 && t === CT.I32) flags = r.readI32("Span.flags");
    else r.skip(t, false);
  }
  if (traceIdLow === undefined) missing(r, "Span", "1 (traceIdLow)");
  if (traceIdHigh === undefined) missing(r, "Span", "2 (traceIdHigh)");
  if (spanId === undefined) missing(r, "Span", "3 (spanId)");
  if (parentSpanId === undefined) missing(r, "Span", "4 (parentSpanId)");
  if (operationName === undefined) missing(r, "Span", "5 (operationName)");
  if (flags === undefined) missing(r, "Span", "7 (flags)");
  if (startTime === undefined) missing(r, "Span", "8 (startTime)");
  if (duration === undefined) missing(r, "Span", "9 (duration)");
  r.structEnd();
  const span: JaegerSpan = {
    traceIdLow,
    traceIdHigh,
    spanId,
    parentSpanId,
    operationName,
    flags,
    startTime,
    duration,
  };
  if (references !== undefined) span.references = references;
  if (tags !== undefined) span.tags = tags;
  if (logs !== undefined) span.logs = logs;
  return span;
}

function readProcess(r: ThriftReader): JaegerProcess {
  r.structBegin();
  let serviceName: string | undefined;
  let tags: JaegerTag[] | undefined;
  for (;;) {
    const t = r.readFieldHeader();
    if (t === CT.STOP) break;
    const id = r.fieldId;
    if (id === 1 && t === CT.BINARY) serviceName = r.readString("Process.serviceName");
    else if (id === 2 && t === CT.LIST) tags = readTags(r, "Process.tags");
    else r.skip(t, false);
  }
  if (serviceName === undefined) missing(r, "Process", "1 (serviceName)");
  r.structEnd();
  const process: JaegerProcess = { serviceName };
  if (tags !== undefined) process.tags = tags;
  return process;
}

function readClientStats(r: ThriftReader): ClientStats {
  r.structBegin();
  let full: bigint | undefined;
  let tooLarge: bigint | undefined;
  let failed: bigint | undefined;
  for (;;) {
    const t = r.readFieldHeader();
    if (t === CT.STOP) break;
    const id = r.fieldId;
    if (id === 1 && t === CT.I64) full = r.readI64("ClientStats.fullQueueDroppedSpans");
    else if (id === 2 && t === CT.I64) tooLarge = r.readI64("ClientStats.tooLargeDroppedSpans");
    else if (id === 3 && t === CT.I64) failed = r.readI64("ClientStats.failedToEmitSpans");
    else r.skip(t, false);
  }
  if (full === undefined) missing(r, "ClientStats", "1 (fullQueueDroppedSpans)");
  if (tooLarge === undefined) missing(r, "ClientStats", "2 (tooLargeDroppedSpans)");
  if (failed === undefined) missing(r, "ClientStats", "3 (failedToEmitSpans)");
  r.structEnd();
  return {
    fullQueueDroppedSpans: full,
    tooLargeDroppedSpans: tooLarge,
    failedToEmitSpans: failed,
  };
}

function readBatch(r: ThriftReader): JaegerBatch {
  r.structBegin();
  let process: JaegerProcess | undefined;
  let spans: JaegerSpan[] | undefined;
  let seqNo: bigint | undefined;
  let stats: ClientStats | undefined;
  for (;;) {
    const t = r.readFieldHeader();
    if (t === CT.STOP) break;
    const id = r.fieldId;
    if (id === 1 && t === CT.STRUCT) process = readProcess(r);
    else if (id === 2 && t === CT.LIST) {
      const n = listOfStructs(r, "Batch.spans");
      spans = [];
      for (let i = 0; i < n; i++) spans.push(readSpan(r));
    } else if (id === 3 && t === CT.I64) seqNo = r.readI64("Batch.seqNo");
    else if (id === 4 && t === CT.STRUCT) stats = readClientStats(r);
    else r.skip(t, false);
  }
  if (process === undefined) missing(r, "Batch", "1 (process)");
  if (spans === undefined) missing(r, "Batch", "2 (spans)");
  r.structEnd();
  const batch: JaegerBatch = { process, spans };
  if (seqNo !== undefined) batch.seqNo = seqNo;
  if (stats !== undefined) batch.stats = stats;
  return batch;
}

/**
 * Decodes one `Agent.emitBatch` message (a Jaeger agent's UDP payload: compact Thrift on port
 * 6831, binary Thrift on port 6832), strictly: a wrong protocol id or version word (the binary
 * protocol's strict header is required), message type (it must be ONEWAY) or name, an
 * invalid type id, truncation, trailing bytes, a varint over 10 bytes, a length or element
 * count beyond the remaining bytes, nesting deeper than 64, or a missing required field (which
 * Jaeger rejects too) is a {@linkcode DecodeError} with the offset; nothing else is thrown, and
 * nothing larger than the input justifies is allocated. Unknown fields (and known fields of an
 * unexpected type) are skipped, as Thrift requires. Strings are UTF-8 (invalid sequences become
 * U+FFFD); binary values are copies. Optional fields absent from the bytes are absent from the
 * result; every i64 is a signed `bigint`.
 *
 * @param bytes The message.
 * @param protocol Its Thrift protocol (default `compact`).
 * @returns The sequence id and the batch.
 * @throws {DecodeError} When the bytes are not a valid message.
 * @throws {TypeError} For an unknown protocol name.
 *
 * @example
 * ```ts
 * import { decodeEmitBatch, encodeEmitBatch } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeEmitBatch({
 *   process: { serviceName: "svc" },
 *   spans: [{
 *     traceIdLow: { hi: 0xffffffff, lo: 0xffffffff }, traceIdHigh: 0, spanId: 2, parentSpanId: 0,
 *     operationName: "GET /", flags: 1, startTime: 1_700_000_000_000_000, duration: 250,
 *   }],
 * }, 5);
 * const { seqId, batch } = decodeEmitBatch(bytes);
 * assert.equal(seqId, 5);
 * assert.equal(batch.spans[0]!.traceIdLow, -1n);
 * assert.equal(batch.spans[0]!.startTime, 1_700_000_000_000_000n);
 * ```
 */
export function decodeEmitBatch(
  bytes: Uint8Array,
  protocol: ThriftProtocol = "compact",
): DecodedEmitBatch {
  if (!(bytes instanceof Uint8Array)) {
    throw new DecodeError("input is not a Uint8Array", 0);
  }
  if (protocol !== "compact" && protocol !== "binary") {
    throw new TypeError(`Cannot decode emitBatch: unknown protocol ${JSON.stringify(protocol)}`);
  }
  const r: ThriftReader = protocol === "compact"
    ? new CompactReader(bytes)
    : new BinaryReader(bytes);
  try {
    const seqId = protocol === "compact"
      ? readCompactHeader(r as CompactReader)
      : readBinaryHeader(r as BinaryReader);
    // emitBatch_args
    r.structBegin();
    let batch: JaegerBatch | undefined;
    for (;;) {
      const t = r.readFieldHeader();
      if (t === CT.STOP) break;
      if (r.fieldId === 1 && t === CT.STRUCT) batch = readBatch(r);
      else r.skip(t, false);
    }
    if (batch === undefined) missing(r, "emitBatch_args", "1 (batch)");
    r.structEnd();
    if (r.remaining !== 0) r.fail(`${r.remaining} trailing bytes after the message`);
    return { seqId, batch };
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    // Defensive: anything unforeseen (e.g. a RangeError from the engine) is still a DecodeError.
    throw new DecodeError(`unexpected error (${e})`, r.pos, { cause: e });
  }
}

/** Checks the method name at `r.pos` (`length` bytes) is emitBatch and steps over it. */
function readName(r: ThriftReader, length: number, start: number): void {
  const bytes = r.bytes;
  if (length > r.remaining) {
    r.fail(`method name length ${length} exceeds the ${r.remaining} bytes left`, start);
  }
  let nameOk = length === EMIT_BATCH_NAME.length;
  for (let i = 0; nameOk && i < length; i++) {
    nameOk = bytes[r.pos + i] === EMIT_BATCH_NAME[i];
  }
  if (!nameOk) {
    const name = new TextDecoder().decode(bytes.subarray(r.pos, r.pos + Math.min(length, 64)));
    r.fail(`wrong method name ${JSON.stringify(name)} (expected "emitBatch")`, start);
  }
  r.pos += length;
}

/** The compact message header; returns the seqid. */
function readCompactHeader(r: CompactReader): number {
  const protocolId = r.readByte("protocol id");
  if (protocolId !== PROTOCOL_ID) {
    r.fail(`wrong protocol id 0x${protocolId.toString(16)} (expected 0x82, compact)`, 0);
  }
  const vt = r.readByte("version and message type");
  if ((vt & 0x1f) !== VERSION) r.fail(`wrong protocol version ${vt & 0x1f}`, 1);
  if (vt >>> 5 !== MESSAGE_TYPE_ONEWAY) r.fail(`wrong message type ${vt >>> 5}`, 1);
  const seqId = r.readVarint32("seqid") | 0;
  const nameStart = r.pos;
  readName(r, r.readVarint32("method name length"), nameStart);
  return seqId;
}

/** The strict binary message header (version word, name, seqid); returns the seqid. */
function readBinaryHeader(r: BinaryReader): number {
  const word = r.readI32("version and message type");
  if (word >>> 16 !== BINARY_VERSION_1) {
    r.fail(
      `wrong version word 0x${(word >>> 0).toString(16).padStart(8, "0")} (expected ` +
        `0x8001000${MESSAGE_TYPE_ONEWAY}, strict binary)`,
      0,
    );
  }
  if ((word & 0xff) !== MESSAGE_TYPE_ONEWAY || (word & 0xff00) !== 0) {
    r.fail(`wrong message type ${word & 0xffff}`, 0);
  }
  const nameStart = r.pos;
  const length = r.readI32("method name length");
  if (length < 0) r.fail(`negative method name length ${length}`, nameStart);
  readName(r, length, nameStart);
  return r.readI32("seqid");
}
