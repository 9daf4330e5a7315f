/**
 * The Jaeger Thrift model (jaeger-idl `thrift/jaeger.thrift` and `thrift/agent.thrift`) as
 * plain TypeScript types: what goes inside an `Agent.emitBatch` message. Field names follow the
 * IDL; optional IDL fields are optional properties.
 *
 * 64-bit integers ({@linkcode I64}) are accepted by the encoders as a `number` (a safe
 * integer), a `bigint` (signed or unsigned 64-bit: it is wrapped to 64 bits), or
 * {@linkcode I64Parts} (two unsigned 32-bit halves; a `SpanId` is one). The decoder returns
 * every i64 as a signed `bigint`.
 *
 * @module
 */

/**
 * A 64-bit integer as two unsigned 32-bit halves (two's complement), so that ids travel
 * without BigInt. A `SpanId` satisfies it.
 *
 * @example
 * ```ts
 * import type { I64Parts } from "@spanwire/trace/exporters/jaeger";
 *
 * const minusOne: I64Parts = { hi: 0xffffffff, lo: 0xffffffff };
 * ```
 */
export interface I64Parts {
  /** Bits 63..32, unsigned. */
  readonly hi: number;
  /** Bits 31..0, unsigned. */
  readonly lo: number;
}

/**
 * A Thrift i64 as the encoders take it: a safe-integer `number`, a `bigint`, or
 * {@linkcode I64Parts}.
 *
 * @example
 * ```ts
 * import type { I64 } from "@spanwire/trace/exporters/jaeger";
 *
 * const values: I64[] = [42, -1n, { hi: 0, lo: 7 }];
 * ```
 */
export type I64 = number | bigint | I64Parts;

/**
 * Tag value types (`jaeger.TagType`).
 *
 * @example
 * ```ts
 * import { TagType } from "@spanwire/trace/exporters/jaeger";
 *
 * const tag = { key: "http.status_code", vType: TagType.LONG, vLong: 200 };
 * ```
 */
export const TagType = { STRING: 0, DOUBLE: 1, BOOL: 2, LONG: 3, BINARY: 4 } as const;

/**
 * One of the {@linkcode TagType} values.
 *
 * @example
 * ```ts
 * import { TagType, type TagTypeValue } from "@spanwire/trace/exporters/jaeger";
 *
 * const t: TagTypeValue = TagType.BOOL;
 * ```
 */
export type TagTypeValue = typeof TagType[keyof typeof TagType];

/**
 * Span reference types (`jaeger.SpanRefType`).
 *
 * @example
 * ```ts
 * import { SpanRefType } from "@spanwire/trace/exporters/jaeger";
 *
 * const kind = SpanRefType.FOLLOWS_FROM; // 1
 * ```
 */
export const SpanRefType = { CHILD_OF: 0, FOLLOWS_FROM: 1 } as const;

/**
 * `jaeger.Tag`: a typed key-value pair. Exactly the value field named by `vType` is normally
 * set; any optional field that is present is written, as Apache Thrift does.
 *
 * @example
 * ```ts
 * import { type JaegerTag, TagType } from "@spanwire/trace/exporters/jaeger";
 *
 * const tag: JaegerTag = { key: "component", vType: TagType.STRING, vStr: "trace_http" };
 * ```
 */
export interface JaegerTag {
  /** Field 1. */
  key: string;
  /** Field 2: a {@linkcode TagType} value (any i32 on the wire). */
  vType: number;
  /** Field 3 (optional). */
  vStr?: string | undefined;
  /** Field 4 (optional). */
  vDouble?: number | undefined;
  /** Field 5 (optional). */
  vBool?: boolean | undefined;
  /** Field 6 (optional). */
  vLong?: I64 | undefined;
  /** Field 7 (optional). */
  vBinary?: Uint8Array | undefined;
}

/**
 * `jaeger.Log`: timestamped fields (a span event).
 *
 * @example
 * ```ts
 * import { type JaegerLog, TagType } from "@spanwire/trace/exporters/jaeger";
 *
 * const log: JaegerLog = {
 *   timestamp: 1_700_000_000_000_000,
 *   fields: [{ key: "event", vType: TagType.STRING, vStr: "cache miss" }],
 * };
 * ```
 */
export interface JaegerLog {
  /** Field 1: microseconds since the epoch. */
  timestamp: I64;
  /** Field 2. */
  fields: JaegerTag[];
}

/**
 * `jaeger.SpanRef`: a reference to another span.
 *
 * @example
 * ```ts
 * import { type JaegerSpanRef, SpanRefType } from "@spanwire/trace/exporters/jaeger";
 *
 * const ref: JaegerSpanRef = {
 *   refType: SpanRefType.FOLLOWS_FROM, traceIdLow: 1, traceIdHigh: 0, spanId: 2,
 * };
 * ```
 */
export interface JaegerSpanRef {
  /** Field 1: a {@linkcode SpanRefType} value. */
  refType: number;
  /** Field 2. */
  traceIdLow: I64;
  /** Field 3. */
  traceIdHigh: I64;
  /** Field 4. */
  spanId: I64;
}

/**
 * `jaeger.Span`.
 *
 * @example
 * ```ts
 * import type { JaegerSpan } from "@spanwire/trace/exporters/jaeger";
 *
 * const span: JaegerSpan = {
 *   traceIdLow: 1, traceIdHigh: 0, spanId: 2, parentSpanId: 0,
 *   operationName: "GET /", flags: 1, startTime: 1_700_000_000_000_000, duration: 250,
 * };
 * ```
 */
export interface JaegerSpan {
  /** Field 1: the low 64 bits of the trace id. */
  traceIdLow: I64;
  /** Field 2: the high 64 bits of the trace id. */
  traceIdHigh: I64;
  /** Field 3. */
  spanId: I64;
  /** Field 4: 0 when there is no parent. */
  parentSpanId: I64;
  /** Field 5. */
  operationName: string;
  /** Field 6 (optional). */
  references?: JaegerSpanRef[] | undefined;
  /** Field 7: bit 0 = sampled, bit 1 = debug. */
  flags: number;
  /** Field 8: microseconds since the epoch. */
  startTime: I64;
  /** Field 9: microseconds. */
  duration: I64;
  /** Field 10 (optional). */
  tags?: JaegerTag[] | undefined;
  /** Field 11 (optional). */
  logs?: JaegerLog[] | undefined;
}

/**
 * `jaeger.Process`: the service that emits the spans.
 *
 * @example
 * ```ts
 * import { type JaegerProcess, TagType } from "@spanwire/trace/exporters/jaeger";
 *
 * const process: JaegerProcess = {
 *   serviceName: "iox-conductor",
 *   tags: [{ key: "hostname", vType: TagType.STRING, vStr: "host-1" }],
 * };
 * ```
 */
export interface JaegerProcess {
  /** Field 1. */
  serviceName: string;
  /** Field 2 (optional). */
  tags?: JaegerTag[] | undefined;
}

/**
 * `jaeger.ClientStats`: the client's cumulative losses, reported with each batch.
 *
 * @example
 * ```ts
 * import type { ClientStats } from "@spanwire/trace/exporters/jaeger";
 *
 * const stats: ClientStats = {
 *   fullQueueDroppedSpans: 0, tooLargeDroppedSpans: 0, failedToEmitSpans: 3,
 * };
 * ```
 */
export interface ClientStats {
  /** Field 1. */
  fullQueueDroppedSpans: I64;
  /** Field 2. */
  tooLargeDroppedSpans: I64;
  /** Field 3. */
  failedToEmitSpans: I64;
}

/**
 * `jaeger.Batch`: what one `emitBatch` call carries.
 *
 * @example
 * ```ts
 * import type { JaegerBatch } from "@spanwire/trace/exporters/jaeger";
 *
 * const batch: JaegerBatch = { process: { serviceName: "svc" }, spans: [], seqNo: 1 };
 * ```
 */
export interface JaegerBatch {
  /** Field 1. */
  process: JaegerProcess;
  /** Field 2. */
  spans: JaegerSpan[];
  /** Field 3 (optional): the batch's sequence number. */
  seqNo?: I64 | undefined;
  /** Field 4 (optional). */
  stats?: ClientStats | undefined;
}
