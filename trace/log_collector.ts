/**
 * {@linkcode LogTraceCollector}: writes one readable line a span.
 *
 * @module
 */

import type { TraceCollector } from "./collector.ts";
import { Float, type MetadataValue, type MetadataView, type Span } from "./span.ts";

function formatValue(value: MetadataValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Float) {
    return Number.isInteger(value.value) ? `${value.value}.0` : `${value.value}`;
  }
  if (typeof value === "bigint") return `${value}n`;
  return String(value);
}

function formatMetadata(metadata: MetadataView): string {
  const parts: string[] = [];
  metadata.forEach((value, key) => parts.push(`${key}=${formatValue(value)}`));
  return `{${parts.join(", ")}}`;
}

function formatMillis(micros: number): string {
  return `${(micros / 1000).toFixed(3)}ms`;
}

/**
 * Formats a span as one line: name, ids, start, duration, status, metadata and events (with
 * their offsets from the span's start).
 *
 * @param span The span.
 * @returns The line, without a newline.
 *
 * @example
 * ```ts
 * import { formatSpanLine, ManualClock, Span, SpanRecorder } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock(1_700_000_000_000_000);
 * const span = Span.root("query", undefined, { clock });
 * const recorder = new SpanRecorder(span);
 * clock.advance(1_500);
 * recorder.setMetadata("rows", 3).ok().finish();
 * const line = formatSpanLine(span);
 * assert.match(line, /^span "query" trace=[0-9a-f]{32} span=[0-9a-f]{16} parent=- /);
 * assert.match(line, /start=2023-11-14T22:13:20\.000Z duration=1\.500ms status=ok \{rows=3\}/);
 * ```
 */
export function formatSpanLine(span: Span): string {
  const { ctx } = span;
  const start = span.start === undefined ? "-" : new Date(span.start / 1000).toISOString();
  const duration = span.start !== undefined && span.end !== undefined
    ? formatMillis(span.end - span.start)
    : "-";
  const status = span.statusMessage === undefined
    ? span.status
    : `${span.status}(${JSON.stringify(span.statusMessage)})`;
  let line = `span ${JSON.stringify(span.name)} trace=${ctx.traceId} span=${ctx.spanId} parent=${
    ctx.parentSpanId ?? "-"
  } start=${start} duration=${duration} status=${status} ${formatMetadata(span.metadataView)}`;
  if (ctx.links.length > 0) {
    line += ` links=[${ctx.links.map((l) => `${l.traceId}:${l.spanId}`).join(", ")}]`;
  }
  if (span.events.length > 0) {
    const events = span.events.map((e) => {
      const offset = span.start === undefined ? "" : `+${formatMillis(e.time - span.start)} `;
      const meta = e.metadata.size > 0 ? ` ${formatMetadata(e.metadata)}` : "";
      return `${offset}${JSON.stringify(e.message)}${meta}`;
    });
    line += ` events=[${events.join("; ")}]`;
  }
  return line;
}

/**
 * A collector that writes each span as one readable line (see {@linkcode formatSpanLine}),
 * as IOx's `LogTraceCollector`. The sink defaults to `console.log`.
 *
 * @example Collect lines in an array
 * ```ts
 * import { LogTraceCollector, Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const collector = new LogTraceCollector({ sink: (line) => lines.push(line) });
 * Span.root("job", collector).export();
 * assert.match(lines[0]!, /^span "job" /);
 * ```
 */
export class LogTraceCollector implements TraceCollector {
  #sink: (line: string) => void;

  /**
   * Makes a collector writing to `options.sink` (default `console.log`).
   *
   * @param options `sink`: receives each line.
   */
  constructor(options?: { sink?: ((line: string) => void) | undefined }) {
    this.#sink = options?.sink ?? ((line) => console.log(line));
  }

  /**
   * Writes the span's line to the sink; a sink that throws is ignored.
   *
   * @param span The span.
   */
  export(span: Span): void {
    try {
      this.#sink(formatSpanLine(span));
    } catch {
      // a collector never throws into the caller
    }
  }
}
