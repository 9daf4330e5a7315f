/**
 * {@linkcode tracedFetch}: a `fetch` that makes a client span for each outgoing call and
 * injects the trace context headers, so a trace follows a request from service to service.
 *
 * @module
 */

import { currentSpanContext, isTracingSuppressed } from "../trace/context_storage.ts";
import type { SpanContext } from "../trace/span_context.ts";
import { SpanRecorder } from "../trace/span_recorder.ts";
import { pathOf } from "./_server_span.ts";
import { classifyResponse } from "./classify.ts";
import { DEFAULT_INJECT_FORMATS, injectTraceContext } from "./propagation.ts";
import type { TraceContextFormat } from "./trace_header_parser.ts";
import { messageOf } from "../trace/_text.ts";

/**
 * `RequestInit` plus the context the call belongs to.
 *
 * @example
 * ```ts
 * import type { TracedRequestInit } from "@spanwire/trace/http";
 * import { SpanContext } from "@spanwire/trace/trace";
 *
 * const init: TracedRequestInit = { method: "POST", body: "{}", spanContext: SpanContext.root() };
 * ```
 */
export interface TracedRequestInit extends RequestInit {
  /**
   * The context of the span making the call (for instance `spanContextOf(request)` in a
   * handler). When absent (or `undefined`), the current one (`currentSpanContext()`: inside a
   * traced handler, the server span's) is used; `null`, or no current context, makes the call
   * as plain `fetch` would make it.
   */
  spanContext?: SpanContext | null | undefined;
}

/**
 * A `fetch`-compatible function that traces calls given a `spanContext`.
 *
 * @example
 * ```ts
 * import { type TracedFetch, tracedFetch } from "@spanwire/trace/http";
 *
 * const fetchTraced: TracedFetch = tracedFetch();
 * ```
 */
export type TracedFetch = (
  input: string | URL | Request,
  init?: TracedRequestInit,
) => Promise<Response>;

/**
 * Options of {@linkcode tracedFetch}.
 *
 * @example
 * ```ts
 * import type { TracedFetchOptions } from "@spanwire/trace/http";
 *
 * const options: TracedFetchOptions = { formats: ["w3c"], name: "call upstream" };
 * ```
 */
export interface TracedFetchOptions {
  /** The underlying fetch (default the global `fetch`, looked up at call time). */
  fetch?: ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) | undefined;
  /** Which header formats to send (default Jaeger and W3C). */
  formats?: readonly TraceContextFormat[] | undefined;
  /** The Jaeger header's name (default `uber-trace-id`). */
  jaegerTraceContextHeaderName?: string | undefined;
  /**
   * The client span's name, or a function of the method and URL (default: the method, as
   * OpenTelemetry names client spans).
   */
  name?: (string | ((method: string, url: string) => string)) | undefined;
}

function urlOf(input: string | URL | Request): string {
  return typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
}

function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.origin + parsed.pathname;
  } catch {
    return pathOf(url);
  }
}

/**
 * Makes a `fetch` that traces calls made with a `spanContext` in their init or, without one,
 * inside a current span context (`currentSpanContext()`: in a handler wrapped by
 * `traceLayer` or `traceNodeListener`, the server span's; import `@spanwire/trace/context`
 * for it to follow the code across awaits):
 *
 * - When the context is sampled and has a collector, a client span (a child of it) records
 *   `kind` `"client"` (the `span.kind` tag in Jaeger), `http.method`, `http.url` (without the query string) and
 *   `http.status_code`; its status follows `classifyResponse`, or is an error with the
 *   failure's message when the call fails (the error is rethrown). The span ends when the
 *   response headers arrive (the body is the caller's to read, or not).
 * - The trace context headers of the client span are set on the request, replacing any
 *   there; W3C `tracestate` and Level 2's random flag are carried through. For an unsampled
 *   context (or one without a collector) no span is recorded, but the headers still carry
 *   the decision, with a fresh span id of this service as the callee's parent (W3C's
 *   `parent-id` is "the ID of this request as known by the caller").
 *
 * With `spanContext: null`, or no context at all, the call is passed to fetch untouched; so it
 * is inside `withTracingSuppressed` (even with an explicit `spanContext`: suppressed means no
 * span and no header, as OpenTelemetry's http instrumentation does; spanwire's exporters send
 * their requests that way).
 *
 * @param options The underlying fetch, header formats, span name.
 * @returns The tracing fetch.
 *
 * @example Trace a call (served in-process here)
 * ```ts
 * import { tracedFetch } from "@spanwire/trace/http";
 * import { RingBufferTraceCollector, SpanContext } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * let seen: string | null = null;
 * const fetchTraced = tracedFetch({
 *   fetch: (input, init) => {
 *     seen = new Headers(init?.headers).get("traceparent");
 *     return Promise.resolve(new Response("ok", { status: 201 }));
 *   },
 * });
 * const collector = new RingBufferTraceCollector(10);
 * const parent = SpanContext.root(collector);
 * await fetchTraced("http://example.test/items?id=7", { method: "POST", spanContext: parent });
 * const [span] = collector.spans();
 * assert.equal(span?.metadata.get("http.url"), "http://example.test/items");
 * assert.equal(span?.metadata.get("http.status_code"), 201);
 * assert.equal(seen, `00-${parent.traceId}-${span?.ctx.spanId}-03`); // sampled, random trace id
 * ```
 */
export function tracedFetch(options: TracedFetchOptions = {}): TracedFetch {
  const formats = options.formats ?? DEFAULT_INJECT_FORMATS;
  const inject = { jaegerTraceContextHeaderName: options.jaegerTraceContextHeaderName };
  const name = options.name;
  const nameOf = typeof name === "function"
    ? name
    : typeof name === "string"
    ? () => name
    : (method: string) => method;
  return async (input, init) => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const given = init?.spanContext;
    const parent = given === undefined ? currentSpanContext() : given;
    if (parent === undefined || parent === null || isTracingSuppressed()) {
      if (init === undefined) return await doFetch(input);
      const { spanContext: _, ...plain } = init;
      return await doFetch(input, plain);
    }
    const { spanContext: _, ...rest } = init ?? {};
    const method = (rest.method ?? (input instanceof Request ? input.method : "GET"))
      .toUpperCase();
    const url = urlOf(input);
    let recorder: SpanRecorder | undefined;
    let ctx: SpanContext;
    if (!parent.sampled || parent.collector === undefined) {
      ctx = parent.childContext();
    } else {
      const span = parent.child(nameOf(method, url));
      span.kind = "client";
      span.setMetadata("http.method", method);
      span.setMetadata("http.url", withoutQuery(url));
      recorder = new SpanRecorder(span);
      ctx = span.ctx;
    }
    const headers = new Headers(
      rest.headers ?? (input instanceof Request ? input.headers : undefined),
    );
    injectTraceContext(ctx, headers, formats, inject);
    let response: Response;
    try {
      response = await doFetch(input, { ...rest, headers });
    } catch (error) {
      if (recorder !== undefined) {
        recorder.error(`request failed: ${messageOf(error)}`);
        recorder.finish();
      }
      throw error;
    }
    if (recorder !== undefined) {
      recorder.setMetadata("http.status_code", response.status);
      const c = classifyResponse(response.status, response.headers);
      if (c.ok) recorder.ok();
      else recorder.error(c.message);
      recorder.finish();
    }
    return response;
  };
}
