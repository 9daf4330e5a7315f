// Which span context belongs to which request object. The context is kept on the request
// itself under a module-private symbol (no WeakMap: a WeakMap entry per request costs the
// garbage collector ephemeron work on every cycle); a frozen request falls back to a WeakMap.
// Shared by the fetch-style middleware and the Node adapter.

import type { SpanContext } from "../trace/span_context.ts";

const CONTEXT: unique symbol = Symbol("spanwire.spanContext");
const frozen = new WeakMap<object, SpanContext>();

type Carrier = { [CONTEXT]?: SpanContext };

/** Remembers `ctx` as the span context of `request`. */
export function setSpanContext(request: object, ctx: SpanContext): void {
  if (Object.isExtensible(request)) (request as Carrier)[CONTEXT] = ctx;
  else frozen.set(request, ctx);
}

/** The span context remembered for `request`, if any. */
export function getSpanContext(request: object): SpanContext | undefined {
  if (request === null || typeof request !== "object") return undefined;
  return (request as Carrier)[CONTEXT] ?? frozen.get(request);
}
