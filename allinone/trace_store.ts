/**
 * {@linkcode TraceStore}: the all-in-one's in-memory trace store, bounded in spans and bytes.
 * When a bound is passed it drops whole traces, oldest (first seen) first, and counts them.
 * Pure: no I/O, no timers.
 *
 * @module
 */

import type { JsonProcess, JsonSpan, JsonTag, JsonTrace, StoredSpan } from "./jaeger_json.ts";

/**
 * Bounds of a {@linkcode TraceStore}.
 *
 * @example
 * ```ts
 * import type { TraceStoreOptions } from "@spanwire/trace/allinone";
 *
 * const options: TraceStoreOptions = { maxSpans: 100_000, maxBytes: 64 * 1024 * 1024 };
 * ```
 */
export interface TraceStoreOptions {
  /** The most spans kept (default 200,000). */
  maxSpans?: number;
  /**
   * The most bytes kept (default 128 MiB), counted as the length of each span's JSON as the
   * query API serves it (the process, shared, is not counted per span).
   */
  maxBytes?: number;
}

/**
 * What a {@linkcode TraceStore} holds and has dropped.
 *
 * @example
 * ```ts
 * import { TraceStore, type TraceStoreStats } from "@spanwire/trace/allinone";
 *
 * const stats: TraceStoreStats = new TraceStore().stats();
 * ```
 */
export interface TraceStoreStats {
  /** Traces held. */
  traces: number;
  /** Spans held. */
  spans: number;
  /** Bytes held (span JSON lengths). */
  bytes: number;
  /** Traces dropped to stay within the bounds. */
  droppedTraces: number;
  /** Spans dropped with them. */
  droppedSpans: number;
  /** The span bound. */
  maxSpans: number;
  /** The byte bound. */
  maxBytes: number;
}

/**
 * A search, as Jaeger's `/api/traces` takes it. A trace matches when one of its spans matches
 * every condition given.
 *
 * @example
 * ```ts
 * import type { TraceQuery } from "@spanwire/trace/allinone";
 *
 * const query: TraceQuery = { service: "iox-conductor", tags: { error: "true" }, limit: 20 };
 * ```
 */
export interface TraceQuery {
  /** The span's service. */
  service?: string;
  /** The span's operation. */
  operation?: string;
  /** Tags (span tags, process tags or log fields) the span has, values compared as text. */
  tags?: Readonly<Record<string, string>>;
  /** The shortest span duration, µs. */
  minDuration?: number;
  /** The longest span duration, µs. */
  maxDuration?: number;
  /** The earliest span start, µs since the epoch. */
  start?: number;
  /** The latest span start, µs since the epoch. */
  end?: number;
  /** The most traces returned, newest first (default 20). */
  limit?: number;
}

interface Entry {
  traceID: string;
  spans: StoredSpan[];
  bytes: number;
}

/** The JSON length of a span without its process (shared by its batch). */
function spanBytes(span: StoredSpan): number {
  const { process: _, ...rest } = span;
  return JSON.stringify(rest).length;
}

function tagText(tag: JsonTag): string {
  return String(tag.value);
}

function hasTags(span: StoredSpan, tags: Readonly<Record<string, string>>): boolean {
  for (const key in tags) {
    const want = tags[key];
    const found = span.tags.some((t) => t.key === key && tagText(t) === want) ||
      span.process.tags.some((t) => t.key === key && tagText(t) === want) ||
      span.logs.some((l) => l.fields.some((t) => t.key === key && tagText(t) === want));
    if (!found) return false;
  }
  return true;
}

/**
 * The in-memory store of the all-in-one: spans grouped by trace, bounded in spans and bytes
 * (the oldest traces are dropped first, and counted), queried as Jaeger's query API does.
 *
 * @example
 * ```ts
 * import { spansFromThrift, TraceStore } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * const store = new TraceStore({ maxSpans: 1 });
 * const span = (trace: number) => ({
 *   traceIdHigh: 0, traceIdLow: trace, spanId: 1, parentSpanId: 0, operationName: "GET /",
 *   flags: 1, startTime: 1_000_000 + trace, duration: 5,
 * });
 * store.add(spansFromThrift({ process: { serviceName: "svc" }, spans: [span(1)] }));
 * store.add(spansFromThrift({ process: { serviceName: "svc" }, spans: [span(2)] }));
 * assert.deepEqual(store.services(), ["svc"]);
 * assert.equal(store.stats().droppedTraces, 1);
 * assert.equal(store.trace("2")?.spans[0]?.operationName, "GET /");
 * assert.equal(store.trace("1"), undefined);
 * ```
 */
export class TraceStore {
  readonly #maxSpans: number;
  readonly #maxBytes: number;
  /** In first-seen order: the first is the oldest. */
  readonly #traces = new Map<string, Entry>();
  /** service -> operation -> spans held. */
  readonly #operations = new Map<string, Map<string, number>>();
  #spans = 0;
  #bytes = 0;
  #droppedTraces = 0;
  #droppedSpans = 0;

  /**
   * Makes an empty store.
   *
   * @param options The bounds.
   * @throws {RangeError} For a bound that is not a positive integer.
   */
  constructor(options: TraceStoreOptions = {}) {
    this.#maxSpans = options.maxSpans ?? 200_000;
    this.#maxBytes = options.maxBytes ?? 128 * 1024 * 1024;
    for (const [name, value] of [["maxSpans", this.#maxSpans], ["maxBytes", this.#maxBytes]]) {
      if (!Number.isSafeInteger(value) || (value as number) < 1) {
        throw new RangeError(
          `Cannot make a TraceStore: ${name} ${value} is not a positive integer`,
        );
      }
    }
  }

  /**
   * Adds spans (of any traces), then drops the oldest traces while a bound is passed.
   *
   * @param spans The spans.
   */
  add(spans: readonly StoredSpan[]): void {
    for (const span of spans) {
      let entry = this.#traces.get(span.traceID);
      if (entry === undefined) {
        entry = { traceID: span.traceID, spans: [], bytes: 0 };
        this.#traces.set(span.traceID, entry);
      }
      const bytes = spanBytes(span);
      entry.spans.push(span);
      entry.bytes += bytes;
      this.#spans++;
      this.#bytes += bytes;
      this.#count(span, 1);
    }
    while ((this.#spans > this.#maxSpans || this.#bytes > this.#maxBytes) && this.#traces.size) {
      const oldest = this.#traces.values().next().value!;
      this.#traces.delete(oldest.traceID);
      this.#spans -= oldest.spans.length;
      this.#bytes -= oldest.bytes;
      this.#droppedTraces++;
      this.#droppedSpans += oldest.spans.length;
      for (const span of oldest.spans) this.#count(span, -1);
    }
  }

  #count(span: StoredSpan, delta: number): void {
    const service = span.process.serviceName;
    let ops = this.#operations.get(service);
    if (ops === undefined) this.#operations.set(service, ops = new Map());
    const n = (ops.get(span.operationName) ?? 0) + delta;
    if (n > 0) ops.set(span.operationName, n);
    else {
      ops.delete(span.operationName);
      if (ops.size === 0) this.#operations.delete(service);
    }
  }

  /**
   * The services of the spans held, sorted.
   *
   * @returns The service names.
   */
  services(): string[] {
    return [...this.#operations.keys()].sort();
  }

  /**
   * The operations of a service's spans held, sorted.
   *
   * @param service The service.
   * @returns The operation names (empty for an unknown service).
   */
  operations(service: string): string[] {
    return [...(this.#operations.get(service)?.keys() ?? [])].sort();
  }

  /**
   * One trace in Jaeger's JSON.
   *
   * @param traceID Its id, hex (leading zeros may be left out; any case).
   * @returns The trace, or `undefined` when not held.
   */
  trace(traceID: string): JsonTrace | undefined {
    const id = traceID.trim().toLowerCase();
    if (!/^[0-9a-f]{1,32}$/.test(id)) return undefined;
    const entry = this.#traces.get(id.padStart(32, "0"));
    return entry === undefined ? undefined : toJson(entry);
  }

  /**
   * The traces matching a search, newest (last seen first) first, at most `limit`.
   *
   * @param query The search.
   * @returns The traces in Jaeger's JSON.
   */
  find(query: TraceQuery = {}): JsonTrace[] {
    const limit = query.limit ?? 20;
    const out: JsonTrace[] = [];
    const entries = [...this.#traces.values()];
    for (let i = entries.length - 1; i >= 0 && out.length < limit; i--) {
      const entry = entries[i]!;
      if (entry.spans.some((span) => matches(span, query))) out.push(toJson(entry));
    }
    return out;
  }

  /**
   * What the store holds and has dropped.
   *
   * @returns The counts.
   */
  stats(): TraceStoreStats {
    return {
      traces: this.#traces.size,
      spans: this.#spans,
      bytes: this.#bytes,
      droppedTraces: this.#droppedTraces,
      droppedSpans: this.#droppedSpans,
      maxSpans: this.#maxSpans,
      maxBytes: this.#maxBytes,
    };
  }
}

function matches(span: StoredSpan, q: TraceQuery): boolean {
  if (q.service !== undefined && span.process.serviceName !== q.service) return false;
  if (q.operation !== undefined && span.operationName !== q.operation) return false;
  if (q.minDuration !== undefined && span.duration < q.minDuration) return false;
  if (q.maxDuration !== undefined && span.duration > q.maxDuration) return false;
  if (q.start !== undefined && span.startTime < q.start) return false;
  if (q.end !== undefined && span.startTime > q.end) return false;
  if (q.tags !== undefined && !hasTags(span, q.tags)) return false;
  return true;
}

function toJson(entry: Entry): JsonTrace {
  const ids = new Map<JsonProcess, string>();
  const byKey = new Map<string, string>();
  const processes: Record<string, JsonProcess> = {};
  const spans: JsonSpan[] = entry.spans.map((stored) => {
    let processID = ids.get(stored.process);
    if (processID === undefined) {
      const key = JSON.stringify(stored.process);
      processID = byKey.get(key);
      if (processID === undefined) {
        processID = `p${byKey.size + 1}`;
        byKey.set(key, processID);
        processes[processID] = stored.process;
      }
      ids.set(stored.process, processID);
    }
    const { process: _, ...span } = stored;
    return { ...span, processID, warnings: null };
  });
  return { traceID: entry.traceID, spans, processes, warnings: null };
}
