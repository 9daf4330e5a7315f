/**
 * {@linkcode SpanwireContextManager}: OpenTelemetry's `ContextManager` whose active context IS
 * spanwire's current context: one storage, two views.
 *
 * @module
 */

import {
  type Context,
  type ContextManager,
  ROOT_CONTEXT,
  type Span as OtelSpanApi,
  trace,
} from "@opentelemetry/api";
import { type ContextFrame, currentFrame, runWithFrame } from "../trace/context_storage.ts";
import type { SpanContext } from "../trace/span_context.ts";
import type { SpanRecorder } from "../trace/span_recorder.ts";
import { OtelSpan } from "./_otel_span.ts";
import { spanwireContextOf } from "./_parent.ts";
import { isSuppressed, SUPPRESS_TRACING_KEY } from "./_suppress.ts";

/**
 * What this layer keeps in a frame's `foreign` slot: its context, the span it was for and
 * whether it suppresses tracing.
 */
class ForeignContext {
  readonly context: Context;
  readonly spanContext: SpanContext | undefined;
  readonly suppressed: boolean;
  constructor(context: Context, spanContext: SpanContext | undefined, suppressed: boolean) {
    this.context = context;
    this.spanContext = spanContext;
    this.suppressed = suppressed;
  }
}

/**
 * OpenTelemetry's view of frames that spanwire made (`withSpanContext`, `withSpanRecorder`,
 * the server layers), derived once per frame.
 */
const derived = new WeakMap<ContextFrame, Context>();

function spanOfFrame(frame: ContextFrame, ctx: SpanContext): OtelSpanApi {
  const recorder = frame.recorder;
  const span = recorder?.span;
  if (recorder !== undefined && span !== undefined && span.ctx === ctx) {
    return new OtelSpan(ctx, span, false, recorder);
  }
  return new OtelSpan(ctx, undefined);
}

function derive(frame: ContextFrame): Context {
  let context = derived.get(frame);
  if (context !== undefined) return context;
  const foreign = frame.foreign;
  const base = foreign instanceof ForeignContext ? foreign.context : ROOT_CONTEXT;
  const ctx = frame.spanContext;
  context = ctx === undefined
    ? trace.deleteSpan(base)
    : trace.setSpan(base, spanOfFrame(frame, ctx));
  // The frame decides: `withTracingSuppressed` sets the SDK's key, a frame that is not
  // suppressed (a server layer's, inside a suppressed one) clears it.
  context = frame.suppressed === true
    ? context.setValue(SUPPRESS_TRACING_KEY, true)
    : context.deleteValue(SUPPRESS_TRACING_KEY);
  derived.set(frame, context);
  return context;
}

/**
 * OpenTelemetry's `ContextManager` over spanwire's context storage (the
 * `AsyncLocalStorage` that `@spanwire/trace/context` installs, or any storage installed
 * with `installContextStorage`): there is one active context, not two that drift apart.
 *
 * - `context.with(ctx, fn)` (and so `startActiveSpan`) runs `fn` in a spanwire frame whose
 *   span context is the OpenTelemetry span's, so `currentSpanContext()` sees it, and
 *   `tracedFetch`, `SpanRecorder` children and any spanwire code below follow it.
 * - `withSpanContext` / `withSpanRecorder` and the server layers make frames that
 *   `context.active()` reads back: `trace.getActiveSpan()` is a span over the same context, and
 *   over the server span's recorder inside `traceLayer` (so `setAttribute`, `updateName` and
 *   `recordException` reach the server span; `end()` is left to the layer). Other values of
 *   the OpenTelemetry context (baggage) flow through spanwire's frames unchanged.
 * - Suppressed tracing is one notion in both views: inside spanwire's
 *   `withTracingSuppressed`, `context.active()` carries the SDK's `SUPPRESS_TRACING` key
 *   (`isTracingSuppressed` of `@opentelemetry/core` is `true`, so instrumentations make no
 *   span); a context with that key, entered with `context.with`, makes a suppressed spanwire
 *   frame (`tracedFetch` makes no span in it).
 * - `bind` binds functions; event emitters are returned unbound (their listeners run in the
 *   context current when they fire).
 *
 * `register()` installs it; install it yourself with the API's `context.setGlobalContextManager`.
 *
 * @example One active context, seen from both APIs
 * ```ts
 * import { SpanwireContextManager, SpanwireTracerProvider } from "@spanwire/trace/otel";
 * import { currentSpanContext } from "@spanwire/trace/context";
 * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
 * import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
 * import assert from "node:assert/strict";
 *
 * const manager = new SpanwireContextManager();
 * const tracer = new SpanwireTracerProvider({ collector: new RingBufferTraceCollector(4) })
 *   .getTracer("example");
 * const span = tracer.startSpan("work");
 * await manager.with(trace.setSpan(ROOT_CONTEXT, span), async () => {
 *   await new Promise((resolve) => setTimeout(resolve, 1));
 *   assert.equal(currentSpanContext()?.spanId.toString(), span.spanContext().spanId);
 *   assert.equal(trace.getSpan(manager.active()), span);
 * });
 * span.end();
 * ```
 */
export class SpanwireContextManager implements ContextManager {
  #enabled = true;

  /**
   * The active context: spanwire's current frame, seen as an OpenTelemetry context.
   *
   * @returns The context (`ROOT_CONTEXT` outside any).
   */
  active(): Context {
    if (!this.#enabled) return ROOT_CONTEXT;
    const frame = currentFrame();
    if (frame === undefined) return ROOT_CONTEXT;
    const foreign = frame.foreign;
    if (
      foreign instanceof ForeignContext && foreign.spanContext === frame.spanContext &&
      foreign.suppressed === (frame.suppressed === true)
    ) {
      return foreign.context;
    }
    return derive(frame);
  }

  /**
   * Runs `fn` with `context` active (spanwire's current span becomes its span).
   *
   * @typeParam A The function's arguments.
   * @typeParam F The function.
   * @param context The context.
   * @param fn The function.
   * @param thisArg `this` for `fn`.
   * @param args Arguments for `fn`.
   * @returns What `fn` returned.
   */
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    if (!this.#enabled) return fn.call(thisArg, ...args);
    const span = trace.getSpan(context);
    const spanContext = span === undefined ? undefined : spanwireContextOf(span);
    const recorder: SpanRecorder | undefined = span instanceof OtelSpan ? span.recorder : undefined;
    const suppressed = isSuppressed(context);
    return runWithFrame(
      {
        spanContext,
        recorder,
        foreign: new ForeignContext(context, spanContext, suppressed),
        suppressed,
      },
      () => fn.call(thisArg, ...args),
    );
  }

  /**
   * Binds a function to `context`: it runs with `context` active wherever it is called.
   * Anything else is returned as it is.
   *
   * @typeParam T The target.
   * @param context The context.
   * @param target The function.
   * @returns The bound function, or `target`.
   */
  bind<T>(context: Context, target: T): T {
    if (typeof target !== "function") return target;
    // deno-lint-ignore no-this-alias
    const manager = this;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    const bound = function (this: unknown, ...args: unknown[]): unknown {
      return manager.with(context, () => fn.apply(this, args));
    };
    Object.defineProperty(bound, "length", { value: fn.length, configurable: true });
    return bound as unknown as T;
  }

  /**
   * Enables the manager (it starts enabled).
   *
   * @returns This manager.
   */
  enable(): this {
    this.#enabled = true;
    return this;
  }

  /**
   * Disables the manager: `active()` is the root context and `with` just calls.
   *
   * @returns This manager.
   */
  disable(): this {
    this.#enabled = false;
    return this;
  }
}
