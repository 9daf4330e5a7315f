/**
 * HTTP trace context, after IOx's `trace_http`: read the context of incoming requests
 * ({@linkcode TraceHeaderParser}: Jaeger `uber-trace-id`, W3C `traceparent`, B3 single and
 * multi, the Jaeger debug header), propagate it on outgoing requests
 * ({@linkcode injectTraceContext}, {@linkcode tracedFetch}), and trace a server
 * ({@linkcode traceLayer} for fetch-style handlers, {@linkcode spanContextOf} inside them).
 *
 * Everything here runs in Deno, Node, Bun and browsers; the `node:http` adapter has its own
 * entry point, `@spanwire/trace/http/node`.
 *
 * Decisions worth knowing:
 *
 * - Precedence: Jaeger first (as IOx), then W3C `traceparent`, then B3 single, then B3 multi;
 *   the first format whose header is present decides, and a malformed one is an error, not a
 *   fall-back. The Jaeger debug header counts only when no context is present: it starts a
 *   new sampled root trace and its value is recorded on the server span (`jaeger-debug-id`).
 * - Unsampled contexts are returned (`sampled` false, no collector) so that they propagate;
 *   no span is recorded for them.
 * - A malformed header never fails a request unless `onInvalidContext: "reject"` (a 400
 *   naming the header and the reason); by default the request is served untraced and a
 *   warning is printed at most once a minute.
 * - Root sampling: the parser's `sampler` (default `parentbased_always_off`, IOx's behaviour)
 *   decides whether a request without a context starts a trace; a trace started here (or by
 *   the debug header) has a server span without a parent. Unsampled requests propagate their
 *   decision with a span id of this service as the callee's parent.
 * - The handler runs inside the server span's context frame: with `@spanwire/trace/context`
 *   imported, `currentSpanContext()` and `currentSpanRecorder()` find it across awaits, and
 *   `tracedFetch` uses it when given no `spanContext`. {@linkcode serverSpanOf} gives the
 *   server span's recorder (rename, metadata, `recordException`).
 * - W3C Trace Context Level 2: the random flag is carried in and out, and set on new traces;
 *   a `tracestate` with repeated keys is kept, the first entry of a key winning.
 * - The server span is named after the request method unless `name` says otherwise, ends when
 *   the response body has been sent or cancelled (bytes counted as they stream, never
 *   buffered), and its status follows IOx's classification.
 *
 * @example Trace a Deno server and call another service inside the trace
 * ```ts
 * import { spanContextOf, traceLayer, tracedFetch } from "@spanwire/trace/http";
 * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const collector = new RingBufferTraceCollector(100);
 * const upstream = traceLayer((request) => {
 *   return new Response(`parent ${spanContextOf(request)?.parentSpanId}`);
 * }, { collector, name: "upstream" });
 * // Calls go to `upstream` directly here; a real service passes the global fetch.
 * const fetchTraced = tracedFetch({
 *   fetch: async (input, init) => await upstream(new Request(input, init)),
 * });
 * const app = traceLayer(async (request) => {
 *   const reply = await fetchTraced("http://upstream/", { spanContext: spanContextOf(request) });
 *   return new Response(await reply.text());
 * }, { collector, name: "app" });
 *
 * const response = await app(new Request("http://app/", { headers: { "jaeger-debug-id": "x" } }));
 * const body = await response.text();
 * // Spans are exported as they end: the upstream's server span when its (fixed) body is
 * // handed over, the client span when the upstream's response arrives, the app's last.
 * const names = collector.spans().map((span) => span.name);
 * assert.deepEqual(names, ["upstream", "GET", "app"]);
 * const [, client, appSpan] = collector.spans();
 * assert.equal(body, `parent ${client?.ctx.spanId}`);
 * assert.ok(client?.ctx.parentSpanId?.equals(appSpan?.ctx.spanId));
 * ```
 *
 * @module
 */

export { type Classification, classifyResponse, type Outcome } from "./classify.ts";
export {
  DEFAULT_INJECT_FORMATS,
  formatB3,
  formatJaegerTraceContext,
  formatTraceparent,
  type HeaderSink,
  type InjectOptions,
  injectTraceContext,
} from "./propagation.ts";
export { TraceContextError } from "./trace_context_error.ts";
export {
  ALL_TRACE_CONTEXT_FORMATS,
  type ExtractedTraceContext,
  type HeaderSource,
  JAEGER_DEBUG_ID_KEY,
  type NodeHeaders,
  type TraceContextFormat,
  TraceHeaderParser,
  type TraceHeaderParserOptions,
} from "./trace_header_parser.ts";
export {
  type FetchHandler,
  serverSpanOf,
  spanContextOf,
  traceLayer,
  type TraceLayerOptions,
} from "./trace_layer.ts";
export {
  type TracedFetch,
  tracedFetch,
  type TracedFetchOptions,
  type TracedRequestInit,
} from "./traced_fetch.ts";
