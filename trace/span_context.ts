/**
 * {@linkcode SpanContext}: the immutable identity of a span, with everything needed to make
 * its children.
 *
 * @module
 */

import { type Clock, systemClock } from "./clock.ts";
import type { TraceCollector } from "./collector.ts";
import { SpanId, TraceId } from "./ids.ts";
import { Span } from "./span.ts";

/**
 * A link from one span to another, possibly in another trace (a Jaeger FOLLOWS_FROM reference).
 *
 * @example
 * ```ts
 * import { type SpanLink, SpanId, TraceId } from "@spanwire/trace/trace";
 *
 * const link: SpanLink = { traceId: TraceId.parse("1"), spanId: SpanId.parse("2") };
 * ```
 */
export interface SpanLink {
  /** The trace of the linked span. */
  readonly traceId: TraceId;
  /** The linked span. */
  readonly spanId: SpanId;
}

/**
 * The fields of a {@linkcode SpanContext}; all but the ids are optional.
 *
 * @example
 * ```ts
 * import { type SpanContextInit, SpanId, TraceId } from "@spanwire/trace/trace";
 *
 * const init: SpanContextInit = { traceId: TraceId.random(), spanId: SpanId.random() };
 * ```
 */
export interface SpanContextInit {
  /** The trace this span belongs to. */
  traceId: TraceId;
  /** This span's id. */
  spanId: SpanId;
  /** The parent span's id; absent for a root span. */
  parentSpanId?: SpanId | undefined;
  /** Links to other spans (default none). */
  links?: SpanLink[] | undefined;
  /** Whether spans of this trace are recorded (default true). */
  sampled?: boolean | undefined;
  /** Where spans made from this context are exported (default none: nothing is exported). */
  collector?: TraceCollector | undefined;
  /** The clock for span times (default {@linkcode systemClock}). */
  clock?: Clock | undefined;
  /** A W3C `tracestate` value carried through to outgoing requests, unparsed. */
  traceState?: string | undefined;
  /**
   * Whether the right-most 7 bytes of the trace id are random: W3C Trace Context Level 2's
   * `random-trace-id` flag (default false). Carried in from `traceparent`, set on traces
   * started with random ids, and sent on in every outgoing `traceparent` of the trace.
   */
  randomTraceId?: boolean | undefined;
}

/**
 * The context of a span, as in IOx's `trace` crate: trace id, span id, optional parent, links,
 * the sampling decision and the collector its spans go to.
 *
 * `child(name)` makes a new {@linkcode Span} in the same trace, with a new random span id,
 * this span as its parent, the same `sampled` flag, collector, clock and trace state, and no
 * links (links are never inherited).
 *
 * @example A root context and a child span
 * ```ts
 * import { RingBufferTraceCollector, SpanContext } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const collector = new RingBufferTraceCollector(10);
 * const root = SpanContext.root(collector);
 * const span = root.child("query");
 * assert.ok(span.ctx.traceId.equals(root.traceId));
 * assert.ok(span.ctx.parentSpanId?.equals(root.spanId));
 * assert.equal(span.ctx.sampled, true);
 * ```
 */
export class SpanContext {
  /** The trace this span belongs to. */
  readonly traceId: TraceId;
  /** This span's id. */
  readonly spanId: SpanId;
  /** The parent span's id, or `undefined` for a root span. */
  readonly parentSpanId: SpanId | undefined;
  /** Links to other spans; `Span.link()` appends here. Children start with none. */
  readonly links: SpanLink[];
  /** Whether this trace is sampled: spans are recorded only when it is. */
  readonly sampled: boolean;
  /** Where spans of this context are exported, if anywhere. */
  readonly collector: TraceCollector | undefined;
  /** The clock span times come from. */
  readonly clock: Clock;
  /** The W3C `tracestate` carried through, if one came in. */
  readonly traceState: string | undefined;
  /** W3C Level 2's random flag: the right-most 7 bytes of the trace id are random. */
  readonly randomTraceId: boolean;

  /**
   * Makes a context from its fields.
   *
   * @param init The fields; see {@linkcode SpanContextInit} for the defaults.
   */
  constructor(init: SpanContextInit) {
    this.traceId = init.traceId;
    this.spanId = init.spanId;
    this.parentSpanId = init.parentSpanId;
    this.links = init.links ?? [];
    this.sampled = init.sampled ?? true;
    this.collector = init.collector;
    this.clock = init.clock ?? systemClock;
    this.traceState = init.traceState;
    this.randomTraceId = init.randomTraceId ?? false;
  }

  /**
   * Makes a new sampled root context with a random trace id and span id (so its
   * `randomTraceId` flag is set).
   *
   * @param collector Where its spans are exported (optional).
   * @param options `sampled` (default true) and `clock` (default the system clock).
   * @returns The new context.
   *
   * @example
   * ```ts
   * import { SpanContext } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const a = SpanContext.root();
   * const b = SpanContext.root();
   * assert.equal(a.parentSpanId, undefined);
   * assert.equal(a.randomTraceId, true);
   * assert.ok(!a.traceId.equals(b.traceId));
   * ```
   */
  static root(
    collector?: TraceCollector,
    options?: { sampled?: boolean | undefined; clock?: Clock | undefined },
  ): SpanContext {
    return new SpanContext({
      traceId: TraceId.random(),
      spanId: SpanId.random(),
      sampled: options?.sampled ?? true,
      collector,
      clock: options?.clock,
      randomTraceId: true,
    });
  }

  /**
   * Makes a child span of the span this context describes. The span is not started or
   * exported: use a `SpanRecorder`, or call `export()` yourself.
   *
   * @param name The child span's name.
   * @returns The child span.
   *
   * @example
   * ```ts
   * import { SpanContext } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const ctx = SpanContext.root();
   * ctx.links.push({ traceId: ctx.traceId, spanId: ctx.spanId });
   * const child = ctx.child("step");
   * assert.equal(child.name, "step");
   * assert.equal(child.ctx.links.length, 0);
   * ```
   */
  child(name: string): Span {
    return new Span(name, this.childContext());
  }

  /**
   * The context of a child span without the span: same trace, a new random span id, this
   * span as parent, the same `sampled` flag, collector, clock, trace state and random flag,
   * no links. What an unsampled request hands on, so that the callee sees a parent id of this
   * service's own (W3C's `parent-id`) without a span being made.
   *
   * @returns The child's context.
   *
   * @example
   * ```ts
   * import { SpanContext } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const ctx = SpanContext.root(undefined, { sampled: false });
   * const next = ctx.childContext();
   * assert.ok(next.parentSpanId?.equals(ctx.spanId));
   * assert.equal(next.sampled, false);
   * assert.equal(next.randomTraceId, true);
   * ```
   */
  childContext(): SpanContext {
    return new SpanContext({
      traceId: this.traceId,
      spanId: SpanId.random(),
      parentSpanId: this.spanId,
      sampled: this.sampled,
      collector: this.collector,
      clock: this.clock,
      traceState: this.traceState,
      randomTraceId: this.randomTraceId,
    });
  }
}
