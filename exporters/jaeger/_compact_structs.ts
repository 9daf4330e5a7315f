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

// Within these structs every field-id delta is between 1 and 15, so every field header is the
// one-byte short form `(delta << 4) | type`; the writers compute it from the last field written
// (a local variable, no state in the writer) and write the struct's stop byte themselves.

/** Writes a `jaeger.Tag` struct (its fields and its stop byte). */
export function writeTag(w: CompactWriter, tag: JaegerTag): void {
  w.writeByte(0x10 | CT.BINARY); // 1: key
  w.writeString(tag.key);
  w.writeByte(0x10 | CT.I32); // 2: vType
  w.writeI32(tag.vType);
  let last = 2;
  if (tag.vStr != null) {
    w.writeByte(0x10 | CT.BINARY); // 3: vStr (delta 1 from 2)
    w.writeString(tag.vStr);
    last = 3;
  }
  if (tag.vDouble != null) {
    w.writeByte(((4 - last) << 4) | CT.DOUBLE);
    w.writeDouble(tag.vDouble);
    last = 4;
  }
  if (tag.vBool != null) {
    w.writeByte(((5 - last) << 4) | (tag.vBool ? CT.BOOLEAN_TRUE : CT.BOOLEAN_FALSE));
    last = 5;
  }
  if (tag.vLong != null) {
    w.writeByte(((6 - last) << 4) | CT.I64);
    w.writeI64(tag.vLong);
    last = 6;
  }
  if (tag.vBinary != null) {
    w.writeByte(((7 - last) << 4) | CT.BINARY);
    w.writeBinary(tag.vBinary);
  }
  w.writeByte(CT.STOP);
}

/** Writes a list<Tag> (header and elements). */
export function writeTagList(w: CompactWriter, tags: readonly JaegerTag[]): void {
  const n = tags.length;
  w.writeListHeader(CT.STRUCT, n);
  for (let i = 0; i < n; i++) writeTag(w, tags[i]!);
}

/** Writes a `jaeger.Log` struct. */
export function writeLog(w: CompactWriter, log: JaegerLog): void {
  w.writeByte(0x10 | CT.I64); // 1: timestamp
  w.writeI64(log.timestamp);
  w.writeByte(0x10 | CT.LIST); // 2: fields
  writeTagList(w, log.fields);
  w.writeByte(CT.STOP);
}

/** Writes a `jaeger.SpanRef` struct. */
export function writeSpanRef(w: CompactWriter, ref: JaegerSpanRef): void {
  w.writeByte(0x10 | CT.I32); // 1: refType
  w.writeI32(ref.refType);
  w.writeByte(0x10 | CT.I64); // 2: traceIdLow
  w.writeI64(ref.traceIdLow);
  w.writeByte(0x10 | CT.I64); // 3: traceIdHigh
  w.writeI64(ref.traceIdHigh);
  w.writeByte(0x10 | CT.I64); // 4: spanId
  w.writeI64(ref.spanId);
  w.writeByte(CT.STOP);
}

/** Writes a `jaeger.Span` struct (its fields and its stop byte). */
export function writeSpan(w: CompactWriter, span: JaegerSpan): void {
  w.writeByte(0x10 | CT.I64); // 1: traceIdLow
  w.writeI64(span.traceIdLow);
  w.writeByte(0x10 | CT.I64); // 2: traceIdHigh
  w.writeI64(span.traceIdHigh);
  w.writeByte(0x10 | CT.I64); // 3: spanId
  w.writeI64(span.spanId);
  w.writeByte(0x10 | CT.I64); // 4: parentSpanId
  w.writeI64(span.parentSpanId);
  w.writeByte(0x10 | CT.BINARY); // 5: operationName
  w.writeString(span.operationName);
  const refs = span.references;
  if (refs != null) {
    w.writeByte(0x10 | CT.LIST); // 6: references
    w.writeListHeader(CT.STRUCT, refs.length);
    for (let i = 0; i < refs.length; i++) writeSpanRef(w, refs[i]!);
    w.writeByte(0x10 | CT.I32); // 7: flags (delta 1 from 6)
  } else {
    w.writeByte(0x20 | CT.I32); // 7: flags (delta 2 from 5)
  }
  w.writeI32(span.flags);
  w.writeByte(0x10 | CT.I64); // 8: startTime
  w.writeI64(span.startTime);
  w.writeByte(0x10 | CT.I64); // 9: duration
  w.writeI64(span.duration);
  const tags = span.tags;
  const logs = span.logs;
  if (tags != null) {
    w.writeByte(0x10 | CT.LIST); // 10: tags
    writeTagList(w, tags);
    if (logs != null) w.writeByte(0x10 | CT.LIST); // 11: logs (delta 1 from 10)
  } else if (logs != null) {
    w.writeByte(0x20 | CT.LIST); // 11: logs (delta 2 from 9)
  }
  if (logs != null) {
    w.writeListHeader(CT.STRUCT, logs.length);
    for (let i = 0; i < logs.length; i++) writeLog(w, logs[i]!);
  }
  w.writeByte(CT.STOP);
}

/** Writes a `jaeger.Process` struct. */
export function writeProcess(w: CompactWriter, process: JaegerProcess): void {
  w.writeByte(0x10 | CT.BINARY); // 1: serviceName
  w.writeString(process.serviceName);
  if (process.tags != null) {
    w.writeByte(0x10 | CT.LIST); // 2: tags
    writeTagList(w, process.tags);
  }
  w.writeByte(CT.STOP);
}

/** Writes a `jaeger.ClientStats` struct. */
export function writeClientStats(w: CompactWriter, stats: ClientStats): void {
  w.writeByte(0x10 | CT.I64); // 1: fullQueueDroppedSpans
  w.writeI64(stats.fullQueueDroppedSpans);
  w.writeByte(0x10 | CT.I64); // 2: tooLargeDroppedSpans
  w.writeI64(stats.tooLargeDroppedSpans);
  w.writeByte(0x10 | CT.I64); // 3: failedToEmitSpans
  w.writeI64(stats.failedToEmitSpans);
  w.writeByte(CT.STOP);
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
