// The server span's life, shared by `traceLayer` (fetch-style handlers) and the Node adapter:
// extract the context (or start a trace), start the span, classify the response, count the
// body, finish.
//
// The server span is a plain `SpanRecorder` (the handler reaches it through `serverSpanOf`
// or `currentSpanRecorder()`). Things that happen at the same instant share one reading of
// the clock through the recorder's optional times: when a fixed body is handed over,
// "request processed", "returned body data" and the end of the span are one moment, and one
// `clock.now()` serves them all.

import { RateLimitedWarning } from "../trace/_warning.ts";
import type { TraceCollector } from "../trace/collector.ts";
import { type ContextFrame, currentFrame } from "../trace/context_storage.ts";
import { type MetadataValue, Span } from "../trace/span.ts";
import { SpanRecorder } from "../trace/span_recorder.ts";
import type { HeaderSource } from "./_headers.ts";
import { type Classification, classifyResponse } from "./classify.ts";
import { TraceContextError } from "./trace_context_error.ts";
import { JAEGER_DEBUG_ID_KEY, TraceHeaderParser } from "./trace_header_parser.ts";
import { messageOf } from "../trace/_text.ts";

/** The options both server adapters take (documented on `TraceLayerOptions`). */
export interface ServerOptions<R> {
  parser?: TraceHeaderParser | undefined;
  collector?: TraceCollector | undefined;
  name?: (string | ((request: R) => string)) | undefined;
  onInvalidContext?: "ignore" | "reject" | undefined;
  warn?: ((message: string) => void) | undefined;
}

/**
 * What starting a request gave: a frame (the one the handler runs in, also kept on the
 * request) whose `recorder` records the server span when the request is traced, or whose
 * `spanContext` is the context to offer untraced (an unsampled decision to propagate); a
 * `TraceContextError` to answer with a 400 (reject mode); or `undefined` (nothing to trace or
 * propagate).
 */
export type Started = ContextFrame | TraceContextError | undefined;

/** Cuts a URL to its path (no scheme, host or query): what the span records. */
export function pathOf(url: string): string {
  let start = 0;
  const scheme = url.indexOf("://");
  if (scheme >= 0) {
    start = url.indexOf("/", scheme + 3);
    if (start < 0) return "/";
  }
  let end = url.length;
  const query = url.indexOf("?", start);
  if (query >= 0) end = query;
  const hash = url.indexOf("#", start);
  if (hash >= 0 && hash < end) end = hash;
  return url.slice(start, end) || "/";
}

/** One server's tracing set-up: parser, collector, naming, and its rate-limited warning. */
export class ServerTracer<R> {
  readonly parser: TraceHeaderParser;
  readonly collector: TraceCollector | undefined;
  readonly reject: boolean;
  readonly #name: string | ((request: R) => string) | undefined;
  readonly #warning: RateLimitedWarning;
  readonly #methodOf: (request: R) => string;
  readonly #urlOf: (request: R) => string;

  /**
   * @param options The adapter's options.
   * @param methodOf The request's method (read only for traced requests).
   * @param urlOf The request's URL or path (read only for traced requests).
   */
  constructor(
    options: ServerOptions<R>,
    methodOf: (request: R) => string,
    urlOf: (request: R) => string,
  ) {
    this.#methodOf = methodOf;
    this.#urlOf = urlOf;
    const mode = options.onInvalidContext ?? "ignore";
    if (mode !== "ignore" && mode !== "reject") {
      throw new TypeError(
        `Cannot trace requests: onInvalidContext ${
          JSON.stringify(mode)
        } is not "ignore" or "reject"`,
      );
    }
    this.parser = options.parser ?? new TraceHeaderParser();
    this.collector = options.collector;
    this.reject = mode === "reject";
    const name = options.name;
    this.#name = typeof name === "function" || typeof name === "string" ? name : undefined;
    this.#warning = new RateLimitedWarning(options.warn ?? console.warn);
  }

  #spanName(request: R, method: string): string {
    const name = this.#name;
    if (name === undefined) return method;
    if (typeof name === "string") return name;
    try {
      return name(request);
    } catch (error) {
      this.#warning.warn(`spanwire: the span name function threw: ${messageOf(error)}`);
      return method;
    }
  }

  /**
   * Extracts the context (a malformed one ignored restarts the trace, as W3C says, when the
   * sampler starts traces) and starts the server span when the request is traced.
   */
  start(request: R, headers: HeaderSource): Started {
    let found;
    try {
      found = this.parser.extract(headers, this.collector);
    } catch (error) {
      const invalid = error instanceof TraceContextError
        ? error
        : new TraceContextError("(unknown)", "", messageOf(error), { cause: error });
      if (this.reject) return invalid;
      this.#warning.warn(`spanwire: serving a request untraced: ${invalid.message}`);
      found = this.parser.startTrace(this.collector);
    }
    if (found === undefined) return undefined;
    const ctx = found.context;
    const foreign = currentFrame()?.foreign;
    if (!ctx.sampled || ctx.collector === undefined) {
      return { spanContext: ctx, recorder: undefined, foreign };
    }
    const method = this.#methodOf(request);
    const name = this.#spanName(request, method);
    // A trace started here: the root context is the server span's own (no parent).
    const span = found.started ? new Span(name, ctx) : ctx.child(name);
    span.kind = "server";
    span.setMetadata("http.method", method);
    span.setMetadata("http.path", pathOf(this.#urlOf(request)));
    if (found.debugId !== undefined) span.setMetadata(JAEGER_DEBUG_ID_KEY, found.debugId);
    return { spanContext: span.ctx, recorder: new SpanRecorder(span), foreign };
  }
}

/** The 400 response of `onInvalidContext: "reject"`: names the header and the reason. */
export function rejectionBody(error: TraceContextError): string {
  return `Invalid trace context header "${error.header}": ${error.reason}\n`;
}

/** The span clock's time now. */
export function nowOf(recorder: SpanRecorder): number {
  return recorder.span!.ctx.clock.now();
}

/** Records the status and its classification; returns the classification. */
export function recordStatus(
  recorder: SpanRecorder,
  status: number,
  headers?: { get(name: string): string | null },
): Classification {
  recorder.setMetadata("http.status_code", status);
  const c = classifyResponse(status, headers);
  if (!c.ok) recorder.error(c.message);
  return c;
}

/** A response without a body (or one never sent, as for HEAD): the span ends now. */
export function finishEmpty(recorder: SpanRecorder, c: Classification): void {
  recorder.setMetadata("http.response_body_size", 0);
  const now = nowOf(recorder);
  if (c.ok) {
    const message = "request processed with empty response";
    recorder.event(message, undefined, now).setStatus("ok", message);
  }
  recorder.finish(now);
}

// The details of "returned body data" (`size`), one map per size shared by every span that
// records it: events are read-only once recorded, and a server answers with a few sizes
// again and again, so each span keeps a reference rather than a map of its own (which is
// why this one event is pushed directly: `event()` copies its details).
const SIZE_DETAILS = new Map<number, ReadonlyMap<string, MetadataValue>>();
const MAX_SIZE_DETAILS = 256;

function sizeDetails(bytes: number): ReadonlyMap<string, MetadataValue> {
  let details = SIZE_DETAILS.get(bytes);
  if (details === undefined) {
    if (SIZE_DETAILS.size >= MAX_SIZE_DETAILS) SIZE_DETAILS.clear();
    details = new Map<string, MetadataValue>([["size", bytes]]);
    SIZE_DETAILS.set(bytes, details);
  }
  return details;
}

/** The body was sent in full (at `time`, default now). */
export function finishBody(
  recorder: SpanRecorder,
  c: Classification,
  bytes: number,
  time?: number,
): void {
  if (!recorder.recording) return;
  const now = time ?? nowOf(recorder);
  const span = recorder.span!;
  span.setMetadata("http.response_body_size", bytes);
  span.events.push({ time: now, message: "returned body data", metadata: sizeDetails(bytes) });
  if (c.ok) span.setStatus("ok");
  recorder.finish(now);
}

/** The client went away (or the server cancelled the body) before it was sent in full. */
export function finishCancelled(
  recorder: SpanRecorder,
  bytes: number | undefined,
  reason?: unknown,
): void {
  if (!recorder.recording) return;
  const details = new Map<string, MetadataValue>();
  details.set("when", "before fully returning body data");
  if (bytes !== undefined) {
    recorder.setMetadata("http.response_body_size", bytes);
    details.set("size", bytes);
  }
  if (reason !== undefined) details.set("reason", messageOf(reason).slice(0, 256));
  const now = nowOf(recorder);
  recorder.event("request cancelled", details, now);
  recorder.finish(now);
}

/** The body stream failed. */
export function finishBodyError(recorder: SpanRecorder, bytes: number, error: unknown): void {
  if (!recorder.recording) return;
  recorder.setMetadata("http.response_body_size", bytes);
  failed(recorder, `error getting body: ${messageOf(error)}`);
}

/** The handler threw (or returned no response). */
export function finishHandlerError(recorder: SpanRecorder, error: unknown): void {
  if (!recorder.recording) return;
  failed(recorder, `error processing request: ${messageOf(error)}`);
}

function failed(recorder: SpanRecorder, message: string): void {
  const now = nowOf(recorder);
  recorder.event(message, undefined, now).setStatus("error", message);
  recorder.finish(now);
}
