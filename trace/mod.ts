/**
 * The span model of IOx's `trace` crate: ids, {@linkcode SpanContext}, {@linkcode Span},
 * {@linkcode SpanRecorder}, clocks and collectors. Pure TypeScript, no I/O: it runs in Deno,
 * Node, Bun and browsers.
 *
 * @example Record a traced operation
 * ```ts
 * import { RingBufferTraceCollector, SpanContext, SpanRecorder } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const collector = new RingBufferTraceCollector(100);
 * const ctx = SpanContext.root(collector);
 * {
 *   using span = new SpanRecorder(ctx.child("GET /api/v2/query"));
 *   span.setMetadata("http.status_code", 200).ok();
 * }
 * assert.equal(collector.spans()[0]?.status, "ok");
 * ```
 *
 * @module
 */

export { type Clock, ManualClock, systemClock } from "./clock.ts";
export type { TraceCollector } from "./collector.ts";
export {
  type ContextFrame,
  type ContextStorage,
  contextStorage,
  currentFrame,
  currentSpanContext,
  currentSpanRecorder,
  installContextStorage,
  isTracingSuppressed,
  runWithFrame,
  withSpanContext,
  withSpanRecorder,
  withTracingSuppressed,
} from "./context_storage.ts";
export { SpanId, TraceId } from "./ids.ts";
export { formatSpanLine, LogTraceCollector } from "./log_collector.ts";
export { RingBufferTraceCollector } from "./ring_buffer_collector.ts";
export {
  Float,
  float,
  type MetadataInit,
  type MetadataValue,
  type MetadataView,
  Span,
  type SpanEvent,
  type SpanKind,
  type SpanStatus,
} from "./span.ts";
export { SpanContext, type SpanContextInit, type SpanLink } from "./span_context.ts";
export { SpanRecorder } from "./span_recorder.ts";
export {
  alwaysOff,
  alwaysOn,
  DEFAULT_SAMPLER,
  parentBased,
  rateLimiting,
  type Sampler,
  samplerFromEnv,
  traceIdRatio,
} from "./sampler.ts";
