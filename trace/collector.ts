/**
 * The {@linkcode TraceCollector} interface: where finished spans go.
 *
 * @module
 */

import type { Span } from "./span.ts";

/**
 * Receives finished spans. `Span.export()` hands a span to its context's collector.
 *
 * An implementation must return quickly and must never throw into the caller: the caller is
 * user code on a request path. (`Span.export()` still guards against a collector that throws,
 * counting it and warning once.)
 *
 * @example A collector that counts spans
 * ```ts
 * import { SpanContext, type TraceCollector, type Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * class Counter implements TraceCollector {
 *   count = 0;
 *   export(_span: Span): void {
 *     this.count++;
 *   }
 * }
 * const counter = new Counter();
 * SpanContext.root(counter).child("work").export();
 * assert.equal(counter.count, 1);
 * ```
 */
export interface TraceCollector {
  /**
   * Takes a finished span. Must not throw.
   *
   * @param span The span, which the caller no longer changes.
   */
  export(span: Span): void;
}
