/**
 * Implicit context: the current span follows the code. Importing this entry point installs a
 * context storage built on `AsyncLocalStorage` (`node:async_hooks`, available in Deno, Node
 * and Bun) into spanwire's context seam, so that the span context made current by
 * {@linkcode withSpanContext} (or by `traceLayer` / `traceNodeListener` around a handler)
 * survives `await`, timers, promise chains and streamed bodies, and
 * {@linkcode currentSpanContext} finds it anywhere below.
 *
 * Everything that reads the current context (`tracedFetch` without a `spanContext`, the
 * server layers) lives in the runtime-neutral entry points and works without this one; only
 * the asynchronous storage needs `node:async_hooks`, so a browser build simply does not
 * import it (there, the context is seen synchronously, and explicit passing works as
 * always).
 *
 * Import it once, early (the module that starts the server is a good place): the storage is
 * installed for the whole process.
 *
 * A second context layer (an OpenTelemetry `ContextManager`) shares the one active context
 * through {@linkcode currentFrame} and {@linkcode runWithFrame}: see the documentation of
 * `@spanwire/trace/trace`'s `context_storage` module, re-exported here.
 *
 * @example Children made from the current context, across awaits and timers
 * ```ts
 * import { currentSpanContext, withSpanContext } from "@spanwire/trace/context";
 * import { RingBufferTraceCollector, SpanContext, SpanRecorder } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const collector = new RingBufferTraceCollector(10);
 * const root = SpanContext.root(collector);
 *
 * async function step(name: string): Promise<void> {
 *   await new Promise((resolve) => setTimeout(resolve, 1));
 *   using span = new SpanRecorder(currentSpanContext()?.child(name));
 *   span.ok();
 * }
 *
 * await withSpanContext(root, async () => {
 *   await step("first");
 *   await Promise.all([step("second"), step("third")]);
 * });
 * assert.equal(currentSpanContext(), undefined);
 * assert.equal(collector.spans().length, 3);
 * for (const span of collector.spans()) assert.ok(span.ctx.parentSpanId?.equals(root.spanId));
 * ```
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import {
  type ContextFrame,
  type ContextStorage,
  installContextStorage,
} from "../trace/context_storage.ts";

/** The `AsyncLocalStorage` storage: one instance per process, shared by every layer. */
class AsyncLocalContextStorage implements ContextStorage {
  readonly name = "AsyncLocalStorage";
  readonly #als = new AsyncLocalStorage<ContextFrame | undefined>();

  getFrame(): ContextFrame | undefined {
    return this.#als.getStore();
  }

  run<R>(frame: ContextFrame | undefined, fn: () => R): R {
    return this.#als.run(frame, fn);
  }
}

installContextStorage(new AsyncLocalContextStorage());

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
} from "../trace/context_storage.ts";
