// W3C Trace Context Level 2's random flag (0x02), which the API's TraceFlags does not name.
const RANDOM_TRACE_ID = 0x2;

// The one conversion between OpenTelemetry's span context (hex ids, trace flags, a TraceState
// object) and spanwire's `SpanContext` (id words, `sampled`, the `tracestate` string). Ids are
// parsed and formatted by the span model's `TraceId` / `SpanId`, nowhere else.

import {
  createTraceState,
  isSpanContextValid,
  type SpanContext as OtelSpanContext,
  TraceFlags,
} from "@opentelemetry/api";
import { SpanId, TraceId } from "../trace/ids.ts";
import { SpanContext } from "../trace/span_context.ts";

/**
 * spanwire's context for an OpenTelemetry span context, or `undefined` when it is not valid
 * (zero or malformed ids), as the API's `isSpanContextValid` decides.
 */
export function fromOtelSpanContext(sc: OtelSpanContext): SpanContext | undefined {
  if (!isSpanContextValid(sc)) return undefined;
  const traceState = sc.traceState?.serialize();
  return new SpanContext({
    traceId: TraceId.parse(sc.traceId),
    spanId: SpanId.parse(sc.spanId),
    sampled: (sc.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
    traceState: traceState === undefined || traceState.length === 0 ? undefined : traceState,
    randomTraceId: (sc.traceFlags & RANDOM_TRACE_ID) === RANDOM_TRACE_ID,
  });
}

/** OpenTelemetry's span context for spanwire's. */
export function toOtelSpanContext(ctx: SpanContext, isRemote: boolean): OtelSpanContext {
  const sc: OtelSpanContext = {
    traceId: ctx.traceId.toString(),
    spanId: ctx.spanId.toString(),
    traceFlags: (ctx.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE) |
      (ctx.randomTraceId ? RANDOM_TRACE_ID : 0),
    isRemote,
  };
  if (ctx.traceState !== undefined) sc.traceState = createTraceState(ctx.traceState);
  return sc;
}
