// Which context frame belongs to which request object: the frame the handler runs in (the
// server span's context and recorder, or the context to propagate untraced). It is kept on
// the request itself under a module-private symbol (no WeakMap: a WeakMap entry per request
// costs the garbage collector ephemeron work on every cycle); a frozen request falls back to
// a WeakMap. Shared by the fetch-style middleware and the Node adapter.

import type { ContextFrame } from "../trace/context_storage.ts";

const FRAME: unique symbol = Symbol("spanwire.contextFrame");
const frozen = new WeakMap<object, ContextFrame>();

type Carrier = { [FRAME]?: ContextFrame };

/** Remembers `frame` as the context frame of `request`. */
export function setRequestFrame(request: object, frame: ContextFrame): void {
  if (Object.isExtensible(request)) (request as Carrier)[FRAME] = frame;
  else frozen.set(request, frame);
}

/** The context frame remembered for `request`, if any. */
export function getRequestFrame(request: object): ContextFrame | undefined {
  if (request === null || typeof request !== "object") return undefined;
  return (request as Carrier)[FRAME] ?? frozen.get(request);
}
