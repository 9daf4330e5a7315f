/**
 * {@linkcode SpanwireTracer}: OpenTelemetry's `Tracer`, recording into spanwire's span model.
 *
 * @module
 */

import {
  type Context,
  context as contextApi,
  INVALID_SPAN_CONTEXT,
  type Span as OtelSpanApi,
  type SpanOptions,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import { RateLimitedWarning } from "../trace/_warning.ts";
import type { Clock } from "../trace/clock.ts";
import type { TraceCollector } from "../trace/collector.ts";
import { SpanId, TraceId } from "../trace/ids.ts";
import type { Sampler } from "../trace/sampler.ts";
import { Span, type SpanKind } from "../trace/span.ts";
import { SpanContext } from "../trace/span_context.ts";
import { OtelSpan, putAttributes } from "./_otel_span.ts";
import { parentOf } from "./_parent.ts";
import { isSuppressed } from "./_suppress.ts";
import { toMicros } from "./_time.ts";
import { messageOf } from "../trace/_text.ts";

/** OpenTelemetry's `SpanKind` values (INTERNAL = 0 ... CONSUMER = 4) to spanwire's kinds. */
const KINDS: readonly SpanKind[] = ["internal", "server", "client", "producer", "consumer"];

const samplerFailure = new RateLimitedWarning();

/** The sampler's decision; one that throws leaves the parent's decision (none: not sampled). */
function decide(sampler: Sampler, traceId: TraceId, parentSampled: boolean | undefined): boolean {
  try {
    return sampler.shouldSample(traceId, parentSampled) === true;
  } catch (error) {
    samplerFailure.warn(
      `spanwire: the sampler ${sampler.description} threw; the parent's decision stands: ${
        messageOf(error)
      }`,
    );
    return parentSampled === true;
  }
}

/** The metadata keys naming the instrumentation scope (the tracer's name and version). */
export const SCOPE_NAME_KEY = "otel.scope.name";
/** See {@linkcode SCOPE_NAME_KEY}. */
export const SCOPE_VERSION_KEY = "otel.scope.version";

/**
 * What a {@linkcode SpanwireTracer} needs from its provider.
 *
 * @example
 * ```ts
 * import type { SpanwireTracerConfig } from "@spanwire/trace/otel";
 * import { alwaysOn, parentBased, RingBufferTraceCollector, systemClock } from "@spanwire/trace/trace";
 *
 * const config: SpanwireTracerConfig = {
 *   collector: new RingBufferTraceCollector(10),
 *   clock: systemClock,
 *   sampler: parentBased(alwaysOn()),
 *   scope: { name: "my-library", version: "1.0.0" },
 * };
 * ```
 */
export interface SpanwireTracerConfig {
  /** Where sampled spans are exported. */
  readonly collector: TraceCollector | undefined;
  /** The clock for times not given. */
  readonly clock: Clock;
  /** Decides whether each span is sampled (asked with its parent's decision, if any). */
  readonly sampler: Sampler;
  /** The instrumentation scope recorded on each span; `undefined` records none. */
  readonly scope: { readonly name: string; readonly version: string | undefined } | undefined;
}

/**
 * OpenTelemetry's `Tracer` over spanwire: spans are spanwire {@linkcode Span}s exported to the
 * provider's collector when they end. Get one from `SpanwireTracerProvider.getTracer` (or the
 * API's `trace.getTracer` after `register()`).
 *
 * Parent: the span of the given (or active) OpenTelemetry context, unless `root` is set; a
 * child keeps its parent's trace id, trace state and W3C random flag and gets a new random
 * span id. A span without a parent starts a new trace with random ids (without the W3C Level 2
 * random flag, as OpenTelemetry's SDK: `traceFlags` is 1 for a sampled span). The
 * provider's sampler decides, given the parent's decision (the default, parent-based, follows
 * it). An unsampled span is not recording: it costs one context, carries the decision on to
 * children and outgoing requests, and is never exported.
 *
 * @example
 * ```ts
 * import { SpanwireTracerProvider } from "@spanwire/trace/otel";
 * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
 * import { SpanKind } from "@opentelemetry/api";
 * import assert from "node:assert/strict";
 *
 * const collector = new RingBufferTraceCollector(10);
 * const tracer = new SpanwireTracerProvider({ collector }).getTracer("example");
 * const span = tracer.startSpan("GET /", { kind: SpanKind.SERVER, attributes: { "http.status_code": 200 } });
 * span.end();
 * assert.equal(collector.spans()[0]?.kind, "server");
 * assert.equal(collector.spans()[0]?.metadata.get("http.status_code"), 200);
 * ```
 */
export class SpanwireTracer implements Tracer {
  readonly #config: SpanwireTracerConfig;

  /**
   * Makes a tracer; usually `SpanwireTracerProvider.getTracer` does.
   *
   * @param config The provider's collector, clock, root sampling and the scope.
   */
  constructor(config: SpanwireTracerConfig) {
    this.#config = config;
  }

  /**
   * Starts a span (not made active).
   *
   * @param name The span's name.
   * @param options Kind, attributes, links, start time, `root`.
   * @param context The context whose span is the parent (default the active context).
   * @returns The span; end it with `end()`.
   *
   * @example
   * ```ts
   * import { SpanwireTracerProvider } from "@spanwire/trace/otel";
   * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
   * import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
   * import assert from "node:assert/strict";
   *
   * const collector = new RingBufferTraceCollector(10);
   * const tracer = new SpanwireTracerProvider({ collector }).getTracer("example");
   * const parent = tracer.startSpan("parent");
   * const child = tracer.startSpan("child", {}, trace.setSpan(ROOT_CONTEXT, parent));
   * child.end();
   * parent.end();
   * const [c, p] = collector.spans();
   * assert.ok(c?.ctx.parentSpanId?.equals(p?.ctx.spanId));
   * ```
   */
  startSpan(name: string, options?: SpanOptions, context?: Context): OtelSpanApi {
    const config = this.#config;
    const active = context ?? contextApi.active();
    // As the SDK's tracer: no span where tracing is suppressed (an exporter's own request).
    if (isSuppressed(active)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const parentSpan = options?.root === true ? undefined : trace.getSpan(active);
    const parent = parentSpan === undefined ? undefined : parentOf(parentSpan);
    const traceId = parent === undefined ? TraceId.random() : parent.traceId;
    const sampled = decide(config.sampler, traceId, parent?.sampled);
    const ctx = new SpanContext({
      traceId,
      spanId: SpanId.random(),
      parentSpanId: parent?.spanId,
      sampled,
      collector: sampled ? config.collector : undefined,
      clock: config.clock,
      traceState: parent?.traceState,
      // A new trace does not claim W3C Level 2's random flag: OpenTelemetry's SDK does not set
      // it, and code written against the API expects `traceFlags` 1 for a sampled span. A flag
      // that came in is carried on (the Level 2 MUST).
      randomTraceId: parent === undefined ? false : parent.randomTraceId,
    });
    if (!sampled) return new OtelSpan(ctx, undefined);
    const span = new Span(String(name), ctx);
    span.start = toMicros(options?.startTime, config.clock);
    if (options !== undefined) {
      const kind = options.kind === undefined ? undefined : KINDS[options.kind];
      if (kind !== undefined && kind !== "internal") {
        // Jaeger's mapping writes it as the `span.kind` tag; OTLP as its kind field.
        span.kind = kind;
      }
    }
    const scope = config.scope;
    if (scope !== undefined) {
      span.setMetadata(SCOPE_NAME_KEY, scope.name);
      if (scope.version !== undefined) span.setMetadata(SCOPE_VERSION_KEY, scope.version);
    }
    const otelSpan = new OtelSpan(ctx, span);
    if (options !== undefined) {
      if (options.attributes !== undefined) {
        otelSpan.countDropped(putAttributes(options.attributes, span));
      }
      if (Array.isArray(options.links)) {
        for (const link of options.links) otelSpan.link(link);
      }
    }
    return otelSpan;
  }

  /**
   * Starts a span, makes it active while `fn` runs (through `await` too, with the context
   * manager `register()` installs), and returns what `fn` returns. `fn` ends the span.
   *
   * @typeParam F The function.
   * @param name The span's name.
   * @param fn Runs with the span active.
   * @returns What `fn` returned.
   *
   * @example
   * ```ts
   * import { SpanwireTracerProvider } from "@spanwire/trace/otel";
   * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const collector = new RingBufferTraceCollector(10);
   * const tracer = new SpanwireTracerProvider({ collector }).getTracer("example");
   * const answer = tracer.startActiveSpan("work", (span) => {
   *   span.end();
   *   return 42;
   * });
   * assert.equal(answer, 42);
   * assert.equal(collector.spans()[0]?.name, "work");
   * ```
   */
  startActiveSpan<F extends (span: OtelSpanApi) => unknown>(name: string, fn: F): ReturnType<F>;
  /**
   * As above, with options.
   *
   * @typeParam F The function.
   * @param name The span's name.
   * @param options Kind, attributes, links, start time, `root`.
   * @param fn Runs with the span active.
   * @returns What `fn` returned.
   */
  startActiveSpan<F extends (span: OtelSpanApi) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  /**
   * As above, with options and the parent's context.
   *
   * @typeParam F The function.
   * @param name The span's name.
   * @param options Kind, attributes, links, start time, `root`.
   * @param context The context whose span is the parent; `fn` runs in it with the span set.
   * @param fn Runs with the span active.
   * @returns What `fn` returned.
   */
  startActiveSpan<F extends (span: OtelSpanApi) => unknown>(
    name: string,
    options: SpanOptions,
    context: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: OtelSpanApi) => unknown>(
    name: string,
    a?: SpanOptions | F,
    b?: Context | F,
    c?: F,
  ): ReturnType<F> {
    let options: SpanOptions | undefined;
    let parent: Context | undefined;
    let fn: F;
    if (typeof a === "function") fn = a;
    else if (typeof b === "function") {
      options = a;
      fn = b;
    } else {
      options = a;
      parent = b;
      fn = c!;
    }
    const base = parent ?? contextApi.active();
    const span = this.startSpan(name, options, base);
    return contextApi.with(
      trace.setSpan(base, span),
      fn as (span: OtelSpanApi) => ReturnType<F>,
      undefined,
      span,
    );
  }
}
