// The jaeger.thrift / agent.thrift structs over a CompactWriter, field by field as Apache
// Thrift's generated code writes them: fields in id order, optional fields only when present
// (not undefined/null), required fields always.

import { type CompactWriter, CT } from "./_compact_writer.ts";
import type {
  ClientStats,
  JaegerBatch,
  JaegerLog,
  JaegerProcess,
  JaegerSpan,
  JaegerSpanRef,
  JaegerTag,
} from "./thrift_model.ts";

/** Writes a `jaeger.Tag` struct (its fields and its stop byte). */
export function writeTag(w: CompactWriter, tag: JaegerTag): void {
  w.structBegin();
  w.writeFieldHeader(CT.BINARY, 1);
  w.writeString(tag.key);
  w.writeFieldHeader(CT.I32, 2);
  w.writeI32(tag.vType);
  if (tag.vStr != null) {
    w.writeFieldHeader(CT.BINARY, 3);
    w.writeString(tag.vStr);
  }
  if (tag.vDouble != null) {
    w.writeFieldHeader(CT.DOUBLE, 4);
    w.writeDouble(tag.vDouble);
  }
  if (tag.vBool != null) w.writeBoolField(5, tag.vBool);
  if (tag.vLong != null) {
    w.writeFieldHeader(CT.I64, 6);
    w.writeI64(tag.vLong);
  }
  if (tag.vBinary != null) {
    w.writeFieldHeader(CT.BINARY, 7);
    w.writeBinary(tag.vBinary);
  }
  w.structEnd();
}

/** Writes a list<Tag> (header and elements). */
export function writeTagList(w: CompactWriter, tags: readonly JaegerTag[]): void {
  const n = tags.length;
  w.writeListHeader(CT.STRUCT, n);
  for (let i = 0; i < n; i++) writeTag(w, tags[i]!);
}

/** Writes a `jaeger.Log` struct. */
export function writeLog(w: CompactWriter, log: JaegerLog): void {
  w.structBegin();
  w.writeFieldHeader(CT.I64, 1);
  w.writeI64(log.timestamp);
  w.writeFieldHeader(CT.LIST, 2);
  writeTagList(w, log.fields);
  w.structEnd();
}

/** Writes a `jaeger.SpanRef` struct. */
export function writeSpanRef(w: CompactWriter, ref: JaegerSpanRef): void {
  w.structBegin();
  w.writeFieldHeader(CT.I32, 1);
  w.writeI32(ref.refType);
  w.writeFieldHeader(CT.I64, 2);
  w.writeI64(ref.traceIdLow);
  w.writeFieldHeader(CT.I64, 3);
  w.writeI64(ref.traceIdHigh);
  w.writeFieldHeader(CT.I64, 4);
  w.writeI64(ref.spanId);
  w.structEnd();
}

/** Writes a `jaeger.Span` struct (its fields and its stop byte). */
export function writeSpan(w: CompactWriter, span: JaegerSpan): void {
  w.structBegin();
  w.writeFieldHeader(CT.I64, 1);
  w.writeI64(span.traceIdLow);
  w.writeFieldHeader(CT.I64, 2);
  w.writeI64(span.traceIdHigh);
  w.writeFieldHeader(CT.I64, 3);
  w.writeI64(span.spanId);
  w.writeFieldHeader(CT.I64, 4);
  w.writeI64(span.parentSpanId);
  w.writeFieldHeader(CT.BINARY, 5);
  w.writeString(span.operationName);
  const refs = span.references;
  if (refs != null) {
    w.writeFieldHeader(CT.LIST, 6);
    w.writeListHeader(CT.STRUCT, refs.length);
    for (let i = 0; i < refs.length; i++) writeSpanRef(w, refs[i]!);
  }
  w.writeFieldHeader(CT.I32, 7);
  w.writeI32(span.flags);
  w.writeFieldHeader(CT.I64, 8);
  w.writeI64(span.startTime);
  w.writeFieldHeader(CT.I64, 9);
  w.writeI64(span.duration);
  if (span.tags != null) {
    w.writeFieldHeader(CT.LIST, 10);
    writeTagList(w, span.tags);
  }
  const logs = span.logs;
  if (logs != null) {
    w.writeFieldHeader(CT.LIST, 11);
    w.writeListHeader(CT.STRUCT, logs.length);
    for (let i = 0; i < logs.length; i++) writeLog(w, logs[i]!);
  }
  w.structEnd();
}

/** Writes a `jaeger.Process` struct. */
export function writeProcess(w: CompactWriter, process: JaegerProcess): void {
  w.structBegin();
  w.writeFieldHeader(CT.BINARY, 1);
  w.writeString(process.serviceName);
  if (process.tags != null) {
    w.writeFieldHeader(CT.LIST, 2);
    writeTagList(w, process.tags);
  }
  w.structEnd();
}

/** Writes a `jaeger.ClientStats` struct. */
export function writeClientStats(w: CompactWriter, stats: ClientStats): void {
  w.structBegin();
  w.writeFieldHeader(CT.I64, 1);
  w.writeI64(stats.fullQueueDroppedSpans);
  w.writeFieldHeader(CT.I64, 2);
  w.writeI64(stats.tooLargeDroppedSpans);
  w.writeFieldHeader(CT.I64, 3);
  w.writeI64(stats.failedToEmitSpans);
  w.structEnd();
}

/** Writes a `jaeger.Batch` struct. */
export function writeBatch(w: CompactWriter, batch: JaegerBatch): void {
  w.structBegin();
  w.writeFieldHeader(CT.STRUCT, 1);
  writeProcess(w, batch.process);
  w.writeFieldHeader(CT.LIST, 2);
  const spans = batch.spans;
  w.writeListHeader(CT.STRUCT, spans.length);
  for (let i = 0; i < spans.length; i++) writeSpan(w, spans[i]!);
  if (batch.seqNo != null) {
    w.writeFieldHeader(CT.I64, 3);
    w.writeI64(batch.seqNo);
  }
  if (batch.stats != null) {
    w.writeFieldHeader(CT.STRUCT, 4);
    writeClientStats(w, batch.stats);
  }
  w.structEnd();
}

/** The compact protocol id (first byte of every message). */
export const PROTOCOL_ID = 0x82;
/** Version 1, message type ONEWAY (4) in the top 3 bits. */
export const VERSION_AND_ONEWAY = 0x81;
/** `emitBatch` as UTF-8. */
export const EMIT_BATCH_NAME: Uint8Array = new TextEncoder().encode("emitBatch");

/** Writes the message header of `Agent.emitBatch` (protocol id, version/type, seqid, name). */
export function writeEmitBatchHeader(w: CompactWriter, seqId: number): void {
  w.writeByte(PROTOCOL_ID);
  w.writeByte(VERSION_AND_ONEWAY);
  w.writeVarint32(seqId);
  w.writeVarint32(EMIT_BATCH_NAME.length);
  w.writeRaw(EMIT_BATCH_NAME);
}
