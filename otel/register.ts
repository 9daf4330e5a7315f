/**
 * {@linkcode register}: makes spanwire the process's OpenTelemetry implementation.
 *
 * @module
 */

import { context, propagation, trace } from "@opentelemetry/api";
// Installs the AsyncLocalStorage context storage (Deno, Node, Bun) when first imported.
import "../context/mod.ts";
import { contextStorage } from "../trace/context_storage.ts";
import { SpanwireContextManager } from "./context_manager.ts";
import { SpanwirePropagator, type SpanwirePropagatorOptions } from "./propagator.ts";
import { SpanwireTracerProvider, type SpanwireTracerProviderOptions } from "./tracer_provider.ts";

/**
 * Options of {@linkcode register}: the provider's, and the propagator's.
 *
 * @example
 * ```ts
 * import type { RegisterOptions } from "@spanwire/trace/otel";
 * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
 *
 * const options: RegisterOptions = {
 *   collector: new RingBufferTraceCollector(100),
 *   propagator: { inject: ["w3c"] },
 * };
 * ```
 */
export interface RegisterOptions extends SpanwireTracerProviderOptions {
  /** The propagator's formats, or `false` to leave the global propagator alone. */
  propagator?: SpanwirePropagatorOptions | false;
}

/**
 * What {@linkcode register} installed, and how to take it back.
 *
 * @example
 * ```ts
 * import { register, type Registration } from "@spanwire/trace/otel";
 *
 * const registration: Registration = register({ collector: undefined });
 * registration.unregister();
 * ```
 */
export interface Registration {
  /** The global tracer provider. */
  readonly provider: SpanwireTracerProvider;
  /** The global context manager. */
  readonly contextManager: SpanwireContextManager;
  /** The global propagator, unless `propagator: false`. */
  readonly propagator: SpanwirePropagator | undefined;
  /** Removes the globals again (the API's `disable()` of trace, context and propagation). */
  unregister(): void;
}

/**
 * Installs spanwire as OpenTelemetry's implementation for the whole process:
 *
 * - the global tracer provider, a {@linkcode SpanwireTracerProvider} with `options`;
 * - the global context manager, a {@linkcode SpanwireContextManager} over spanwire's context
 *   storage, with the `AsyncLocalStorage` storage of `@spanwire/trace/context` (installed when
 *   `@spanwire/trace/otel` is imported): `currentSpanContext()` and
 *   `trace.getActiveSpan()` see one active context, through `await` too;
 * - the global propagator, a {@linkcode SpanwirePropagator} (W3C, Jaeger and B3 with spanwire's
 *   parser and formats), unless `propagator: false`.
 *
 * Call it once at start-up, before the instrumented libraries run. It throws when the API
 * already has a global provider, context manager or propagator (from another SDK), leaving
 * nothing half-installed.
 *
 * @param options The collector and the other options of the provider and propagator.
 * @returns What was installed, with `unregister()`.
 * @throws {Error} If OpenTelemetry globals are already registered.
 *
 * @example Code that knows only @opentelemetry/api records into spanwire
 * ```ts
 * import { register } from "@spanwire/trace/otel";
 * import { currentSpanContext } from "@spanwire/trace/context";
 * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
 * import { trace } from "@opentelemetry/api";
 * import assert from "node:assert/strict";
 *
 * const collector = new RingBufferTraceCollector(10);
 * const registration = register({ collector });
 * const tracer = trace.getTracer("app");
 * await tracer.startActiveSpan("request", async (request) => {
 *   await tracer.startActiveSpan("query", async (query) => {
 *     await new Promise((resolve) => setTimeout(resolve, 1));
 *     assert.equal(currentSpanContext()?.spanId.toString(), query.spanContext().spanId);
 *     query.end();
 *   });
 *   request.end();
 * });
 * registration.unregister();
 * const [query, request] = collector.spans();
 * assert.ok(query?.ctx.parentSpanId?.equals(request?.ctx.spanId));
 * ```
 */
export function register(options: RegisterOptions): Registration {
  const provider = new SpanwireTracerProvider(options);
  const contextManager = new SpanwireContextManager();
  const propagator = options.propagator === false
    ? undefined
    : new SpanwirePropagator(options.propagator);
  if (contextStorage().name === "synchronous") {
    // Only if a bundler dropped the import above (the package says it has no side effects).
    console.warn(
      "spanwire: register(): no asynchronous context storage is installed, so the active span " +
        'is lost at the first await; import "@spanwire/trace/context" (spanwire/context) first',
    );
  }
  const installed: (() => void)[] = [];
  const unregister = (): void => {
    for (const disable of installed.splice(0)) disable();
  };
  const problems: string[] = [];
  if (context.setGlobalContextManager(contextManager)) installed.push(() => context.disable());
  else problems.push("context manager");
  if (trace.setGlobalTracerProvider(provider)) installed.push(() => trace.disable());
  else problems.push("tracer provider");
  if (propagator !== undefined) {
    if (propagation.setGlobalPropagator(propagator)) installed.push(() => propagation.disable());
    else problems.push("propagator");
  }
  if (problems.length > 0) {
    unregister();
    throw new Error(
      `Cannot register spanwire with OpenTelemetry: a global ${
        problems.join(", ")
      } is already registered (by another SDK?); unregister it first`,
    );
  }
  return { provider, contextManager, propagator, unregister };
}
