/**
 * The JSON model of Jaeger's query API (`/api/traces`, what Jaeger's UI and tools read), and the
 * conversion of decoded Thrift batches into it. Pure: it runs anywhere.
 *
 * Ids are lower-case hex: trace ids 32 digits, span ids 16. Times and durations are integer
 * microseconds. Tag types are Jaeger's JSON names (`string`, `bool`, `int64`, `float64`,
 * `binary`, the latter base64). A span whose Thrift `parentSpanId` is not 0 gets a `CHILD_OF`
 * reference to it first (as Jaeger's collector does), unless it already has one.
 *
 * @module
 */

import type { I64, JaegerBatch, JaegerSpan, JaegerTag } from "../exporters/jaeger/mod.ts";
import { i64BigInt as i64, i64Hex as hex64 } from "../exporters/jaeger/_i64.ts";
import { base64Of } from "../trace/_base64.ts";

/**
 * A tag (or log field) in Jaeger's JSON.
 *
 * @example
 * ```ts
 * import type { JsonTag } from "@spanwire/trace/allinone";
 *
 * const tag: JsonTag = { key: "http.status_code", type: "int64", value: 200 };
 * ```
 */
export interface JsonTag {
  /** The key. */
  key: string;
  /** The value's type. */
  type: "string" | "bool" | "int64" | "float64" | "binary";
  /** The value (base64 for `binary`). */
  value: string | number | boolean;
}

/**
 * A log (span event) in Jaeger's JSON.
 *
 * @example
 * ```ts
 * import type { JsonLog } from "@spanwire/trace/allinone";
 *
 * const log: JsonLog = {
 *   timestamp: 1_700_000_000_000_000,
 *   fields: [{ key: "event", type: "string", value: "cache miss" }],
 * };
 * ```
 */
export interface JsonLog {
  /** When, in microseconds since the epoch. */
  timestamp: number;
  /** Its fields. */
  fields: JsonTag[];
}

/**
 * A reference from one span to another in Jaeger's JSON.
 *
 * @example
 * ```ts
 * import type { JsonReference } from "@spanwire/trace/allinone";
 *
 * const ref: JsonReference = {
 *   refType: "CHILD_OF",
 *   traceID: "0af7651916cd43dd8448eb211c80319c",
 *   spanID: "b7ad6b7169203331",
 * };
 * ```
 */
export interface JsonReference {
  /** `CHILD_OF` (the parent) or `FOLLOWS_FROM` (a link). */
  refType: "CHILD_OF" | "FOLLOWS_FROM";
  /** The trace of the span referred to. */
  traceID: string;
  /** The span referred to. */
  spanID: string;
}

/**
 * A process (the service that sent spans, and its tags) in Jaeger's JSON.
 *
 * @example
 * ```ts
 * import type { JsonProcess } from "@spanwire/trace/allinone";
 *
 * const process: JsonProcess = { serviceName: "iox-conductor", tags: [] };
 * ```
 */
export interface JsonProcess {
  /** The service name. */
  serviceName: string;
  /** The process tags (e.g. `hostname`). */
  tags: JsonTag[];
}

/**
 * A span in Jaeger's JSON, as `/api/traces` gives it (its process by id in the trace's
 * `processes`).
 *
 * @example
 * ```ts
 * import type { JsonSpan } from "@spanwire/trace/allinone";
 *
 * const span: JsonSpan = {
 *   traceID: "0af7651916cd43dd8448eb211c80319c",
 *   spanID: "b7ad6b7169203331",
 *   flags: 1,
 *   operationName: "GET /api/v2/query",
 *   references: [],
 *   startTime: 1_700_000_000_000_000,
 *   duration: 1500,
 *   tags: [],
 *   logs: [],
 *   processID: "p1",
 *   warnings: null,
 * };
 * ```
 */
export interface JsonSpan {
  /** The trace id, 32 hex digits. */
  traceID: string;
  /** The span id, 16 hex digits. */
  spanID: string;
  /** The Jaeger flags (1 = sampled). */
  flags: number;
  /** The operation (span name). */
  operationName: string;
  /** Its parent (`CHILD_OF`) and links (`FOLLOWS_FROM`). */
  references: JsonReference[];
  /** Start, microseconds since the epoch. */
  startTime: number;
  /** Duration, microseconds. */
  duration: number;
  /** Its tags. */
  tags: JsonTag[];
  /** Its logs. */
  logs: JsonLog[];
  /** The key of its process in the trace's `processes`. */
  processID: string;
  /** Problems found with it (none: `null`). */
  warnings: string[] | null;
}

/**
 * A trace in Jaeger's JSON.
 *
 * @example
 * ```ts
 * import type { JsonTrace } from "@spanwire/trace/allinone";
 *
 * const trace: JsonTrace = {
 *   traceID: "0af7651916cd43dd8448eb211c80319c",
 *   spans: [],
 *   processes: {},
 *   warnings: null,
 * };
 * ```
 */
export interface JsonTrace {
  /** The trace id, 32 hex digits. */
  traceID: string;
  /** Its spans. */
  spans: JsonSpan[];
  /** Its processes, by the `processID` its spans name. */
  processes: Record<string, JsonProcess>;
  /** Problems found with it (none: `null`). */
  warnings: string[] | null;
}

/**
 * A span as the store keeps it: its JSON without `processID`, with its process object instead.
 *
 * @example
 * ```ts
 * import type { StoredSpan } from "@spanwire/trace/allinone";
 *
 * const span: StoredSpan = {
 *   traceID: "0af7651916cd43dd8448eb211c80319c",
 *   spanID: "b7ad6b7169203331",
 *   flags: 1,
 *   operationName: "GET /",
 *   references: [],
 *   startTime: 1_700_000_000_000_000,
 *   duration: 10,
 *   tags: [],
 *   logs: [],
 *   process: { serviceName: "svc", tags: [] },
 * };
 * ```
 */
export interface StoredSpan extends Omit<JsonSpan, "processID" | "warnings"> {
  /** The process that sent it. */
  process: JsonProcess;
}

/**
 * A Thrift tag in Jaeger's JSON. An `int64` outside the safe integers becomes the nearest
 * number (as JSON readers take it anyway).
 *
 * @param tag The Thrift tag.
 * @returns The JSON tag.
 *
 * @example
 * ```ts
 * import { jsonTag } from "@spanwire/trace/allinone";
 * import { TagType } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(jsonTag({ key: "rows", vType: TagType.LONG, vLong: 12n }), {
 *   key: "rows",
 *   type: "int64",
 *   value: 12,
 * });
 * ```
 */
export function jsonTag(tag: JaegerTag): JsonTag {
  switch (tag.vType) {
    case 1:
      return { key: tag.key, type: "float64", value: tag.vDouble ?? 0 };
    case 2:
      return { key: tag.key, type: "bool", value: tag.vBool ?? false };
    case 3:
      return { key: tag.key, type: "int64", value: Number(i64(tag.vLong ?? 0)) };
    case 4:
      return { key: tag.key, type: "binary", value: base64Of(tag.vBinary ?? new Uint8Array()) };
    default:
      return { key: tag.key, type: "string", value: tag.vStr ?? "" };
  }
}

/**
 * The trace id of a Thrift span: 32 hex digits, high half first.
 *
 * @param span The span (or reference).
 * @returns The trace id.
 *
 * @example
 * ```ts
 * import { thriftTraceId } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * assert.equal(thriftTraceId({ traceIdHigh: 0, traceIdLow: 255 }), "000000000000000000000000000000ff");
 * ```
 */
export function thriftTraceId(span: { traceIdHigh: I64; traceIdLow: I64 }): string {
  return hex64(span.traceIdHigh) + hex64(span.traceIdLow);
}

/**
 * Converts one span of a decoded Thrift batch into the stored JSON form.
 *
 * @param span The Thrift span.
 * @param process The batch's process, already converted (shared by the batch's spans).
 * @returns The stored span.
 *
 * @example
 * ```ts
 * import { spanFromThrift } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * const span = spanFromThrift({
 *   traceIdHigh: 0, traceIdLow: 1, spanId: 3, parentSpanId: 2, operationName: "query",
 *   flags: 1, startTime: 1_000_000, duration: 5,
 * }, { serviceName: "svc", tags: [] });
 * assert.deepEqual(span.references, [{
 *   refType: "CHILD_OF",
 *   traceID: "00000000000000000000000000000001",
 *   spanID: "0000000000000002",
 * }]);
 * ```
 */
export function spanFromThrift(span: JaegerSpan, process: JsonProcess): StoredSpan {
  const traceID = thriftTraceId(span);
  const references: JsonReference[] = (span.references ?? []).map((ref) => ({
    refType: ref.refType === 1 ? "FOLLOWS_FROM" : "CHILD_OF",
    traceID: thriftTraceId(ref),
    spanID: hex64(ref.spanId),
  }));
  if (i64(span.parentSpanId) !== 0n) {
    const parent = hex64(span.parentSpanId);
    if (!references.some((r) => r.refType === "CHILD_OF" && r.spanID === parent)) {
      references.unshift({ refType: "CHILD_OF", traceID, spanID: parent });
    }
  }
  return {
    traceID,
    spanID: hex64(span.spanId),
    flags: span.flags,
    operationName: span.operationName,
    references,
    startTime: Number(i64(span.startTime)),
    duration: Number(i64(span.duration)),
    tags: (span.tags ?? []).map(jsonTag),
    logs: (span.logs ?? []).map((log) => ({
      timestamp: Number(i64(log.timestamp)),
      fields: log.fields.map(jsonTag),
    })),
    process,
  };
}

/**
 * Converts a decoded Thrift batch (what `decodeEmitBatch` gives) into stored spans.
 *
 * @param batch The batch.
 * @returns Its spans, sharing one process object.
 *
 * @example
 * ```ts
 * import { spansFromThrift } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * const spans = spansFromThrift({
 *   process: { serviceName: "svc" },
 *   spans: [{ traceIdHigh: 0, traceIdLow: 1, spanId: 2, parentSpanId: 0, operationName: "a",
 *     flags: 1, startTime: 1_000_000, duration: 5 }],
 * });
 * assert.equal(spans[0]!.process.serviceName, "svc");
 * assert.equal(spans[0]!.spanID, "0000000000000002");
 * ```
 */
export function spansFromThrift(batch: JaegerBatch): StoredSpan[] {
  const process: JsonProcess = {
    serviceName: batch.process.serviceName,
    tags: (batch.process.tags ?? []).map(jsonTag),
  };
  return batch.spans.map((span) => spanFromThrift(span, process));
}

/**
 * The parent span id of a stored span (its first `CHILD_OF` reference in the same trace).
 *
 * @param span The span.
 * @returns The parent's span id, or `undefined` for a root.
 *
 * @example
 * ```ts
 * import { parentOf } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parentOf({ traceID: "t", references: [] }), undefined);
 * ```
 */
export function parentOf(
  span: Pick<StoredSpan, "traceID" | "references">,
): string | undefined {
  for (const ref of span.references) {
    if (ref.refType === "CHILD_OF" && ref.traceID === span.traceID) return ref.spanID;
  }
  return undefined;
}
