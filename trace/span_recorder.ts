/**
 * {@linkcode SpanRecorder}: times a span from creation to `finish()` (or the end of a `using`
 * block) and exports it. A recorder over no span does nothing, so unsampled paths cost next to
 * nothing.
 *
 * @module
 */

import type { MetadataInit, MetadataValue, Span, SpanStatus } from "./span.ts";
import type { SpanContext } from "./span_context.ts";
import { EXCEPTION_EVENT, exceptionDetails } from "./_exception.ts";

/**
 * Records a span, as IOx's `SpanRecorder`: creation stamps the start time; `finish()` sets
 * `start = min(start, now)` and `end = max(end, now)`, then exports the span, exactly once.
 * `using` finishes it at the end of the block.
 *
 * Every method is a no-op on a recorder made without a span (`new SpanRecorder()`), and after
 * `finish()`: a finished span belongs to its collector and is not changed any more.
 *
 * @example Record a request and a child step
 * ```ts
 * import { RingBufferTraceCollector, SpanContext, SpanRecorder } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const collector = new RingBufferTraceCollector(10);
 * const root = SpanContext.root(collector);
 * {
 *   using request = new SpanRecorder(root.child("request"));
 *   request.setMetadata("http.method", "GET");
 *   {
 *     using plan = request.child("plan");
 *     plan.event("cache miss", { key: "partition-42" });
 *     plan.ok();
 *   }
 *   request.ok();
 * }
 * assert.deepEqual(collector.spans().map((s) => s.name), ["plan", "request"]);
 * ```
 *
 * @example A recorder over no span does nothing
 * ```ts
 * import { SpanRecorder } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * using recorder = new SpanRecorder(undefined);
 * recorder.setMetadata("ignored", true).child("also ignored").finish();
 * assert.equal(recorder.span, undefined);
 * ```
 */
export class SpanRecorder implements Disposable {
  #span: Span | undefined;
  #open: boolean;

  /**
   * Starts recording `span` (stamping its start time by its context's clock), or makes a
   * no-op recorder when `span` is undefined.
   *
   * @param span The span to record, if any.
   */
  constructor(span?: Span) {
    this.#span = span;
    this.#open = span !== undefined;
    if (span !== undefined) span.start = span.ctx.clock.now();
  }

  /**
   * The recorded span, or `undefined` for a no-op recorder. Still readable after `finish()`.
   *
   * @returns The span.
   */
  get span(): Span | undefined {
    return this.#span;
  }

  /**
   * Whether the recorder has a span that is not finished yet.
   *
   * @returns True while recording.
   */
  get recording(): boolean {
    return this.#open;
  }

  /**
   * Sets a metadata entry on the span.
   *
   * @param key The key.
   * @param value The value.
   * @returns This recorder.
   */
  setMetadata(key: string, value: MetadataValue): this {
    if (this.#open) this.#span!.setMetadata(key, value);
    return this;
  }

  /**
   * Records an event on the span, now (by the span's clock) or at `time`.
   *
   * @param message What happened.
   * @param metadata Details (optional).
   * @param time When, in microseconds since the epoch (default now): lets one reading of the
   *   clock serve several records made at the same moment.
   * @returns This recorder.
   *
   * @example
   * ```ts
   * import { SpanContext, SpanRecorder } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const recorder = new SpanRecorder(SpanContext.root().child("job"));
   * recorder.event("planned", { partitions: 3 }, 1_000);
   * assert.equal(recorder.span?.events[0]?.time, 1_000);
   * ```
   */
  event(message: string, metadata?: MetadataInit, time?: number): this {
    if (this.#open) this.#span!.event(message, metadata, time);
    return this;
  }

  /**
   * Renames the span: for instance after the route that matched (`GET /api/v2/query`, a
   * template rather than the raw path, to keep the number of names small).
   *
   * @param name The new name.
   * @returns This recorder.
   *
   * @example
   * ```ts
   * import { SpanContext, SpanRecorder } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const recorder = new SpanRecorder(SpanContext.root().child("GET"));
   * recorder.setName("GET /api/v2/query");
   * assert.equal(recorder.span?.name, "GET /api/v2/query");
   * ```
   */
  setName(name: string): this {
    if (this.#open) this.#span!.name = name;
    return this;
  }

  /**
   * Records an exception, as OpenTelemetry's conventions do: an event `exception` with
   * `exception.type` (the error's `code` if it has one, else its `name`; a value that is not an
   * object, its type), `exception.message` and, when there is one, `exception.stacktrace` (cut
   * to 4096 characters); a string is the message alone. Marks the span as an error (unless a
   * status is set) with the message.
   *
   * @param error What was thrown.
   * @param time When, in microseconds since the epoch (default now).
   * @returns This recorder.
   *
   * @example
   * ```ts
   * import { SpanContext, SpanRecorder } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const recorder = new SpanRecorder(SpanContext.root().child("job"));
   * recorder.recordException(new RangeError("too many rows"));
   * const event = recorder.span?.events[0];
   * assert.equal(event?.message, "exception");
   * assert.equal(event?.metadata.get("exception.type"), "RangeError");
   * assert.equal(event?.metadata.get("exception.message"), "too many rows");
   * assert.match(String(event?.metadata.get("exception.stacktrace")), /RangeError: too many rows/);
   * assert.equal(recorder.span?.status, "error");
   * ```
   */
  recordException(error: unknown, time?: number): this {
    if (!this.#open) return this;
    const { details, message } = exceptionDetails(error);
    const span = this.#span!;
    span.event(EXCEPTION_EVENT, details, time);
    span.setStatus("error", message);
    return this;
  }

  /**
   * Marks success unless a status is set; a message is also recorded as an event.
   *
   * @param message A message (optional).
   * @returns This recorder.
   */
  ok(message?: string): this {
    if (this.#open) this.#span!.ok(message);
    return this;
  }

  /**
   * Marks failure unless a status is set; a message is also recorded as an event.
   *
   * @param message A message (optional).
   * @returns This recorder.
   */
  error(message?: string): this {
    if (this.#open) this.#span!.error(message);
    return this;
  }

  /**
   * Sets the status unless one is set.
   *
   * @param status The status.
   * @param message A message to keep with it (optional).
   * @returns This recorder.
   */
  setStatus(status: SpanStatus, message?: string): this {
    if (this.#open) this.#span!.setStatus(status, message);
    return this;
  }

  /**
   * Links the span to another context.
   *
   * @param other The context to link to.
   * @returns This recorder.
   */
  link(other: SpanContext): this {
    if (this.#open) this.#span!.link(other);
    return this;
  }

  /**
   * Makes a child span of the recorded span, or `undefined` for a no-op recorder.
   *
   * @param name The child's name.
   * @returns The child span (not started, not exported).
   */
  childSpan(name: string): Span | undefined {
    return this.#span?.ctx.child(name);
  }

  /**
   * Starts recording a child span; a no-op recorder's child is a no-op recorder.
   *
   * @param name The child's name.
   * @returns A recorder for the child.
   */
  child(name: string): SpanRecorder {
    return new SpanRecorder(this.#span?.ctx.child(name));
  }

  /**
   * Ends the span (`start = min(start, now)`, `end = max(end, now)`) and exports it. Only
   * the first call does anything.
   *
   * @param time The end, in microseconds since the epoch (default now by the span's clock):
   *   for a span that ends at a moment already read from the clock.
   *
   * @example
   * ```ts
   * import { ManualClock, RingBufferTraceCollector, SpanContext, SpanRecorder } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const collector = new RingBufferTraceCollector(1);
   * const clock = new ManualClock(1_000);
   * const recorder = new SpanRecorder(SpanContext.root(collector, { clock }).child("job"));
   * recorder.finish(1_500);
   * assert.equal(collector.spans()[0]?.end, 1_500);
   * ```
   */
  finish(time?: number): void {
    if (!this.#open) return;
    this.#open = false;
    const span = this.#span!;
    const now = time ?? span.ctx.clock.now();
    span.start = span.start === undefined ? now : Math.min(span.start, now);
    span.end = span.end === undefined ? now : Math.max(span.end, now);
    span.export();
  }

  /** Finishes the span: what `using` calls at the end of the block. */
  [Symbol.dispose](): void {
    this.finish();
  }
}
