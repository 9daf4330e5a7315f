// spanwire's context of an OpenTelemetry span: ours, its context as is; another's (a remote
// context another propagator extracted, `trace.wrapSpanContext`), converted each time (for a
// parent, only into the fields a child takes: no `SpanContext` is made for it). No cache
// keyed by the span context: a WeakMap entry per request costs the garbage collector ephemeron
// work on every cycle, and such a context usually parents one span.

import type { Span as OtelSpanApi, SpanContext as OtelSpanContext } from "@opentelemetry/api";
import type { SpanContext } from "../trace/span_context.ts";
import { OtelSpan } from "./_otel_span.ts";
import {
  fromOtelSpanContext,
  type OtelSpanContextFields,
  readOtelSpanContext,
} from "./_span_context.ts";

/** What a child takes from its parent: ours, its context; another's, its fields. */
export function parentOf(span: OtelSpanApi): OtelSpanContextFields | undefined {
  return span instanceof OtelSpan ? span.ctx : convertForeign(span, readOtelSpanContext);
}

/** `convert` of a foreign span's span context, `undefined` when either step fails. */
function convertForeign<T>(span: OtelSpanApi, convert: (sc: OtelSpanContext) => T): T | undefined {
  const sc = spanContextOf(span);
  if (sc === undefined) return undefined;
  try {
    return convert(sc);
  } catch {
    return undefined;
  }
}

/** A foreign span's span context, `undefined` when asking for it throws or gives no object. */
function spanContextOf(span: OtelSpanApi): OtelSpanContext | undefined {
  let sc: OtelSpanContext;
  try {
    sc = span.spanContext();
  } catch {
    return undefined;
  }
  return sc === null || typeof sc !== "object" ? undefined : sc;
}

/** spanwire's context of `span`, or `undefined` when its span context is not valid. */
export function spanwireContextOf(span: OtelSpanApi): SpanContext | undefined {
  return span instanceof OtelSpan ? span.ctx : convertForeign(span, fromOtelSpanContext);
}
