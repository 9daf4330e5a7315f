/**
 * {@linkcode SpanwirePropagator}: OpenTelemetry's `TextMapPropagator` for the formats spanwire
 * reads and writes (W3C `traceparent`/`tracestate`, Jaeger `uber-trace-id`, B3 single and
 * multi), with spanwire's own parser and formatters.
 *
 * @module
 */

import {
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
} from "@opentelemetry/api";
import {
  DEFAULT_INJECT_FORMATS,
  type HeaderSink,
  injectTraceContext,
} from "../http/propagation.ts";
import { B3_FLAGS, B3_PARENT_SPAN_ID, B3_SAMPLED, B3_SPAN_ID, B3_TRACE_ID } from "../http/_b3.ts";
import {
  ALL_TRACE_CONTEXT_FORMATS,
  type TraceContextFormat,
  TraceHeaderParser,
} from "../http/trace_header_parser.ts";
import { RateLimitedWarning } from "../trace/_warning.ts";
import { OtelSpan } from "./_otel_span.ts";
import { spanwireContextOf } from "./_parent.ts";
import { isSuppressed } from "./_suppress.ts";
import { messageOf } from "../trace/_text.ts";

/**
 * Options of {@linkcode SpanwirePropagator}.
 *
 * @example
 * ```ts
 * import type { SpanwirePropagatorOptions } from "@spanwire/trace/otel";
 *
 * const options: SpanwirePropagatorOptions = { inject: ["w3c", "b3"], extract: ["w3c", "b3"] };
 * ```
 */
export interface SpanwirePropagatorOptions {
  /** The formats written on outgoing requests (default Jaeger and W3C, as `tracedFetch`). */
  inject?: readonly TraceContextFormat[];
  /**
   * The formats read from incoming requests, in order of precedence (default Jaeger, W3C, B3
   * single, B3 multi, as `TraceHeaderParser`).
   */
  extract?: readonly TraceContextFormat[];
  /** The Jaeger header's name (default `uber-trace-id`). */
  jaegerTraceContextHeaderName?: string;
}

const malformed = new RateLimitedWarning();

/**
 * Reads and writes trace context headers for OpenTelemetry with spanwire's rules: extraction is
 * {@linkcode TraceHeaderParser}'s (the first configured format whose header is present decides;
 * a malformed header is ignored with a rate-limited warning, never thrown), injection is
 * `injectTraceContext`'s. An extracted context becomes a remote, non-recording span in the
 * returned context, so the next span started in it is its child.
 *
 * The Jaeger debug header (`jaeger-debug-id`) is not read here: it asks for a new sampled trace
 * without a parent, which a propagator cannot express; `traceLayer` reads it.
 *
 * @example Extract from incoming headers, inject into outgoing ones
 * ```ts
 * import { SpanwirePropagator } from "@spanwire/trace/otel";
 * import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace } from "@opentelemetry/api";
 * import assert from "node:assert/strict";
 *
 * const propagator = new SpanwirePropagator({ inject: ["b3"] });
 * const incoming = { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" };
 * const ctx = propagator.extract(ROOT_CONTEXT, incoming, defaultTextMapGetter);
 * assert.equal(trace.getSpanContext(ctx)?.spanId, "00f067aa0ba902b7");
 * assert.equal(trace.getSpanContext(ctx)?.isRemote, true);
 *
 * const outgoing: Record<string, string> = {};
 * propagator.inject(ctx, outgoing, defaultTextMapSetter);
 * assert.equal(outgoing.b3, "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1");
 * ```
 */
export class SpanwirePropagator implements TextMapPropagator {
  readonly #inject: readonly TraceContextFormat[];
  readonly #parser: TraceHeaderParser;
  readonly #jaegerHeader: string;
  readonly #fields: string[];

  /**
   * Makes a propagator.
   *
   * @param options Formats to inject and extract, and the Jaeger header's name.
   * @throws {TypeError} If a format is unknown or the header name is empty.
   */
  constructor(options: SpanwirePropagatorOptions = {}) {
    const inject = options.inject ?? DEFAULT_INJECT_FORMATS;
    for (const format of inject) {
      if (!ALL_TRACE_CONTEXT_FORMATS.includes(format)) {
        throw new TypeError(
          `Cannot make SpanwirePropagator: unknown inject format ${JSON.stringify(format)}`,
        );
      }
    }
    this.#parser = new TraceHeaderParser({
      formats: options.extract ?? ALL_TRACE_CONTEXT_FORMATS,
      jaegerTraceContextHeaderName: options.jaegerTraceContextHeaderName,
      jaegerDebugName: null,
    });
    this.#inject = Object.freeze([...inject]);
    this.#jaegerHeader = this.#parser.jaegerTraceContextHeaderName;
    const fields = new Set<string>();
    for (const format of [...this.#inject, ...this.#parser.formats]) {
      switch (format) {
        case "jaeger":
          fields.add(this.#jaegerHeader);
          break;
        case "w3c":
          fields.add("traceparent");
          fields.add("tracestate");
          break;
        case "b3":
          fields.add("b3");
          break;
        case "b3multi":
          for (const name of [B3_TRACE_ID, B3_SPAN_ID, B3_PARENT_SPAN_ID, B3_SAMPLED, B3_FLAGS]) {
            fields.add(name.toLowerCase());
          }
          break;
      }
    }
    this.#fields = [...fields];
  }

  /**
   * Writes the context's span (if valid) as headers into `carrier`; nothing where tracing is
   * suppressed (`suppressTracing` of `@opentelemetry/core`, spanwire's `withTracingSuppressed`).
   *
   * @typeParam Carrier The carrier.
   * @param context The context whose span is propagated.
   * @param carrier Where to write (headers of an outgoing request).
   * @param setter How to write.
   */
  inject<Carrier>(context: Context, carrier: Carrier, setter: TextMapSetter<Carrier>): void {
    // As the SDK's W3C propagator: nothing is injected where tracing is suppressed.
    if (isSuppressed(context)) return;
    const span = trace.getSpan(context);
    if (span === undefined) return;
    const ctx = spanwireContextOf(span);
    if (ctx === undefined) return;
    const sink: HeaderSink = { set: (name, value) => setter.set(carrier, name, value) };
    try {
      injectTraceContext(ctx, sink, this.#inject, {
        jaegerTraceContextHeaderName: this.#jaegerHeader,
      });
    } catch (error) {
      malformed.warn(
        `spanwire: cannot inject trace context: ${messageOf(error)}`,
      );
    }
  }

  /**
   * Reads a trace context from `carrier`; returns `context` with a remote span for it, or
   * `context` unchanged when none is present or the deciding header is malformed.
   *
   * @typeParam Carrier The carrier.
   * @param context The context to extend.
   * @param carrier Where to read (headers of an incoming request).
   * @param getter How to read.
   * @returns The extended context.
   */
  extract<Carrier>(context: Context, carrier: Carrier, getter: TextMapGetter<Carrier>): Context {
    if (carrier === null || carrier === undefined) return context;
    const get = (name: string): string | null => {
      let value = getter.get(carrier, name);
      if (value === undefined) {
        const lower = name.toLowerCase();
        if (lower !== name) value = getter.get(carrier, lower);
      }
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : String(value);
    };
    let found;
    try {
      // The parser reads any object with `get(name)` as it reads a Fetch `Headers`.
      found = this.#parser.extract({ get } as unknown as Headers);
    } catch (error) {
      malformed.warn(
        `spanwire: ignoring a malformed incoming trace context: ${messageOf(error)}`,
      );
      return context;
    }
    if (found === undefined) return context;
    return trace.setSpan(context, new OtelSpan(found.context, undefined, true));
  }

  /**
   * The header names this propagator reads and writes (lower case).
   *
   * @returns The names.
   */
  fields(): string[] {
    return [...this.#fields];
  }
}
