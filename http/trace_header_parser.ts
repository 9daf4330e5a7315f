/**
 * {@linkcode TraceHeaderParser}: reads the trace context of an incoming request from its
 * headers, as IOx's `trace_http` does, plus the W3C and B3 single formats IOx lacks.
 *
 * @module
 */

import type { TraceCollector } from "../trace/collector.ts";
import { SpanId, TraceId } from "../trace/ids.ts";
import { RateLimitedWarning } from "../trace/_warning.ts";
import { DEFAULT_SAMPLER, type Sampler } from "../trace/sampler.ts";
import { SpanContext } from "../trace/span_context.ts";
import { parseB3Multi, parseB3Single } from "./_b3.ts";
import { type HeaderGetter, headerGetter, type HeaderSource } from "./_headers.ts";
import type { ContextFields } from "./_ids.ts";
import { parseJaegerTraceContext } from "./_jaeger_header.ts";
import { normalizeTraceState, parseTraceparent } from "./_w3c.ts";
import { TraceContextError } from "./trace_context_error.ts";
import { messageOf } from "../trace/_text.ts";

export type { HeaderSource, NodeHeaders } from "./_headers.ts";

/**
 * A trace context header format:
 *
 * - `"jaeger"`: `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}` (the header
 *   name is configurable).
 * - `"w3c"`: W3C Trace Context `traceparent` (and `tracestate`, carried through).
 * - `"b3"`: Zipkin's single `b3` header.
 * - `"b3multi"`: Zipkin's `X-B3-TraceId`, `X-B3-SpanId`, `X-B3-ParentSpanId`, `X-B3-Sampled`
 *   and `X-B3-Flags` headers.
 *
 * @example
 * ```ts
 * import type { TraceContextFormat } from "@spanwire/trace/http";
 *
 * const formats: TraceContextFormat[] = ["w3c", "jaeger"];
 * ```
 */
export type TraceContextFormat = "jaeger" | "w3c" | "b3" | "b3multi";

/**
 * Every format, in the default order of precedence: Jaeger first (as IOx), then W3C
 * `traceparent`, then B3 single (which B3 says takes precedence over the multi headers), then
 * B3 multi.
 *
 * @example
 * ```ts
 * import { ALL_TRACE_CONTEXT_FORMATS } from "@spanwire/trace/http";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(ALL_TRACE_CONTEXT_FORMATS, ["jaeger", "w3c", "b3", "b3multi"]);
 * ```
 */
export const ALL_TRACE_CONTEXT_FORMATS: readonly TraceContextFormat[] = Object.freeze([
  "jaeger",
  "w3c",
  "b3",
  "b3multi",
]);

/**
 * Options of {@linkcode TraceHeaderParser}.
 *
 * @example
 * ```ts
 * import type { TraceHeaderParserOptions } from "@spanwire/trace/http";
 *
 * const options: TraceHeaderParserOptions = {
 *   jaegerTraceContextHeaderName: "my-trace-id",
 *   jaegerDebugName: null,
 *   formats: ["jaeger", "w3c"],
 * };
 * ```
 */
export interface TraceHeaderParserOptions {
  /** The Jaeger trace context header (default `uber-trace-id`, as IOx's configuration). */
  jaegerTraceContextHeaderName?: string | undefined;
  /**
   * The Jaeger debug header (default `jaeger-debug-id`); `null` disables it. When present
   * (non-empty) and no other context is, a new sampled root trace starts.
   */
  jaegerDebugName?: string | null | undefined;
  /**
   * The formats read, in order of precedence: the first format whose header is present
   * decides (default {@linkcode ALL_TRACE_CONTEXT_FORMATS}).
   */
  formats?: readonly TraceContextFormat[] | undefined;
  /**
   * Where spans of sampled contexts go when `parse` or `extract` is given no collector
   * (`tracingFromEnv` sets its own collector here).
   */
  collector?: TraceCollector | undefined;
  /**
   * Decides whether traces are recorded (default `parentBased(alwaysOff())`, IOx's
   * behaviour: the caller's decision is followed and no trace starts without one, except by
   * the debug header). With a sampler that starts traces (`parentBased(traceIdRatio(0.1))`,
   * `alwaysOn()`, ...; `samplerFromEnv` reads `OTEL_TRACES_SAMPLER`), a request without a
   * context gets a new root context, sampled or not as the sampler says, and the decision
   * propagates. Samplers that are not parent-based also override the caller's decision.
   */
  sampler?: Sampler | undefined;
}

/**
 * What {@linkcode TraceHeaderParser.extract} found: the context, the format it came from,
 * and the Jaeger debug id when the debug header started the trace.
 *
 * @example
 * ```ts
 * import { type ExtractedTraceContext, TraceHeaderParser } from "@spanwire/trace/http";
 * import assert from "node:assert/strict";
 *
 * const found: ExtractedTraceContext | undefined = new TraceHeaderParser()
 *   .extract(new Headers({ "jaeger-debug-id": "ticket-42" }));
 * assert.equal(found?.format, "debug");
 * assert.equal(found?.debugId, "ticket-42");
 * ```
 */
export interface ExtractedTraceContext {
  /**
   * The incoming context: the caller's span, or, when the trace starts here (`started`), a
   * new root context whose span id is meant for the server span itself.
   */
  readonly context: SpanContext;
  /**
   * The format it was read from; `"debug"` when the Jaeger debug header started the trace,
   * `"sampler"` when the sampler did (no context came in).
   */
  readonly format: TraceContextFormat | "debug" | "sampler";
  /** The Jaeger debug header's value (cut to 256 characters) when it started the trace. */
  readonly debugId?: string;
  /**
   * True when the trace starts here (the debug header, the sampler, or a sampling decision
   * without ids): `context` has no parent, and the server span is made from it directly
   * (`new Span(name, context)`), not as its child, so that it has no phantom parent.
   */
  readonly started: boolean;
}

/** The metadata key under which a server span records the Jaeger debug id. */
export const JAEGER_DEBUG_ID_KEY = "jaeger-debug-id";

const MAX_DEBUG_ID_CHARS = 256;
const samplerFailure = new RateLimitedWarning();

function present(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  return text.length === 0 ? undefined : text;
}

/**
 * Extracts the trace context of an incoming request from its headers.
 *
 * Formats and their rules:
 *
 * - **Jaeger** `uber-trace-id: trace:span:parent:flags`, IOx's rules: hex of either case and
 *   any length up to the id's width (32 digits for the trace id, 16 for span ids); trace and
 *   span ids of 0 are errors; a parent of 0 means none; sampled = `flags & 1`; the `%3A`
 *   URL-encoding of ":" that Jaeger clients send is accepted.
 * - **W3C** `traceparent`, version 00 exactly per the specification (55 characters, lower-case
 *   hex only, all-zero ids invalid, version `ff` invalid, higher versions read by the version
 *   00 prefix). Its `tracestate` is carried through to outgoing requests (a list that breaks
 *   the specification's rules is dropped, never failing the request).
 * - **B3 single** `b3`, strictly per openzipkin/b3-propagation (16/32 and 16 lower-hex ids,
 *   sampling state `0`, `1` or `d`; `b3: 0` alone is a deny decision, `b3: 1` or `b3: d`
 *   alone an accept).
 * - **B3 multi** `X-B3-*`, with IOx's leniency (hex of either case, any length up to the
 *   width; `X-B3-Sampled` `1`/`true` or `0`/`false`, absent = not sampled; `X-B3-Flags: 1`
 *   = debug, which implies sampled; the first of repeated values wins, as B3 says).
 *
 * Precedence: the configured formats are tried in order (default Jaeger, W3C, B3 single, B3
 * multi), and the first whose header is present decides: if it is malformed, `parse` throws
 * a {@linkcode TraceContextError} rather than falling back to a later format, as IOx does.
 * Only when no format's header is present does the Jaeger debug header count: it starts a new
 * sampled root trace (and {@linkcode ExtractedTraceContext.debugId} carries its value so that
 * the server span can record it). A sampling decision without ids (`b3: 0`) also starts a
 * new root trace with that decision, so that the decision propagates.
 *
 * Rules for all formats: header names match in any case; a header whose value is empty or
 * blank counts as absent; a repeated header (joined with ", " by `Headers` and Node) is
 * malformed, except B3's multi headers where the first value wins.
 *
 * Unsampled contexts are returned (with `sampled` false) so that the decision propagates to
 * outgoing requests; they carry no collector, so nothing made from them is ever exported.
 * Sampled contexts carry the collector given to `parse`, else the parser's own (option
 * `collector`).
 *
 * @example Parse each format
 * ```ts
 * import { TraceHeaderParser } from "@spanwire/trace/http";
 * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const parser = new TraceHeaderParser();
 * const collector = new RingBufferTraceCollector(10);
 *
 * const jaeger = parser.parse(new Headers({ "uber-trace-id": "3a43:432e345:0:1" }), collector);
 * assert.equal(jaeger?.traceId.toString(), "00000000000000000000000000003a43");
 * assert.equal(jaeger?.sampled, true);
 *
 * const w3c = parser.parse(new Headers({
 *   traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
 *   tracestate: "congo=t61rcWkgMzE",
 * }));
 * assert.equal(w3c?.spanId.toString(), "00f067aa0ba902b7");
 * assert.equal(w3c?.sampled, false);
 * assert.equal(w3c?.traceState, "congo=t61rcWkgMzE");
 *
 * const b3 = parser.parse({ b3: "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90" });
 * assert.equal(b3?.parentSpanId?.toString(), "05e3ac9a4f6e3b90");
 *
 * assert.equal(parser.parse(new Headers()), undefined);
 * ```
 */
export class TraceHeaderParser {
  /** The Jaeger trace context header's name. */
  readonly jaegerTraceContextHeaderName: string;
  /** The Jaeger debug header's name, or `undefined` when disabled. */
  readonly jaegerDebugName: string | undefined;
  /** The formats read, in order of precedence. */
  readonly formats: readonly TraceContextFormat[];
  /** The collector of sampled contexts when `parse` or `extract` is given none. */
  readonly collector: TraceCollector | undefined;
  /** The sampler (see {@linkcode TraceHeaderParserOptions.sampler}). */
  readonly sampler: Sampler;

  /**
   * Makes a parser.
   *
   * @param options Header names and formats; see {@linkcode TraceHeaderParserOptions}.
   * @throws {TypeError} If a header name is empty or a format is unknown.
   */
  constructor(options: TraceHeaderParserOptions = {}) {
    const name = options.jaegerTraceContextHeaderName ?? "uber-trace-id";
    if (typeof name !== "string" || name.trim().length === 0) {
      throw new TypeError("Cannot make TraceHeaderParser: the Jaeger header name is empty");
    }
    const debug = options.jaegerDebugName === undefined
      ? "jaeger-debug-id"
      : options.jaegerDebugName;
    if (debug !== null && (typeof debug !== "string" || debug.trim().length === 0)) {
      throw new TypeError("Cannot make TraceHeaderParser: the Jaeger debug header name is empty");
    }
    const formats = options.formats ?? ALL_TRACE_CONTEXT_FORMATS;
    for (const format of formats) {
      if (!ALL_TRACE_CONTEXT_FORMATS.includes(format)) {
        throw new TypeError(
          `Cannot make TraceHeaderParser: unknown trace context format ${JSON.stringify(format)}`,
        );
      }
    }
    this.jaegerTraceContextHeaderName = name.trim().toLowerCase();
    this.jaegerDebugName = debug === null ? undefined : debug.trim().toLowerCase();
    this.formats = Object.freeze([...new Set(formats)]);
    this.collector = options.collector;
    const sampler = options.sampler ?? DEFAULT_SAMPLER;
    if (
      sampler === null || typeof sampler !== "object" ||
      typeof sampler.shouldSample !== "function"
    ) {
      throw new TypeError("Cannot make TraceHeaderParser: the sampler has no shouldSample()");
    }
    this.sampler = sampler;
  }

  /**
   * The context described by the request's headers, if any.
   *
   * @param headers A Fetch `Headers`, a `Request`, Node's `IncomingHttpHeaders` or an object
   *   with one of those in `headers` (Node's `IncomingMessage`).
   * @param collector Where spans of a sampled context go (default the parser's
   *   {@linkcode TraceHeaderParser.collector}).
   * @returns The incoming context, or `undefined` when no context header is present.
   * @throws {TraceContextError} When the deciding header is present but malformed.
   *
   * @example
   * ```ts
   * import { TraceHeaderParser } from "@spanwire/trace/http";
   * import assert from "node:assert/strict";
   *
   * const ctx = new TraceHeaderParser().parse({ "uber-trace-id": "343:4325345:3434:F" });
   * assert.equal(ctx?.parentSpanId?.toString(), "0000000000003434");
   * ```
   */
  parse(
    headers: HeaderSource,
    collector: TraceCollector | undefined = this.collector,
  ): SpanContext | undefined {
    return this.extract(headers, collector)?.context;
  }

  /**
   * Like {@linkcode TraceHeaderParser.parse}, and also tells which format decided and the
   * Jaeger debug id, if the debug header started the trace.
   *
   * @param headers The request headers (see {@linkcode TraceHeaderParser.parse}).
   * @param collector Where spans of a sampled context go (default the parser's
   *   {@linkcode TraceHeaderParser.collector}).
   * @returns What was found, or `undefined` when no context header is present.
   * @throws {TraceContextError} When the deciding header is present but malformed.
   *
   * @example
   * ```ts
   * import { TraceHeaderParser } from "@spanwire/trace/http";
   * import assert from "node:assert/strict";
   *
   * const found = new TraceHeaderParser().extract({ "x-b3-traceid": "ee25f", "x-b3-spanid": "34e" });
   * assert.equal(found?.format, "b3multi");
   * assert.equal(found?.context.sampled, false);
   * ```
   */
  extract(
    headers: HeaderSource,
    collector: TraceCollector | undefined = this.collector,
  ): ExtractedTraceContext | undefined {
    const get = headerGetter(headers);
    for (const format of this.formats) {
      let fields: ContextFields | undefined;
      try {
        fields = this.#read(format, get);
      } catch (error) {
        if (error instanceof TraceContextError) throw error;
        // An unexpected failure is still a malformed header, never a crash of the caller.
        throw new TraceContextError(
          format === "jaeger" ? this.jaegerTraceContextHeaderName : format,
          "",
          `unexpected failure: ${messageOf(error)}`,
          { cause: error },
        );
      }
      if (fields !== undefined) return this.#found(fields, collector, format);
    }
    if (this.jaegerDebugName !== undefined) {
      const debug = present(get(this.jaegerDebugName));
      if (debug !== undefined) {
        return {
          context: rootContext(TraceId.random(), true, collector),
          format: "debug",
          debugId: debug.length > MAX_DEBUG_ID_CHARS ? debug.slice(0, MAX_DEBUG_ID_CHARS) : debug,
          started: true,
        };
      }
    }
    return this.startTrace(collector);
  }

  /**
   * What {@linkcode TraceHeaderParser.extract} gives when no context came in: a new root
   * context with the sampler's decision (`format` `"sampler"`), or `undefined` when the
   * sampler never starts traces (the default). The server layers also call it for a request
   * whose context header is malformed and ignored, which W3C says restarts the trace.
   *
   * @param collector Where spans of a sampled trace go (default the parser's
   *   {@linkcode TraceHeaderParser.collector}).
   * @returns The new trace's context, or `undefined`.
   *
   * @example
   * ```ts
   * import { TraceHeaderParser } from "@spanwire/trace/http";
   * import { alwaysOn } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new TraceHeaderParser().startTrace(), undefined);
   * const started = new TraceHeaderParser({ sampler: alwaysOn() }).startTrace();
   * assert.equal(started?.context.sampled, true);
   * assert.equal(started?.context.parentSpanId, undefined);
   * ```
   */
  startTrace(
    collector: TraceCollector | undefined = this.collector,
  ): ExtractedTraceContext | undefined {
    if (!this.sampler.startsTraces) return undefined;
    const traceId = TraceId.random();
    return {
      context: rootContext(traceId, this.#decide(traceId, undefined), collector),
      format: "sampler",
      started: true,
    };
  }

  #found(
    fields: ContextFields,
    collector: TraceCollector | undefined,
    format: TraceContextFormat,
  ): ExtractedTraceContext {
    const traceId = fields.traceId;
    if (traceId === undefined || fields.spanId === undefined) {
      // A sampling decision alone (`b3: 0`, `X-B3-Sampled: 1`): a new root carrying it.
      const id = TraceId.random();
      const sampled = this.#decide(id, fields.sampled);
      return { context: rootContext(id, sampled, collector), format, started: true };
    }
    const sampled = this.#decide(traceId, fields.sampled);
    const context = new SpanContext({
      traceId,
      spanId: fields.spanId,
      parentSpanId: fields.parentSpanId,
      sampled,
      collector: sampled ? collector : undefined,
      traceState: fields.traceState,
      randomTraceId: fields.randomTraceId,
    });
    return { context, format, started: false };
  }

  /**
   * The sampler's decision; a sampler that throws never fails the request: the caller's
   * decision stands (none: not sampled), with a rate-limited warning.
   */
  #decide(traceId: TraceId, parentSampled: boolean | undefined): boolean {
    const sampler = this.sampler;
    if (sampler === DEFAULT_SAMPLER) return parentSampled ?? false;
    try {
      return sampler.shouldSample(traceId, parentSampled) === true;
    } catch (error) {
      samplerFailure.warn(
        `spanwire: the sampler ${sampler.description} threw (${
          messageOf(error)
        }); following the caller's decision`,
      );
      return parentSampled ?? false;
    }
  }

  #read(format: TraceContextFormat, get: HeaderGetter): ContextFields | undefined {
    switch (format) {
      case "jaeger": {
        const name = this.jaegerTraceContextHeaderName;
        const value = present(get(name));
        return value === undefined ? undefined : parseJaegerTraceContext(value, name);
      }
      case "w3c": {
        const value = present(get("traceparent"));
        if (value === undefined) return undefined;
        const fields = parseTraceparent(value, "traceparent");
        const traceState = normalizeTraceState(get("tracestate"));
        return traceState === undefined ? fields : { ...fields, traceState };
      }
      case "b3": {
        const value = present(get("b3"));
        return value === undefined ? undefined : parseB3Single(value, "b3");
      }
      case "b3multi":
        return parseB3Multi(get);
    }
  }
}

/** A trace that starts here: random ids, so Level 2's random flag is set; no parent. */
function rootContext(
  traceId: TraceId,
  sampled: boolean,
  collector: TraceCollector | undefined,
): SpanContext {
  return new SpanContext({
    traceId,
    spanId: SpanId.random(),
    sampled,
    collector: sampled ? collector : undefined,
    randomTraceId: true,
  });
}
