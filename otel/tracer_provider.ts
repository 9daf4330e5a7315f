/**
 * {@linkcode SpanwireTracerProvider}: OpenTelemetry's `TracerProvider` over spanwire's span
 * model, collectors and exporters.
 *
 * @module
 */

import type { TracerOptions, TracerProvider } from "@opentelemetry/api";
import { type Clock, systemClock } from "../trace/clock.ts";
import type { TraceCollector } from "../trace/collector.ts";
import { alwaysOn, parentBased, type Sampler } from "../trace/sampler.ts";
import { SpanwireTracer } from "./tracer.ts";

/**
 * Options of {@linkcode SpanwireTracerProvider}.
 *
 * @example
 * ```ts
 * import type { SpanwireTracerProviderOptions } from "@spanwire/trace/otel";
 * import { parentBased, RingBufferTraceCollector, traceIdRatio } from "@spanwire/trace/trace";
 *
 * const options: SpanwireTracerProviderOptions = {
 *   collector: new RingBufferTraceCollector(100),
 *   sampler: parentBased(traceIdRatio(0.1)),
 * };
 * ```
 */
export interface SpanwireTracerProviderOptions {
  /**
   * Where sampled spans go when they end: an `AsyncExporter` (Jaeger, OTLP), a ring buffer,
   * a log collector. Without one nothing is exported (spans still propagate).
   */
  collector: TraceCollector | undefined;
  /** The clock for times the caller does not give (default {@linkcode systemClock}). */
  clock?: Clock;
  /**
   * Decides whether each span is recorded, asked with its parent's decision (`undefined` for
   * a new trace). Default `parentBased(alwaysOn())`, OpenTelemetry's default
   * (`parentbased_always_on`): code written against the OpenTelemetry API expects its spans to
   * record. `samplerFromEnv(env)` reads `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`.
   */
  sampler?: Sampler;
  /**
   * Record each span's instrumentation scope (the tracer's name and version) as the metadata
   * `otel.scope.name` and `otel.scope.version`, as OpenTelemetry specifies for exporters
   * without scopes (Jaeger). Default false: the model has no place for a scope, and a ninth
   * metadata entry doubles the table of the span's metadata map (spans with eight entries, as
   * the standard span, fit the smaller one).
   */
  recordScope?: boolean;
}

const DEFAULT_SAMPLER: Sampler = parentBased(alwaysOn());

/**
 * OpenTelemetry's `TracerProvider`, recording into spanwire: code written against
 * `@opentelemetry/api` (libraries, `@opentelemetry/instrumentation-*`) makes spanwire
 * {@linkcode Span}s that go to `collector` like any other, and on to Jaeger or OTLP.
 *
 * Use it alone (`provider.getTracer(name)`), or install it for the whole process with
 * `register()` (global provider, one shared active context, propagator). See the module
 * documentation of `@spanwire/trace/otel` for how each API call maps onto the span model.
 *
 * @example
 * ```ts
 * import { SpanwireTracerProvider } from "@spanwire/trace/otel";
 * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
 * import { SpanStatusCode } from "@opentelemetry/api";
 * import assert from "node:assert/strict";
 *
 * const collector = new RingBufferTraceCollector(10);
 * const provider = new SpanwireTracerProvider({ collector, recordScope: true });
 * const span = provider.getTracer("db", "1.2.0").startSpan("query");
 * span.setAttributes({ "db.rows": 12345, "db.tables": ["a", "b"] });
 * span.setStatus({ code: SpanStatusCode.ERROR, message: "timeout" });
 * span.end();
 * const [recorded] = collector.spans();
 * assert.equal(recorded?.metadata.get("db.tables"), '["a","b"]');
 * assert.equal(recorded?.metadata.get("otel.scope.name"), "db");
 * assert.equal(recorded?.status, "error");
 * assert.equal(recorded?.statusMessage, "timeout");
 * ```
 */
export class SpanwireTracerProvider implements TracerProvider {
  /** Where sampled spans are exported. */
  readonly collector: TraceCollector | undefined;
  /** The clock for times not given. */
  readonly clock: Clock;
  /** Decides whether each span is recorded. */
  readonly sampler: Sampler;
  readonly #recordScope: boolean;
  readonly #tracers = new Map<string, SpanwireTracer>();

  /**
   * Makes a provider.
   *
   * @param options The collector, and optionally the clock, sampler and scope recording.
   * @throws {TypeError} If `options` is missing or `sampler` has no `shouldSample` method.
   */
  constructor(options: SpanwireTracerProviderOptions) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        "Cannot make SpanwireTracerProvider: options ({ collector }) are missing",
      );
    }
    const sampler = options.sampler ?? DEFAULT_SAMPLER;
    if (typeof sampler?.shouldSample !== "function") {
      throw new TypeError(
        "Cannot make SpanwireTracerProvider: sampler has no shouldSample method",
      );
    }
    this.collector = options.collector;
    this.clock = options.clock ?? systemClock;
    this.sampler = sampler;
    this.#recordScope = options.recordScope ?? false;
  }

  /**
   * The tracer of an instrumentation scope (one per name and version, made on first use).
   *
   * @param name The scope's name (the instrumenting library).
   * @param version Its version (optional).
   * @param _options Its schema URL (not recorded: the model has no place for it).
   * @returns The tracer.
   *
   * @example
   * ```ts
   * import { SpanwireTracerProvider } from "@spanwire/trace/otel";
   * import assert from "node:assert/strict";
   *
   * const provider = new SpanwireTracerProvider({ collector: undefined });
   * assert.equal(provider.getTracer("a", "1"), provider.getTracer("a", "1"));
   * ```
   */
  getTracer(name: string, version?: string, _options?: TracerOptions): SpanwireTracer {
    const key = `${name}@${version ?? ""}`;
    let tracer = this.#tracers.get(key);
    if (tracer === undefined) {
      tracer = new SpanwireTracer({
        collector: this.collector,
        clock: this.clock,
        sampler: this.sampler,
        scope: this.#recordScope && typeof name === "string" && name.length > 0
          ? {
            name,
            version: typeof version === "string" && version.length > 0 ? version : undefined,
          }
          : undefined,
      });
      this.#tracers.set(key, tracer);
    }
    return tracer;
  }
}
