// The server span's life, shared by `traceLayer` (fetch-style handlers) and the Node adapter:
// extract the context, start the span, classify the response, count the body, finish.

import { RateLimitedWarning } from "../trace/_warning.ts";
import type { TraceCollector } from "../trace/collector.ts";
import type { SpanContext } from "../trace/span_context.ts";
import { SpanRecorder } from "../trace/span_recorder.ts";
import type { HeaderSource } from "./_headers.ts";
import { type Classification, classifyResponse } from "./classify.ts";
import { TraceContextError } from "./trace_context_error.ts";
import { JAEGER_DEBUG_ID_KEY, TraceHeaderParser } from "./trace_header_parser.ts";

/** The options both server adapters take (documented on `TraceLayerOptions`). */
export interface ServerOptions<R> {
  parser?: TraceHeaderParser;
  collector?: TraceCollector;
  name?: string | ((request: R) => string);
  onInvalidContext?: "ignore" | "reject";
  warn?: (message: string) => void;
}

/** What starting a request gave. */
export type Started =
  | { readonly kind: "reject"; readonly error: TraceContextError }
  | { readonly kind: "untraced"; readonly ctx: SpanContext | undefined }
  | { readonly kind: "traced"; readonly recorder: SpanRecorder; readonly ctx: SpanContext };

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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One server's tracing set-up: parser, collector, naming, and its rate-limited warning. */
export class ServerTracer<R> {
  readonly parser: TraceHeaderParser;
  readonly collector: TraceCollector | undefined;
  readonly reject: boolean;
  readonly #name: (request: R, method: string) => string;
  readonly #warning: RateLimitedWarning;

  constructor(options: ServerOptions<R>) {
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
    this.#name = typeof name === "function"
      ? (request) => name(request)
      : typeof name === "string"
      ? () => name
      : (_request, method) => method;
    this.#warning = new RateLimitedWarning(options.warn ?? console.warn);
  }

  /** Extracts the context and starts the server span when the request is traced. */
  start(request: R, headers: HeaderSource, method: string, url: string): Started {
    let found;
    try {
      found = this.parser.extract(headers, this.collector);
    } catch (error) {
      const invalid = error instanceof TraceContextError
        ? error
        : new TraceContextError("(unknown)", "", messageOf(error), { cause: error });
      if (this.reject) return { kind: "reject", error: invalid };
      this.#warning.warn(`spanwire: serving a request untraced: ${invalid.message}`);
      return { kind: "untraced", ctx: undefined };
    }
    const ctx = found?.context;
    if (ctx === undefined || !ctx.sampled || ctx.collector === undefined) {
      return { kind: "untraced", ctx };
    }
    let name: string;
    try {
      name = this.#name(request, method);
    } catch (error) {
      name = method;
      this.#warning.warn(`spanwire: the span name function threw: ${messageOf(error)}`);
    }
    const span = ctx.child(name);
    span.setMetadata("span.kind", "server");
    span.setMetadata("http.method", method);
    span.setMetadata("http.path", pathOf(url));
    if (found!.debugId !== undefined) span.setMetadata(JAEGER_DEBUG_ID_KEY, found!.debugId);
    return { kind: "traced", recorder: new SpanRecorder(span), ctx: span.ctx };
  }
}

/** The 400 response of `onInvalidContext: "reject"`: names the header and the reason. */
export function rejectionBody(error: TraceContextError): string {
  return `Invalid trace context header "${error.header}": ${error.reason}\n`;
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
  if (c.ok) recorder.ok("request processed with empty response");
  recorder.finish();
}

/** The body was sent in full. */
export function finishBody(recorder: SpanRecorder, c: Classification, bytes: number): void {
  recorder.setMetadata("http.response_body_size", bytes);
  recorder.event("returned body data", { size: bytes });
  if (c.ok) recorder.ok();
  recorder.finish();
}

/** The client went away (or the server cancelled the body) before it was sent in full. */
export function finishCancelled(
  recorder: SpanRecorder,
  bytes: number | undefined,
  reason?: unknown,
): void {
  const meta: Record<string, string | number> = { when: "before fully returning body data" };
  if (bytes !== undefined) {
    recorder.setMetadata("http.response_body_size", bytes);
    meta.size = bytes;
  }
  if (reason !== undefined) meta.reason = messageOf(reason).slice(0, 256);
  recorder.event("request cancelled", meta);
  recorder.finish();
}

/** The body stream failed. */
export function finishBodyError(recorder: SpanRecorder, bytes: number, error: unknown): void {
  recorder.setMetadata("http.response_body_size", bytes);
  recorder.error(`error getting body: ${messageOf(error)}`);
  recorder.finish();
}

/** The handler threw (or returned no response). */
export function finishHandlerError(recorder: SpanRecorder, error: unknown): void {
  recorder.error(`error processing request: ${messageOf(error)}`);
  recorder.finish();
}
