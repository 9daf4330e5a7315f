// W3C Trace Context Level 2's random flag (0x02), which the API's TraceFlags does not name.
const RANDOM_TRACE_ID = 0x2;

// The one conversion between OpenTelemetry's span context (hex ids, trace flags, a TraceState
// object) and spanwire's `SpanContext` (id words, `sampled`, the `tracestate` string). Ids are
// formatted by the span model's `TraceId` / `SpanId`, and read here in one pass by the model's
// hex decoder (`hexWord`) into `fromParts`: the API's validity rule (exactly 32 / 16 hex digits,
// either case, not all zero, as its `isSpanContextValid` decides) is checked by the same pass
// that yields the words, so an id the API made valid is not scanned three times (the API's
// check, `parse`'s check, `parse`'s decoding) nor copied into padded strings and arrays.

import {
  createTraceState,
  type SpanContext as OtelSpanContext,
  TraceFlags,
} from "@opentelemetry/api";
import { hexWord } from "../trace/_hex.ts";
import { SpanId, TraceId } from "../trace/ids.ts";
import { SpanContext } from "../trace/span_context.ts";

/** The trace id of an API trace id (32 hex digits, not all zero), or `undefined`. */
export function traceIdOf(hex: unknown): TraceId | undefined {
  if (typeof hex !== "string" || hex.length !== 32) return undefined;
  const w0 = hexWord(hex, 0, 8, false);
  const w1 = hexWord(hex, 8, 16, false);
  const w2 = hexWord(hex, 16, 24, false);
  const w3 = hexWord(hex, 24, 32, false);
  if (w0 < 0 || w1 < 0 || w2 < 0 || w3 < 0 || (w0 | w1 | w2 | w3) === 0) return undefined;
  return TraceId.fromParts(w0, w1, w2, w3);
}

/** The span id of an API span id (16 hex digits, not all zero), or `undefined`. */
export function spanIdOf(hex: unknown): SpanId | undefined {
  if (typeof hex !== "string" || hex.length !== 16) return undefined;
  const hi = hexWord(hex, 0, 8, false);
  const lo = hexWord(hex, 8, 16, false);
  if (hi < 0 || lo < 0 || (hi | lo) === 0) return undefined;
  return SpanId.fromParts(hi, lo);
}

/** What spanwire takes from a valid OpenTelemetry span context (a parent's, a link's). */
export interface OtelSpanContextFields {
  /** The trace id. */
  readonly traceId: TraceId;
  /** The span id. */
  readonly spanId: SpanId;
  /** The `traceFlags` sampled bit. */
  readonly sampled: boolean;
  /** The serialized `traceState`, `undefined` when none or empty. */
  readonly traceState: string | undefined;
  /** The `traceFlags` W3C Level 2 random bit. */
  readonly randomTraceId: boolean;
}

/**
 * The fields of an OpenTelemetry span context, or `undefined` when it is not valid (zero or
 * malformed ids), as the API's `isSpanContextValid` decides. A plain record: a parent needs no
 * `SpanContext` of its own (`SpanContext` has these fields too, so spanwire's own serve as is).
 */
export function readOtelSpanContext(sc: OtelSpanContext): OtelSpanContextFields | undefined {
  const traceId = traceIdOf(sc.traceId);
  if (traceId === undefined) return undefined;
  const spanId = spanIdOf(sc.spanId);
  if (spanId === undefined) return undefined;
  const traceState = sc.traceState?.serialize();
  return {
    traceId,
    spanId,
    sampled: (sc.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
    traceState: traceState === undefined || traceState.length === 0 ? undefined : traceState,
    randomTraceId: (sc.traceFlags & RANDOM_TRACE_ID) === RANDOM_TRACE_ID,
  };
}

/**
 * spanwire's context for an OpenTelemetry span context, or `undefined` when it is not valid
 * (see {@linkcode readOtelSpanContext}).
 */
export function fromOtelSpanContext(sc: OtelSpanContext): SpanContext | undefined {
  const fields = readOtelSpanContext(sc);
  return fields === undefined ? undefined : new SpanContext(fields);
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
