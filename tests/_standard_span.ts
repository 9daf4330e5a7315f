// The standard span of the design notes, which every benchmark records or encodes: operation
// `GET /api/v2/query`, sampled, status ok, eight metadata entries (two of whose strings change
// from span to span, as real request targets do) and one event.

import {
  float,
  type MetadataValue,
  type Span,
  SpanContext,
  SpanId,
  type TraceCollector,
  TraceId,
} from "../trace/mod.ts";

/** The operation name of the standard span. */
export const STANDARD_OPERATION = "GET /api/v2/query";

/** The `http.target` of span number `n`. */
export function standardTarget(n: number): string {
  return `/api/v2/query?org=26f7e5a4b7be365b&bucket=917b97a92e883afc&q=${n}`;
}

/** The `peer.address` of span number `n`. */
export function standardPeer(n: number): string {
  return `127.0.0.1:${40000 + (n % 20000)}`;
}

/** The metadata of span number `n`, in the order the design notes list it. */
export function standardMetadata(n: number): [string, MetadataValue][] {
  return [
    ["http.method", "GET"],
    ["http.target", standardTarget(n)],
    ["http.status_code", 200],
    ["component", "trace_http"],
    ["cached", true],
    ["ratio", float(0.25)],
    ["db.rows", 12345],
    ["peer.address", standardPeer(n)],
  ];
}

/** A parent context with random ids (the incoming request's), exporting to `collector`. */
export function standardParent(collector?: TraceCollector): SpanContext {
  return new SpanContext({ traceId: TraceId.random(), spanId: SpanId.random(), collector });
}

/**
 * Makes finished standard spans 0..count-1, each with its own random trace and parent, as if
 * recorded 1.5 ms long with the event 0.12 ms in.
 */
export function makeStandardSpans(count: number, startMicros = 1_764_000_000_000_000): Span[] {
  const spans: Span[] = [];
  for (let n = 0; n < count; n++) {
    const span = standardParent().child(STANDARD_OPERATION);
    span.start = startMicros + n * 10;
    for (const [key, value] of standardMetadata(n)) span.setMetadata(key, value);
    span.event("cache miss", { key: "partition-42" }, span.start + 120);
    span.ok();
    span.end = span.start + 1_500;
    spans.push(span);
  }
  return spans;
}
