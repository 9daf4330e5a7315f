/**
 * The implicit context seam: which span is current, as the code runs.
 *
 * The span model itself stays explicit (a {@linkcode SpanContext} is handed to whatever makes
 * a child), and this module adds one optional place where the current one can be kept and
 * found again: a {@linkcode ContextStorage}. It holds one {@linkcode ContextFrame} at a time,
 * the active frame, and runs a function with another frame active.
 *
 * - Pure: no `node:` imports, so it runs anywhere (browsers included). The storage installed
 *   until something else is installed is a synchronous one: a frame is active while the
 *   function given to {@linkcode runWithFrame} runs synchronously, and is gone after its first
 *   `await` (continuations see whatever frame is active when they run, usually none).
 * - `@spanwire/trace/context` (the `./context` entry point) installs a storage built on
 *   `AsyncLocalStorage` from `node:async_hooks` (Deno, Node and Bun) when it is imported: from
 *   then on the active frame follows the code through `await`, timers, promise chains and
 *   streamed bodies.
 * - Explicit passing keeps working everywhere: every API that reads the current context
 *   (`tracedFetch`, the server layers) takes an explicit one first.
 *
 * ## The frame, and how a second layer plugs in
 *
 * A frame holds three things, read-only once made:
 *
 * - `spanContext`: the current span's context (what {@linkcode currentSpanContext} returns);
 * - `recorder`: the recorder of the current span, when the code that made the frame owns one
 *   (the server layers put the server span's recorder here, see
 *   {@linkcode currentSpanRecorder});
 * - `foreign`: an opaque value owned by another context layer, never read by spanwire. An
 *   OpenTelemetry `ContextManager` keeps its `Context` here, so that there is ONE active
 *   context shared by both APIs rather than two storages that drift apart;
 * - `suppressed` (optional): tracing is suppressed while the frame is active (see
 *   {@linkcode withTracingSuppressed}): spanwire's helpers make no span and inject no header,
 *   and the OpenTelemetry layer shows it as the SDK's `SUPPRESS_TRACING` context key.
 *
 * Rules a second layer relies on:
 *
 * 1. It reads the active frame with {@linkcode currentFrame} and runs code with a full frame
 *    of its own making with {@linkcode runWithFrame} (for instance
 *    `runWithFrame({ spanContext, recorder: undefined, foreign: otelContext }, fn)`), so a
 *    span it activates is also spanwire's current span.
 * 2. spanwire's own helpers ({@linkcode withSpanContext}, {@linkcode withSpanRecorder}) make
 *    a new frame that keeps the enclosing frame's `foreign` and `suppressed` values unchanged (baggage and other
 *    values of the other layer flow through) but changes `spanContext`. A layer therefore tells
 *    that its value is out of date by comparing: if the span context its `foreign` value was
 *    made for is not `frame.spanContext` (compare by identity), spanwire moved the current
 *    span on, and the layer derives its view from `frame.spanContext` (for OpenTelemetry:
 *    the stored `Context` with its span replaced by one wrapping `frame.spanContext`).
 * 3. Nothing else is stored anywhere: the storage is the single source of truth, and
 *    installing another storage ({@linkcode installContextStorage}) switches both layers.
 *
 * @example Explicit frames work without any storage installed (synchronously)
 * ```ts
 * import { currentSpanContext, SpanContext, withSpanContext } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const ctx = SpanContext.root();
 * const seen = withSpanContext(ctx, () => currentSpanContext());
 * assert.equal(seen, ctx);
 * ```
 *
 * @module
 */

import type { SpanContext } from "./span_context.ts";
import type { SpanRecorder } from "./span_recorder.ts";

/**
 * One active context: the current span's context, its recorder (when known) and an opaque
 * value of another context layer. See the module documentation for how layers share it.
 *
 * @example
 * ```ts
 * import { type ContextFrame, SpanContext } from "@spanwire/trace/trace";
 *
 * const frame: ContextFrame = {
 *   spanContext: SpanContext.root(),
 *   recorder: undefined,
 *   foreign: undefined,
 * };
 * ```
 */
export interface ContextFrame {
  /** The current span's context, if any. */
  readonly spanContext: SpanContext | undefined;
  /** The current span's recorder, when the code that made the frame owns one. */
  readonly recorder: SpanRecorder | undefined;
  /**
   * A value owned by another context layer (an OpenTelemetry `Context`); spanwire never reads
   * it, and carries it unchanged into the frames its helpers make.
   */
  readonly foreign: unknown;
  /**
   * `true` while tracing is suppressed (inside {@linkcode withTracingSuppressed}, or an
   * OpenTelemetry context with the SDK's suppression key); absent or `false` otherwise.
   * spanwire's helpers carry it into the frames they make.
   */
  readonly suppressed?: boolean | undefined;
}

/**
 * Where the active {@linkcode ContextFrame} is kept. Implementations: the synchronous default
 * of this module, and the `AsyncLocalStorage` one that `@spanwire/trace/context` installs.
 *
 * @example A storage that only remembers the last frame (synchronous, like the default)
 * ```ts
 * import { type ContextFrame, type ContextStorage } from "@spanwire/trace/trace";
 *
 * let active: ContextFrame | undefined;
 * const storage: ContextStorage = {
 *   name: "example",
 *   getFrame: () => active,
 *   run(frame, fn) {
 *     const previous = active;
 *     active = frame;
 *     try {
 *       return fn();
 *     } finally {
 *       active = previous;
 *     }
 *   },
 * };
 * ```
 */
export interface ContextStorage {
  /** What the storage is (`"synchronous"`, `"AsyncLocalStorage"`, ...), for diagnostics. */
  readonly name: string;
  /**
   * The active frame.
   *
   * @returns The frame, or `undefined` outside any.
   */
  getFrame(): ContextFrame | undefined;
  /**
   * Runs `fn` with `frame` active (and, for an asynchronous storage, every continuation
   * created inside it), then restores the previous frame.
   *
   * @typeParam R The function's result.
   * @param frame The frame to make active (`undefined`: none).
   * @param fn The function.
   * @returns What `fn` returned.
   */
  run<R>(frame: ContextFrame | undefined, fn: () => R): R;
}

/** The default storage: a frame is active only while `run`'s function runs synchronously. */
class SynchronousContextStorage implements ContextStorage {
  readonly name = "synchronous";
  #active: ContextFrame | undefined = undefined;

  getFrame(): ContextFrame | undefined {
    return this.#active;
  }

  run<R>(frame: ContextFrame | undefined, fn: () => R): R {
    const previous = this.#active;
    this.#active = frame;
    try {
      return fn();
    } finally {
      this.#active = previous;
    }
  }
}

const synchronous = new SynchronousContextStorage();
let storage: ContextStorage = synchronous;

/**
 * Installs the storage that keeps the active frame, replacing the one installed before.
 * `@spanwire/trace/context` calls this on import; call it yourself only to plug in another
 * mechanism (a zone, a future `AsyncContext`). `undefined` restores the synchronous default.
 *
 * @param next The storage, or `undefined` for the default.
 * @returns The storage installed before.
 *
 * @example
 * ```ts
 * import { contextStorage, installContextStorage } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const before = installContextStorage(undefined);
 * assert.equal(contextStorage().name, "synchronous");
 * installContextStorage(before);
 * ```
 */
export function installContextStorage(next: ContextStorage | undefined): ContextStorage {
  const previous = storage;
  storage = next ?? synchronous;
  return previous;
}

/**
 * The storage installed now.
 *
 * @returns The storage.
 *
 * @example
 * ```ts
 * import { contextStorage } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typeof contextStorage().name, "string");
 * ```
 */
export function contextStorage(): ContextStorage {
  return storage;
}

/**
 * The active frame, for a layer that shares the context (see the module documentation).
 *
 * @returns The frame, or `undefined` outside any.
 *
 * @example
 * ```ts
 * import { currentFrame, runWithFrame, SpanContext } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const frame = { spanContext: SpanContext.root(), recorder: undefined, foreign: "otel" };
 * assert.equal(runWithFrame(frame, () => currentFrame()), frame);
 * ```
 */
export function currentFrame(): ContextFrame | undefined {
  return storage.getFrame();
}

/**
 * Runs `fn` with a whole frame active: how a second context layer (OpenTelemetry's
 * `ContextManager.with`) makes its context and spanwire's current span one.
 *
 * @typeParam R The function's result.
 * @param frame The frame (`undefined`: none).
 * @param fn The function.
 * @returns What `fn` returned.
 *
 * @example
 * ```ts
 * import { currentFrame, currentSpanContext, runWithFrame, SpanContext } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const spanContext = SpanContext.root();
 * runWithFrame({ spanContext, recorder: undefined, foreign: { mine: true } }, () => {
 *   assert.equal(currentSpanContext(), spanContext);
 *   assert.deepEqual(currentFrame()?.foreign, { mine: true });
 * });
 * ```
 */
export function runWithFrame<R>(frame: ContextFrame | undefined, fn: () => R): R {
  return storage.run(frame, fn);
}

/**
 * The current span's context: the one the innermost {@linkcode withSpanContext} (or a server
 * layer, or another layer's frame) made current, or `undefined`.
 *
 * Across `await` this needs the asynchronous storage: import `@spanwire/trace/context` once
 * (it installs it); without it the context is seen only synchronously.
 *
 * @returns The context, if any.
 *
 * @example
 * ```ts
 * import { currentSpanContext } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * assert.equal(currentSpanContext(), undefined);
 * ```
 */
export function currentSpanContext(): SpanContext | undefined {
  return storage.getFrame()?.spanContext;
}

/**
 * The current span's recorder, when the code that made the context current owns one: inside
 * a handler wrapped by `traceLayer` or `traceNodeListener`, the server span's recorder (to set
 * metadata, rename the span after its route, record an exception); inside
 * {@linkcode withSpanRecorder}, the recorder given. `undefined` otherwise (an untraced
 * request, or inside {@linkcode withSpanContext}).
 *
 * @returns The recorder, if any.
 *
 * @example
 * ```ts
 * import { currentSpanRecorder, SpanContext, SpanRecorder, withSpanRecorder } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const recorder = new SpanRecorder(SpanContext.root().child("job"));
 * withSpanRecorder(recorder, () => {
 *   currentSpanRecorder()?.setMetadata("rows", 3);
 * });
 * assert.equal(recorder.span?.metadata.get("rows"), 3);
 * ```
 */
export function currentSpanRecorder(): SpanRecorder | undefined {
  return storage.getFrame()?.recorder;
}

/**
 * Runs `fn` with `ctx` as the current span context (and no current recorder). The enclosing
 * frame's `foreign` value is kept. `undefined` runs `fn` outside any span.
 *
 * @typeParam R The function's result.
 * @param ctx The context to make current.
 * @param fn The function; with `@spanwire/trace/context` imported, everything it starts
 *   (awaits, timers, promise chains) sees `ctx` too.
 * @returns What `fn` returned.
 *
 * @example
 * ```ts
 * import { currentSpanContext, SpanContext, withSpanContext } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const outer = SpanContext.root();
 * const inner = outer.child("step").ctx;
 * withSpanContext(outer, () => {
 *   withSpanContext(inner, () => assert.equal(currentSpanContext(), inner));
 *   assert.equal(currentSpanContext(), outer);
 * });
 * ```
 */
export function withSpanContext<R>(ctx: SpanContext | undefined, fn: () => R): R {
  const s = storage;
  const frame = s.getFrame();
  return s.run(
    {
      spanContext: ctx,
      recorder: undefined,
      foreign: frame?.foreign,
      suppressed: frame?.suppressed,
    },
    fn,
  );
}

/**
 * Runs `fn` with `recorder`'s span current: its context is {@linkcode currentSpanContext} and
 * the recorder {@linkcode currentSpanRecorder}. A no-op recorder (no span) keeps the enclosing
 * span context (an unsampled decision, say) and makes itself the current recorder. The
 * enclosing frame's `foreign` value is kept.
 *
 * @typeParam R The function's result.
 * @param recorder The recorder.
 * @param fn The function.
 * @returns What `fn` returned.
 *
 * @example
 * ```ts
 * import { currentSpanContext, SpanContext, SpanRecorder, withSpanRecorder } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * using step = new SpanRecorder(SpanContext.root().child("step"));
 * withSpanRecorder(step, () => assert.equal(currentSpanContext(), step.span?.ctx));
 * ```
 */
export function withSpanRecorder<R>(recorder: SpanRecorder, fn: () => R): R {
  const s = storage;
  const frame = s.getFrame();
  const spanContext = recorder.span?.ctx ?? frame?.spanContext;
  return s.run(
    { spanContext, recorder, foreign: frame?.foreign, suppressed: frame?.suppressed },
    fn,
  );
}

/**
 * Runs `fn` with tracing suppressed: the active frame is kept (same span context, recorder
 * and `foreign` value) but marked `suppressed`. Inside it, and (with
 * `@spanwire/trace/context` imported) in everything it starts:
 *
 * - `tracedFetch` makes no client span and injects no trace context header: the call goes to
 *   fetch untouched, as OpenTelemetry's http instrumentation neither records nor injects when
 *   tracing is suppressed;
 * - with `@spanwire/trace/otel` registered, `context.active()` carries the OpenTelemetry SDK's
 *   `SUPPRESS_TRACING` key (`isTracingSuppressed` of `@opentelemetry/core` is `true`), so
 *   instrumentations (`@opentelemetry/instrumentation-http`) and spanwire's tracer make no
 *   span.
 *
 * spanwire's exporters run their own requests this way, so that an instrumented HTTP client
 * does not trace the export of spans (a feedback loop).
 *
 * @typeParam R The function's result.
 * @param fn The function.
 * @returns What `fn` returned.
 *
 * @example
 * ```ts
 * import { isTracingSuppressed, withTracingSuppressed } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isTracingSuppressed(), false);
 * assert.equal(withTracingSuppressed(() => isTracingSuppressed()), true);
 * ```
 */
export function withTracingSuppressed<R>(fn: () => R): R {
  const s = storage;
  const frame = s.getFrame();
  if (frame?.suppressed === true) return fn();
  return s.run({
    spanContext: frame?.spanContext,
    recorder: frame?.recorder,
    foreign: frame?.foreign,
    suppressed: true,
  }, fn);
}

/**
 * Whether tracing is suppressed in the active frame (see {@linkcode withTracingSuppressed}).
 *
 * @returns `true` inside a suppressed frame.
 *
 * @example
 * ```ts
 * import { isTracingSuppressed } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isTracingSuppressed(), false);
 * ```
 */
export function isTracingSuppressed(): boolean {
  return storage.getFrame()?.suppressed === true;
}
