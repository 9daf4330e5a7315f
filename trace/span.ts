/**
 * {@linkcode Span}: an interval of work with a name, times, a status, metadata and events.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import type { TraceCollector } from "./collector.ts";
import { RateLimitedWarning } from "./_warning.ts";
import { SpanContext } from "./span_context.ts";
import { messageOf } from "./_text.ts";
import { MAX_LISTED_ENTRIES, MetadataList } from "./_metadata_list.ts";

/**
 * A number that is always exported as a float (a Jaeger `DOUBLE` tag), even when it is whole.
 * Make one with {@linkcode float}.
 *
 * @example
 * ```ts
 * import { Float } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new Float(2).value, 2);
 * ```
 */
export class Float {
  /** The number. */
  readonly value: number;

  /**
   * Wraps a number so it is exported as a float.
   *
   * @param value The number.
   */
  constructor(value: number) {
    this.value = value;
  }
}

/**
 * Marks a number to be exported as a float even when it is whole (`float(1)` is the double
 * `1.0`, not the integer `1`).
 *
 * @param value The number.
 * @returns The number, wrapped.
 *
 * @example
 * ```ts
 * import { float, SpanContext } from "@spanwire/trace/trace";
 *
 * const span = SpanContext.root().child("work");
 * span.setMetadata("ratio", float(1));
 * ```
 */
export function float(value: number): Float {
  return new Float(value);
}

/**
 * A metadata value. How each kind is exported (as a Jaeger tag):
 *
 * - `string`: a string.
 * - `boolean`: a bool.
 * - `number`: an integer (`LONG`) when it is a safe integer (`Number.isSafeInteger`), else a
 *   float (`DOUBLE`): `200` is an int, `0.25`, `NaN`, `Infinity` and `1e300` are floats.
 * - `bigint`: an integer (`LONG`) when it fits in a signed 64-bit integer, else its decimal
 *   string.
 * - {@linkcode Float} (from {@linkcode float}): always a float.
 *
 * @example
 * ```ts
 * import { float, type MetadataValue } from "@spanwire/trace/trace";
 *
 * const values: MetadataValue[] = ["GET", 200, 0.25, 12345678901234567890n, true, float(3)];
 * ```
 */
export type MetadataValue = string | number | bigint | boolean | Float;

/**
 * Metadata given as a plain object or a `Map`.
 *
 * @example
 * ```ts
 * import type { MetadataInit } from "@spanwire/trace/trace";
 *
 * const meta: MetadataInit = { key: "partition-42", rows: 10 };
 * ```
 */
export type MetadataInit =
  | Readonly<Record<string, MetadataValue>>
  | ReadonlyMap<string, MetadataValue>;

/**
 * The status of a span. The first status set (other than `unknown`) wins.
 *
 * @example
 * ```ts
 * import type { SpanStatus } from "@spanwire/trace/trace";
 *
 * const status: SpanStatus = "ok";
 * ```
 */
export type SpanStatus = "unknown" | "ok" | "error";

/**
 * The role of a span in a trace, as OpenTelemetry names it: `"server"` for the span of an
 * incoming request (made by `traceLayer` and `traceNodeListener`), `"client"` for an outgoing
 * call (made by `tracedFetch`), `"internal"` (the default) for work inside a service, and
 * `"producer"`/`"consumer"` for messaging. IOx's model has no kind; exporters map it where their
 * protocol has one.
 *
 * @example
 * ```ts
 * import { SpanContext, type SpanKind } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const span = SpanContext.root().child("GET /");
 * assert.equal(span.kind, "internal");
 * const kind: SpanKind = "server";
 * span.kind = kind;
 * ```
 */
export type SpanKind = "internal" | "server" | "client" | "producer" | "consumer";

/**
 * Read-only access to a span's metadata in insertion order (a `ReadonlyMap` is one): what
 * exporters read through {@linkcode Span.metadataView}.
 *
 * @example
 * ```ts
 * import { type MetadataView, Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const span = Span.root("job").setMetadata("a", 1).setMetadata("b", "x");
 * const view: MetadataView = span.metadataView;
 * const keys: string[] = [];
 * view.forEach((_value, key) => keys.push(key));
 * assert.deepEqual(keys, ["a", "b"]);
 * assert.ok(view.has("b"));
 * ```
 */
export interface MetadataView {
  /** The number of entries. */
  readonly size: number;
  /** Whether `key` has a value. */
  has(key: string): boolean;
  /** The value of `key`, or `undefined`. */
  get(key: string): MetadataValue | undefined;
  /** Calls `callback(value, key)` for each entry, in insertion order, with `thisArg` as `this`. */
  forEach(callback: (value: MetadataValue, key: string) => void, thisArg?: unknown): void;
}

/**
 * Something that happened at one moment during a span.
 *
 * @example
 * ```ts
 * import { SpanContext } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const span = SpanContext.root().child("work");
 * span.event("cache miss", { key: "partition-42" });
 * assert.equal(span.events[0]?.message, "cache miss");
 * assert.equal(span.events[0]?.metadata.get("key"), "partition-42");
 * ```
 */
export interface SpanEvent {
  /** When, in microseconds since the epoch. */
  readonly time: number;
  /** What happened. */
  readonly message: string;
  /** Details. */
  readonly metadata: ReadonlyMap<string, MetadataValue>;
}

const NO_METADATA: ReadonlyMap<string, MetadataValue> = new Map();
const collectorFailure = new RateLimitedWarning();
const noCollector = new RateLimitedWarning();

function toMap(init: MetadataInit): ReadonlyMap<string, MetadataValue> {
  if (init instanceof Map) return new Map(init);
  const map = new Map<string, MetadataValue>();
  for (const key in init) {
    if (Object.hasOwn(init, key)) map.set(key, (init as Record<string, MetadataValue>)[key]!);
  }
  return map;
}

/**
 * A span, as in IOx's `trace` crate: a named interval of work in a trace.
 *
 * A span is handed to its context's collector only by {@linkcode Span.export} (which a
 * `SpanRecorder` calls when it finishes); nothing is exported implicitly. A span is exported
 * at most once.
 *
 * @example Make, fill and export a span by hand
 * ```ts
 * import { RingBufferTraceCollector, Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const collector = new RingBufferTraceCollector(10);
 * const span = Span.root("GET /api/v2/query", collector);
 * span.start = 1_000;
 * span.setMetadata("http.status_code", 200);
 * span.event("cache miss", { key: "partition-42" });
 * span.ok();
 * span.error("too late"); // the first status wins
 * span.end = 2_500;
 * span.export();
 * assert.equal(collector.spans()[0]?.status, "ok");
 * ```
 */
export class Span {
  /** The operation name. */
  name: string;
  /** This span's context. */
  readonly ctx: SpanContext;
  /** Start time in microseconds since the epoch, if started. */
  start: number | undefined = undefined;
  /** End time in microseconds since the epoch, if ended. */
  end: number | undefined = undefined;
  /** The outcome; the first one set wins. */
  status: SpanStatus = "unknown";
  /** A message given with the status, if any. */
  statusMessage: string | undefined = undefined;
  /** The span's role (default `"internal"`); see {@linkcode SpanKind}. */
  kind: SpanKind = "internal";
  /** The metadata until a `Map` of it is asked for; then `undefined`. */
  #list: MetadataList | undefined = new MetadataList();
  /** The metadata once a `Map` of it has been asked for. */
  #map: Map<string, MetadataValue> | undefined = undefined;
  /** Events, in the order recorded. */
  readonly events: SpanEvent[] = [];
  #exported = false;

  /**
   * Makes a span; usually you call `ctx.child(name)` or {@linkcode Span.root} instead.
   *
   * @param name The operation name.
   * @param ctx The span's context.
   */
  constructor(name: string, ctx: SpanContext) {
    this.name = name;
    this.ctx = ctx;
  }

  /**
   * Makes a root span (no parent) in a new sampled trace.
   *
   * @param name The operation name.
   * @param collector Where the span is exported (optional).
   * @param options `clock` (default the system clock).
   * @returns The new span, not yet started.
   *
   * @example
   * ```ts
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const span = Span.root("job");
   * assert.equal(span.ctx.parentSpanId, undefined);
   * ```
   */
  static root(name: string, collector?: TraceCollector, options?: { clock?: Clock }): Span {
    return new Span(name, SpanContext.root(collector, options));
  }

  /**
   * Sets one metadata entry.
   *
   * @param key The key.
   * @param value The value.
   * @returns This span.
   *
   * @example
   * ```ts
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const span = Span.root("job").setMetadata("rows", 10);
   * assert.equal(span.metadata.get("rows"), 10);
   * ```
   */
  setMetadata(key: string, value: MetadataValue): this {
    const list = this.#list;
    if (list === undefined) this.#map!.set(key, value);
    else if (list.size < MAX_LISTED_ENTRIES) list.set(key, value);
    else this.metadata.set(key, value);
    return this;
  }

  /**
   * Key-value details, as a `Map` that stays this span's (set entries on it, or through
   * {@linkcode Span.setMetadata}). See {@linkcode MetadataValue} for how values are exported.
   *
   * A span keeps its metadata in a lighter list until this is first read, then in this `Map`;
   * exporters read {@linkcode Span.metadataView}, which makes no `Map`.
   *
   * @returns The span's metadata.
   *
   * @example
   * ```ts
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const span = Span.root("job").setMetadata("rows", 10);
   * span.metadata.set("cached", true);
   * assert.deepEqual([...span.metadata], [["rows", 10], ["cached", true]]);
   * ```
   */
  get metadata(): Map<string, MetadataValue> {
    let map = this.#map;
    if (map === undefined) {
      map = this.#map = this.#list!.toMap();
      this.#list = undefined;
    }
    return map;
  }

  /**
   * The metadata, read-only, in insertion order, without making the `Map` of
   * {@linkcode Span.metadata}: what exporters read. It reflects later changes.
   *
   * @returns A view of the span's metadata.
   *
   * @example
   * ```ts
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const view = Span.root("job").setMetadata("rows", 10).setMetadata("rows", 11).metadataView;
   * assert.equal(view.size, 1);
   * assert.equal(view.get("rows"), 11);
   * ```
   */
  get metadataView(): MetadataView {
    return this.#list ?? this.#map!;
  }

  /**
   * Records an event now (by the context's clock), or at `time`.
   *
   * @param message What happened.
   * @param metadata Details (optional).
   * @param time When, in microseconds since the epoch (default now).
   * @returns This span.
   *
   * @example
   * ```ts
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const span = Span.root("job").event("planned", { partitions: 3 }, 1_000);
   * assert.equal(span.events[0]?.time, 1_000);
   * ```
   */
  event(message: string, metadata?: MetadataInit, time?: number): this {
    this.events.push({
      time: time ?? this.ctx.clock.now(),
      message,
      metadata: metadata === undefined ? NO_METADATA : toMap(metadata),
    });
    return this;
  }

  /**
   * Sets the status unless one is already set (the first status wins).
   *
   * @param status The status.
   * @param message A message to keep with it (optional).
   * @returns This span.
   *
   * @example
   * ```ts
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const span = Span.root("job").setStatus("error", "timeout").setStatus("ok");
   * assert.equal(span.status, "error");
   * assert.equal(span.statusMessage, "timeout");
   * ```
   */
  setStatus(status: SpanStatus, message?: string): this {
    if (this.status === "unknown" && status !== "unknown") {
      this.status = status;
      this.statusMessage = message;
    }
    return this;
  }

  /**
   * Marks success (unless a status is already set). With a message, also records it as an
   * event, as IOx does.
   *
   * @param message A message (optional).
   * @returns This span.
   *
   * @example
   * ```ts
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const span = Span.root("job").ok("done");
   * assert.equal(span.status, "ok");
   * assert.equal(span.events[0]?.message, "done");
   * ```
   */
  ok(message?: string): this {
    if (message !== undefined) this.event(message);
    return this.setStatus("ok", message);
  }

  /**
   * Marks failure (unless a status is already set). With a message, also records it as an
   * event, as IOx does.
   *
   * @param message A message (optional).
   * @returns This span.
   *
   * @example
   * ```ts
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const span = Span.root("job").error("disk full");
   * assert.equal(span.status, "error");
   * assert.equal(span.statusMessage, "disk full");
   * ```
   */
  error(message?: string): this {
    if (message !== undefined) this.event(message);
    return this.setStatus("error", message);
  }

  /**
   * Links this span to another span's context (exported as a FOLLOWS_FROM reference).
   *
   * @param other The context to link to.
   * @returns This span.
   *
   * @example
   * ```ts
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const other = Span.root("producer");
   * const span = Span.root("consumer").link(other.ctx);
   * assert.ok(span.ctx.links[0]?.spanId.equals(other.ctx.spanId));
   * ```
   */
  link(other: SpanContext): this {
    this.ctx.links.push({ traceId: other.traceId, spanId: other.spanId });
    return this;
  }

  /**
   * Makes a child span (same as `span.ctx.child(name)`). It is not exported automatically.
   *
   * @param name The child's name.
   * @returns The child span.
   *
   * @example
   * ```ts
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const parent = Span.root("request");
   * assert.ok(parent.child("step").ctx.parentSpanId?.equals(parent.ctx.spanId));
   * ```
   */
  child(name: string): Span {
    return this.ctx.child(name);
  }

  /**
   * Whether {@linkcode Span.export} has handed this span to a collector already.
   *
   * @returns True after the first export.
   *
   * @example
   * ```ts
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const span = Span.root("job");
   * span.export();
   * assert.ok(span.exported);
   * ```
   */
  get exported(): boolean {
    return this.#exported;
  }

  /**
   * Hands this span to its context's collector, once; later calls do nothing. Never throws:
   * a collector that throws is reported with a rate-limited warning.
   *
   * @example
   * ```ts
   * import { RingBufferTraceCollector, Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const collector = new RingBufferTraceCollector(4);
   * const span = Span.root("job", collector);
   * span.export();
   * span.export();
   * assert.equal(collector.spans().length, 1);
   * ```
   */
  export(): void {
    if (this.#exported) return;
    this.#exported = true;
    const collector = this.ctx.collector;
    if (collector === undefined) {
      // A sampled span with nowhere to go is almost always a context made without a collector
      // (`parser.parse(headers)` with no collector): say so, rate-limited, rather than lose
      // every span silently.
      if (this.ctx.sampled) {
        noCollector.warn(
          `spanwire: span "${this.name}" is sampled but its context has no collector, so it is not recorded; give the context a collector (parser.parse(headers, collector), SpanContext.root(collector))`,
        );
      }
      return;
    }
    try {
      collector.export(this);
    } catch (error) {
      collectorFailure.warn(
        `spanwire: a trace collector threw while exporting span "${this.name}"; the span is lost: ${
          messageOf(error)
        }`,
      );
    }
  }
}
