// The server span's life, shared by `traceLayer` (fetch-style handlers) and the Node adapter:
// extract the context, start the span, classify the response, count the body, finish.
//
// The span is recorded with `SpanRecorder`'s rules (start stamped at creation; on finish
// start = min(start, now), end = max(end, now), then exported once), but by `ServerSpan`,
// which lets things that happen at the same instant share one reading of the clock: when a
// fixed body is handed over, "request processed", "returned body data" and the end of the
// span are one moment, and one `clock.now()` serves them all.

import { RateLimitedWarning } from "../trace/_warning.ts";
import type { Clock } from "../trace/clock.ts";
import type { TraceCollector } from "../trace/collector.ts";
import type { MetadataValue, Span } from "../trace/span.ts";
import type { SpanContext } from "../trace/span_context.ts";
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
 * A server span being recorded: `SpanRecorder`'s rules, with an explicit time where one
 * reading of the clock serves several records.
 */
export class ServerSpan {
  /** The span. */
  readonly span: Span;
  /** The span's context (what the handler sees). */
  readonly ctx: SpanContext;
  /** The request method. */
  readonly method: string;
  readonly #clock: Clock;
  #open = true;

  constructor(span: Span, method: string) {
    this.span = span;
    this.ctx = span.ctx;
    this.method = method;
    this.#clock = span.ctx.clock;
    span.start = this.#clock.now();
  }

  /** Whether the span is not finished yet. */
  get recording(): boolean {
    return this.#open;
  }

  /** The span clock's time now. */
  now(): number {
    return this.#clock.now();
  }

  setMetadata(key: string, value: MetadataValue): void {
    if (this.#open) this.span.metadata.set(key, value);
  }

  /** Records an event without details, at `time` (default now). */
  event(message: string, time?: number): void {
    if (this.#open) this.span.event(message, undefined, time ?? this.#clock.now());
  }

  /** Records an event with details, at `time` (default now). */
  eventWith(message: string, metadata: ReadonlyMap<string, MetadataValue>, time?: number): void {
    if (this.#open) {
      this.span.events.push({ time: time ?? this.#clock.now(), message, metadata });
    }
  }

  /** Marks success unless a status is set; a message is also recorded as an event. */
  ok(message?: string, time?: number): void {
    if (!this.#open) return;
    if (message !== undefined) this.event(message, time);
    this.span.setStatus("ok", message);
  }

  /** Marks failure unless a status is set; a message is also recorded as an event. */
  error(message?: string, time?: number): void {
    if (!this.#open) return;
    if (message !== undefined) this.event(message, time);
    this.span.setStatus("error", message);
  }

  /** Ends the span at `time` (default now) and exports it; only the first call does. */
  finish(time?: number): void {
    if (!this.#open) return;
    this.#open = false;
    const span = this.span;
    const now = time ?? this.#clock.now();
    span.start = span.start === undefined ? now : Math.min(span.start, now);
    span.end = span.end === undefined ? now : Math.max(span.end, now);
    span.export();
  }
}

/**
 * What starting a request gave: a `ServerSpan` when traced, a `TraceContextError` to answer
 * with a 400 (reject mode), else the incoming context to offer untraced, if any.
 */
export type Started = ServerSpan | TraceContextError | SpanContext | undefined;

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

  /** Extracts the context and starts the server span when the request is traced. */
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
      return undefined;
    }
    if (found === undefined) return undefined;
    const ctx = found.context;
    if (!ctx.sampled || ctx.collector === undefined) return ctx;
    const method = this.#methodOf(request);
    const span = ctx.child(this.#spanName(request, method));
    span.kind = "server";
    const metadata = span.metadata;
    metadata.set("span.kind", "server");
    metadata.set("http.method", method);
    metadata.set("http.path", pathOf(this.#urlOf(request)));
    if (found.debugId !== undefined) metadata.set(JAEGER_DEBUG_ID_KEY, found.debugId);
    return new ServerSpan(span, method);
  }
}

/** The 400 response of `onInvalidContext: "reject"`: names the header and the reason. */
export function rejectionBody(error: TraceContextError): string {
  return `Invalid trace context header "${error.header}": ${error.reason}\n`;
}

/** Records the status and its classification; returns the classification. */
export function recordStatus(
  span: ServerSpan,
  status: number,
  headers?: { get(name: string): string | null },
): Classification {
  span.setMetadata("http.status_code", status);
  const c = classifyResponse(status, headers);
  if (!c.ok) span.error(c.message);
  return c;
}

/** A response without a body (or one never sent, as for HEAD): the span ends now. */
export function finishEmpty(span: ServerSpan, c: Classification): void {
  span.setMetadata("http.response_body_size", 0);
  const now = span.now();
  if (c.ok) span.ok("request processed with empty response", now);
  span.finish(now);
}

// The details of "returned body data" (`size`), one map per size shared by every span that
// records it: events are read-only once recorded, and a server answers with a few sizes
// again and again, so each span keeps a reference rather than a map of its own.
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
  span: ServerSpan,
  c: Classification,
  bytes: number,
  time?: number,
): void {
  const now = time ?? span.now();
  span.setMetadata("http.response_body_size", bytes);
  span.eventWith("returned body data", sizeDetails(bytes), now);
  if (c.ok) span.ok();
  span.finish(now);
}

/** The client went away (or the server cancelled the body) before it was sent in full. */
export function finishCancelled(
  span: ServerSpan,
  bytes: number | undefined,
  reason?: unknown,
): void {
  const details = new Map<string, MetadataValue>();
  details.set("when", "before fully returning body data");
  if (bytes !== undefined) {
    span.setMetadata("http.response_body_size", bytes);
    details.set("size", bytes);
  }
  if (reason !== undefined) details.set("reason", messageOf(reason).slice(0, 256));
  const now = span.now();
  span.eventWith("request cancelled", details, now);
  span.finish(now);
}

/** The body stream failed. */
export function finishBodyError(span: ServerSpan, bytes: number, error: unknown): void {
  span.setMetadata("http.response_body_size", bytes);
  const now = span.now();
  span.error(`error getting body: ${messageOf(error)}`, now);
  span.finish(now);
}

/** The handler threw (or returned no response). */
export function finishHandlerError(span: ServerSpan, error: unknown): void {
  const now = span.now();
  span.error(`error processing request: ${messageOf(error)}`, now);
  span.finish(now);
}
