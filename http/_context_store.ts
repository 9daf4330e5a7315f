// Which span context belongs to which request object: a WeakMap, so a request's context goes
// away with the request. Shared by the fetch-style middleware and the Node adapter.

import type { SpanContext } from "../trace/span_context.ts";

const contexts = new WeakMap<object, SpanContext>();

/** Remembers `ctx` as the span context of `request`. */
export function setSpanContext(request: object, ctx: SpanContext): void {
  contexts.set(request, ctx);
}

/** The span context remembered for `request`, if any. */
export function getSpanContext(request: object): SpanContext | undefined {
  return contexts.get(request);
}
