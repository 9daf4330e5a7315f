/**
 * {@linkcode SpanwireTracerProvider}: OpenTelemetry's `TracerProvider` over spanwire's span
 * model, collectors and exporters.
 *
 * @module
 */

import type { TracerOptions, TracerProvider } from "@opentelemetry/api";
import { type Clock, systemClock } from "../trace/clock.ts";
import type { TraceCollector } from "../trace/collector.ts";
import { SpanwireTracer } from "./tracer.ts";

/**
 * Options of {@linkcode SpanwireTracerProvider}.
 *
 * @example
 * ```ts
 * import type { SpanwireTracerProviderOptions } from "@spanwire/trace/otel";
 * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
 *
 * const options: SpanwireTracerProviderOptions = {
 *   collector: new RingBufferTraceCollector(100),
 *   sampleRoot: () => Math.random() < 0.1,
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
   * Whether a span without a parent (a new trace) is sampled: `true` (the default, as
   * OpenTelemetry's default `parentbased_always_on`), `false`, or a function asked per new
   * trace. A span with a parent always follows its parent's decision.
   */
  sampleRoot?: boolean | (() => boolean);
  /**
   * Record each span's instrumentation scope (the tracer's name and version) as the metadata
   * `otel.scope.name` and `otel.scope.version`, as OpenTelemetry specifies for exporters
   * without scopes (Jaeger). Default true.
   */
  recordScope?: boolean;
}

const ALWAYS = (): boolean => true;
const NEVER = (): boolean => false;

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
 * const provider = new SpanwireTracerProvider({ collector });
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
  readonly #sampleRoot: () => boolean;
  readonly #recordScope: boolean;
  readonly #tracers = new Map<string, SpanwireTracer>();

  /**
   * Makes a provider.
   *
   * @param options The collector, and optionally the clock, root sampling and scope recording.
   * @throws {TypeError} If `options` is missing or `sampleRoot` is neither a boolean nor a
   *   function.
   */
  constructor(options: SpanwireTracerProviderOptions) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        "Cannot make SpanwireTracerProvider: options ({ collector }) are missing",
      );
    }
    const sample = options.sampleRoot ?? true;
    if (typeof sample !== "boolean" && typeof sample !== "function") {
      throw new TypeError(
        `Cannot make SpanwireTracerProvider: sampleRoot ${
          String(sample)
        } is neither a boolean nor a function`,
      );
    }
    this.collector = options.collector;
    this.clock = options.clock ?? systemClock;
    this.#sampleRoot = sample === true ? ALWAYS : sample === false ? NEVER : sample;
    this.#recordScope = options.recordScope ?? true;
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
        sampleRoot: this.#sampleRoot,
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
