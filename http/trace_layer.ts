/**
 * {@linkcode traceLayer}: the server middleware of IOx's `trace_http`, for fetch-style
 * handlers (`Deno.serve`, `Bun.serve`, Hono's `app.fetch`, any runtime with `Request` and
 * `Response`), and {@linkcode spanContextOf} and {@linkcode serverSpanOf} to reach the server
 * span inside the handler.
 *
 * @module
 */

import type { TraceCollector } from "../trace/collector.ts";
import { type ContextFrame, runWithFrame } from "../trace/context_storage.ts";
import type { SpanContext } from "../trace/span_context.ts";
import type { SpanRecorder } from "../trace/span_recorder.ts";
import { getRequestFrame, setRequestFrame } from "./_context_store.ts";
import { completedOf, LARGE_BODY, planBody } from "./_body_plan.ts";
import {
  finishBody,
  finishBodyError,
  finishCancelled,
  finishEmpty,
  finishHandlerError,
  nowOf,
  recordStatus,
  rejectionBody,
  ServerTracer,
} from "./_server_span.ts";
import { TraceContextError } from "./trace_context_error.ts";
import type { Classification } from "./classify.ts";
import type { TraceHeaderParser } from "./trace_header_parser.ts";

/**
 * Options of {@linkcode traceLayer} (and of the Node adapter, with Node's request type as `R`).
 *
 * @typeParam R The request type the span name function receives.
 *
 * @example
 * ```ts
 * import { type TraceLayerOptions, TraceHeaderParser } from "@spanwire/trace/http";
 * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
 *
 * const options: TraceLayerOptions = {
 *   parser: new TraceHeaderParser({ formats: ["w3c", "jaeger"] }),
 *   collector: new RingBufferTraceCollector(100),
 *   name: (request) => `${request.method} ${new URL(request.url).pathname}`,
 *   onInvalidContext: "reject",
 * };
 * ```
 */
export interface TraceLayerOptions<R = Request> {
  /** Reads the incoming context (default `new TraceHeaderParser()`: every format). */
  parser?: TraceHeaderParser | undefined;
  /**
   * Where server spans go. Without one no span is made, though incoming contexts are still
   * read and offered to the handler for propagation.
   */
  collector?: TraceCollector | undefined;
  /**
   * The server span's name, or a function of the request giving it. Default: the request
   * method (`GET`), as OpenTelemetry's HTTP conventions name a server span whose route is not
   * known; pass a function for `GET /api/v2/query`-style names (mind the cardinality of names
   * made from raw paths), or a constant to name spans after the service as IOx does.
   */
  name?: (string | ((request: R) => string)) | undefined;
  /**
   * What to do with a request whose trace context header is malformed: `"ignore"` (default)
   * serves it untraced and warns, rate-limited to one warning a minute with a count of the
   * suppressed ones; `"reject"` answers 400 with a plain-text body naming the header and the
   * reason, without calling the handler.
   */
  onInvalidContext?: "ignore" | "reject" | undefined;
  /** Where warnings go (default `console.warn`). */
  warn?: ((message: string) => void) | undefined;
}

/**
 * The server span's context (to make child spans) of a request inside a handler wrapped by
 * {@linkcode traceLayer} or the Node adapter. When the request is not traced it is the
 * incoming context, if one came (for instance an unsampled one, which outgoing requests must
 * still carry); otherwise `undefined`.
 *
 * @param request The request the handler received (a `Request`, or Node's `IncomingMessage`).
 * @returns The context, if any.
 *
 * @example
 * ```ts
 * import { spanContextOf } from "@spanwire/trace/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(spanContextOf(new Request("http://localhost/")), undefined);
 * ```
 */
export function spanContextOf(request: object): SpanContext | undefined {
  return getRequestFrame(request)?.spanContext;
}

/**
 * The server span's recorder of a request inside a handler wrapped by {@linkcode traceLayer}
 * or the Node adapter, when the request is traced (else `undefined`): the handler sets
 * metadata on it, renames the span after the route that matched (`setName("GET
 * /api/v2/query")`, a template rather than the raw path), or records an exception
 * (`recordException(error)`: an event with the error's type, message and stack, and the span
 * marked as an error). The layer finishes it. With `@spanwire/trace/context` imported,
 * `currentSpanRecorder()` gives the same recorder anywhere below the handler.
 *
 * @param request The request the handler received (a `Request`, or Node's `IncomingMessage`).
 * @returns The recorder, if the request is traced.
 *
 * @example Rename the span after the route, record a failure
 * ```ts
 * import { serverSpanOf, traceLayer } from "@spanwire/trace/http";
 * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const collector = new RingBufferTraceCollector(10);
 * const handler = traceLayer((request: Request) => {
 *   const span = serverSpanOf(request);
 *   span?.setName("GET /api/v2/query").setMetadata("db.rows", 0);
 *   try {
 *     throw new RangeError("no such bucket");
 *   } catch (error) {
 *     span?.recordException(error);
 *     return new Response("not found", { status: 404 });
 *   }
 * }, { collector });
 *
 * await handler(new Request("http://localhost/api/v2/query?bucket=42", {
 *   headers: { "uber-trace-id": "3a43:432e345:0:1" },
 * }));
 * const [server] = collector.spans();
 * assert.equal(server?.name, "GET /api/v2/query");
 * assert.equal(server?.status, "error");
 * assert.equal(server?.events[0]?.metadata.get("exception.type"), "RangeError");
 * ```
 */
export function serverSpanOf(request: object): SpanRecorder | undefined {
  return getRequestFrame(request)?.recorder;
}

/** A fetch-style handler: a request (and whatever else the runtime passes) to a response. */
export type FetchHandler<A extends unknown[] = unknown[]> = (
  request: Request,
  ...rest: A
) => Response | Promise<Response>;

const encoder = new TextEncoder();

function withTraceId(response: Response, traceId: string): Response {
  try {
    response.headers.set("trace-id", traceId);
    return response;
  } catch {
    // Immutable headers (a `fetch` response, `Response.redirect`): copy the response. A
    // response that cannot be copied (a 101 upgrade, `Response.error()`) goes as it is.
    try {
      const copy = new Response(response.body, response);
      copy.headers.set("trace-id", traceId);
      return copy;
    } catch {
      return response;
    }
  }
}

function sizeOf(chunk: unknown): number {
  if (typeof chunk === "string") return encoder.encode(chunk).byteLength;
  return (chunk as { byteLength?: number } | undefined)?.byteLength ?? 0;
}

const PENDING: unique symbol = Symbol("pending");
type Pending = typeof PENDING;
const noop = (): void => {};
const toPending = (): Pending => PENDING;

/**
 * The read's result if the stream has it ready (a fixed body: a string or bytes), else
 * `PENDING`. "Ready" means settled within two microtask hops: a runtime's fixed-body stream
 * answers its first read that fast (Deno's needs one hop), while a read that waits on I/O
 * or a timer cannot. Misjudging only ever costs speed: a fixed body taken for a stream is
 * streamed, correctly.
 */
function readIfReady<T>(
  read: Promise<ReadableStreamReadResult<T>>,
): Promise<ReadableStreamReadResult<T> | Pending> {
  return Promise.race([read, Promise.resolve().then(noop).then(toPending)]);
}

/**
 * Wraps a body so that bytes are counted as the server pulls them, and the span finishes when
 * the body has been read in full, cancelled (the client went away) or failed. Each chunk is
 * read from the handler's stream only when the server asks for it.
 */
function countedBody(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  span: SpanRecorder,
  c: Classification,
): ReadableStream<Uint8Array> {
  let bytes = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller): Promise<void> {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        finishBodyError(span, bytes, error);
        controller.error(error);
        return;
      }
      if (result.done) {
        controller.close();
        finishBody(span, c, bytes);
        return;
      }
      bytes += sizeOf(result.value);
      controller.enqueue(result.value);
    },
    cancel(reason): Promise<void> {
      finishCancelled(span, bytes, reason);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** Settles the span once the runtime says the response went out (or at once without it). */
function finishWhenSent(
  span: SpanRecorder,
  c: Classification,
  bytes: number,
  completed: Promise<void> | undefined,
): void {
  if (completed === undefined) {
    finishBody(span, c, bytes);
    return;
  }
  completed.then(
    () => finishBody(span, c, bytes),
    (reason) => finishCancelled(span, undefined, reason),
  );
}

/** The response with its body streamed through a counting pull-through stream. */
function streamed(
  response: Response,
  span: SpanRecorder,
  c: Classification,
  traceId: string,
): Response {
  const traced = new Response(countedBody(response.body!.getReader(), span, c), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  traced.headers.set("trace-id", traceId);
  return traced;
}

/**
 * The portable way to count a body of unknown shape (runtimes other than Deno): look at it
 * through a `clone()`, which leaves the response untouched. A fixed body (a string or bytes,
 * whose one chunk the clone has ready at once) is counted from the clone, and the response
 * goes to the runtime as it came, keeping the runtime's fast path and `content-length`. Any
 * other body (a stream whose chunks come later, or come several) is streamed through a
 * counting pull-through stream.
 */
async function lookAhead(
  response: Response,
  span: SpanRecorder,
  c: Classification,
  traceId: string,
  info: unknown,
): Promise<Response> {
  let copy: Response;
  try {
    copy = response.clone();
  } catch {
    // A body already read or locked: nothing to count or send.
    finishEmpty(span, c);
    return withTraceId(response, traceId);
  }
  const copyBody = copy.body;
  if (copyBody === null) {
    finishEmpty(span, c);
    return withTraceId(response, traceId);
  }
  span.event("request processed");
  const reader = copyBody.getReader();
  const first = await readIfReady(reader.read());
  if (first !== PENDING) {
    if (first.done) {
      finishWhenSent(span, c, 0, undefined);
      return withTraceId(response, traceId);
    }
    const second = await readIfReady(reader.read());
    if (second !== PENDING && second.done) {
      // A small fixed body goes out in one write as it is handed over; a large one may take
      // a while, and the span waits for the runtime's word that it was delivered.
      const bytes = sizeOf(first.value);
      finishWhenSent(span, c, bytes, bytes > LARGE_BODY ? completedOf(info) : undefined);
      return withTraceId(response, traceId);
    }
  }
  // A real stream: drop the look-ahead copy (the response keeps every chunk) and count the
  // body as it is sent.
  reader.cancel().catch(noop);
  return streamed(response, span, c, traceId);
}

/**
 * Classifies the response, counts its body as `planBody` says, finishes the span (now or when
 * the body has been sent) and adds the `trace-id` header. Synchronous for every body but a
 * streamed one of a runtime whose bodies cannot be looked into (see `_deno_body.ts`).
 */
function respond(
  response: Response,
  info: unknown,
  span: SpanRecorder,
  method: string,
): Response | Promise<Response> {
  if (!(response instanceof Response)) {
    finishHandlerError(span, new TypeError("the handler did not return a Response"));
    return response;
  }
  const c = recordStatus(span, response.status, response.headers);
  const traceId = span.span!.ctx.traceId.toString();
  const plan = planBody(response, method, info);
  switch (plan.how) {
    case "empty":
      finishEmpty(span, c);
      return withTraceId(response, traceId);
    case "fixed": {
      if (plan.waitFor === undefined) {
        const now = nowOf(span);
        if (plan.processed) span.event("request processed", undefined, now);
        finishBody(span, c, plan.bytes, now);
      } else {
        if (plan.processed) span.event("request processed");
        finishWhenSent(span, c, plan.bytes, plan.waitFor);
      }
      return withTraceId(response, traceId);
    }
    case "stream":
      span.event("request processed");
      return streamed(response, span, c, traceId);
    case "look-ahead":
      return lookAhead(response, span, c, traceId, info);
  }
}

/** Runs the handler for a traced request (inside its frame) and answers through `respond`. */
function traced<A extends unknown[]>(
  handler: FetchHandler<A>,
  request: Request,
  rest: A,
  frame: ContextFrame,
): Response | Promise<Response> {
  const span = frame.recorder!;
  const method = request.method;
  let result: Response | Promise<Response>;
  try {
    result = runWithFrame(frame, () => handler(request, ...rest));
  } catch (error) {
    finishHandlerError(span, error);
    throw error;
  }
  // A synchronous Response is answered synchronously where the body allows it.
  if (result instanceof Response) return respond(result, rest[0], span, method);
  return Promise.resolve(result).then(
    (response) => respond(response, rest[0], span, method),
    (error: unknown) => {
      finishHandlerError(span, error);
      throw error;
    },
  );
}

const methodOf = (request: Request): string => request.method;
const urlOf = (request: Request): string => request.url;

/**
 * Wraps a fetch-style handler with IOx's `TraceLayer` behaviour.
 *
 * For each request it reads the incoming trace context (see `TraceHeaderParser`). When the
 * context is sampled and a collector is configured it makes a server span, a child of the
 * caller's span (so the span's parent is the incoming span id), which:
 *
 * - has `kind` `"server"` (the `span.kind` tag in Jaeger); records `http.method`, `http.path` (no query string: queries
 *   often carry secrets), `http.status_code`, `http.response_body_size`, and the Jaeger debug
 *   id under `jaeger-debug-id` when the debug header started the trace;
 * - records IOx's events: "request processed" when the handler returns a response with a
 *   body, "request processed with empty response" when it has none, "returned body data"
 *   (with the byte count) when the body has been sent, "request cancelled" when the client
 *   went away first;
 * - takes its status from the response by IOx's classification (`classifyResponse`: 2xx and
 *   304 ok; 404, 405, other 4xx and 501, other 5xx errors);
 * - finishes when the response body has been sent in full, or cancelled, or has failed,
 *   counting its bytes without ever buffering it:
 *   - a streamed body goes through a counting pull-through stream: each chunk is counted as
 *     the server pulls it, and the span ends when the stream ends,
 *     is cancelled (the client went away: event "request cancelled", status left unset as
 *     IOx leaves it) or fails (status error);
 *   - a fixed body (a string, bytes, an `ArrayBuffer`, `URLSearchParams`, `Response.json`)
 *     is never read: the response goes to the runtime untouched, keeping its fast path and
 *     `content-length`, and the span ends when the body is handed over (a synchronous
 *     handler's response is answered synchronously), or, above 64 KiB, when Deno's
 *     `info.completed` says it was delivered. On Deno its size is read from the response as
 *     the runtime keeps it; elsewhere it is counted through a `clone()` (telling a fixed body
 *     from a stream there costs a stream at most its first chunk read early, held in the
 *     response's own queue until the server takes it; nothing more is read ahead and nothing
 *     is buffered);
 *   - with a `content-length` header and Deno's `info.completed`, the body is not looked at:
 *     its size is the header's and the span ends on delivery (or cancellation);
 *   - a null body, a `HEAD` request or a 101 upgrade ends the span when the handler returns.
 *
 * The response then carries a `trace-id` header: the trace id as 32 lower-case hex digits
 * (IOx trims leading zeros; the full width is what W3C and the Jaeger UI show). Inside the
 * handler, {@linkcode spanContextOf} gives the server span's context, for child spans and
 * outgoing requests. A handler that throws (or rejects) marks the span as an error, finishes
 * it, and the error is rethrown to the runtime unchanged.
 *
 * A malformed context header never fails the request unless `onInvalidContext` is
 * `"reject"`: by default it is served untraced with a rate-limited warning, as IOx does.
 * Untraced requests (no context, an unsampled one, no collector) pass straight through: the
 * handler's own result is returned as it is, synchronous or not.
 *
 * @typeParam A The arguments the runtime passes after the request (Deno's `info`, ...).
 * @param handler The handler to wrap.
 * @param options Parser, collector, span name, malformed-header policy, warning sink.
 * @returns The wrapped handler, with the same parameters.
 *
 * @example Serve with tracing (here driven without a server)
 * ```ts
 * import { spanContextOf, traceLayer } from "@spanwire/trace/http";
 * import { RingBufferTraceCollector, SpanRecorder } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const collector = new RingBufferTraceCollector(10);
 * const handler = traceLayer((request: Request) => {
 *   using step = new SpanRecorder(spanContextOf(request)?.child("plan"));
 *   step.ok();
 *   return new Response("hello");
 * }, { collector });
 * // With Deno: Deno.serve({ port: 8080 }, handler);
 *
 * const response = await handler(new Request("http://localhost/api/v2/query?q=1", {
 *   headers: { "uber-trace-id": "3a43:432e345:0:1" },
 * }));
 * assert.equal(response.headers.get("trace-id"), "00000000000000000000000000003a43");
 * assert.equal(await response.text(), "hello");
 * const [plan, server] = collector.spans();
 * assert.equal(server?.metadata.get("http.path"), "/api/v2/query");
 * assert.equal(server?.ctx.parentSpanId?.toString(), "000000000432e345");
 * assert.ok(plan?.ctx.parentSpanId?.equals(server?.ctx.spanId));
 * assert.equal(server?.status, "ok");
 * ```
 */
export function traceLayer<A extends unknown[]>(
  handler: FetchHandler<A>,
  options: TraceLayerOptions<Request> = {},
): (request: Request, ...rest: A) => Response | Promise<Response> {
  if (typeof handler !== "function") {
    throw new TypeError("Cannot make traceLayer: the handler is not a function");
  }
  const tracer = new ServerTracer<Request>(options, methodOf, urlOf);
  return (request: Request, ...rest: A): Response | Promise<Response> => {
    const started = tracer.start(request, request.headers);
    if (started === undefined) return handler(request, ...rest);
    if (started instanceof TraceContextError) {
      return new Response(rejectionBody(started), {
        status: 400,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    }
    setRequestFrame(request, started);
    if (started.recorder !== undefined) return traced(handler, request, rest, started);
    // Untraced with a context (unsampled, or no collector): offered to the handler, whose
    // own result is returned as it gives it (a runtime answers a synchronous Response faster
    // than a promise).
    return runWithFrame(started, () => handler(request, ...rest));
  };
}
