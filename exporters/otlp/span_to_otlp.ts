/**
 * The mapping from spanwire's span model to OTLP's trace messages, written once: the protobuf
 * bytes, their sizes and OTLP/JSON all come from these functions, driven through one writer
 * interface.
 *
 * | spanwire | OTLP (`opentelemetry.proto.trace.v1`) |
 * | --- | --- |
 * | `ctx.traceId`, `ctx.spanId` | `trace_id` (16 bytes), `span_id` (8 bytes), raw big-endian bytes (JSON: lowercase hex) |
 * | `ctx.parentSpanId` | `parent_span_id` (absent for a root) |
 * | `name` | `name` |
 * | `kind` | `kind`: `server` SERVER (2, spans of `traceLayer` and `traceNodeListener`), `client` CLIENT (3, `tracedFetch`), `producer` PRODUCER (4), `consumer` CONSUMER (5), otherwise INTERNAL (1) |
 * | `start`, `end` (µs since the epoch) | `start_time_unix_nano`, `end_time_unix_nano` (`fixed64`; whole µs × 1000 plus the fraction's rounded ns; JSON: decimal strings). No start: 0; no end: the start |
 * | `metadata` | `attributes`, in insertion order: string `string_value`; boolean `bool_value`; safe-integer number and int64 bigint `int_value` (JSON: decimal string); other numbers and `Float` `double_value` (JSON: NaN and infinities as strings); a bigint beyond int64 its decimal `string_value`. The key `span.kind` is not sent (the kind has its own field) |
 * | `events` | `events`: `time_unix_nano`, `name` = the message, `attributes` = its metadata |
 * | `ctx.links` | `links`: `trace_id`, `span_id` |
 * | `status` | `status`: `ok` OK (1); `error` ERROR (2) with `message` = `statusMessage`; `unknown` no status (UNSET) |
 * | exporter's service and tags | `Resource.attributes`: `service.name`, then `host.name` and the process tags |
 * | — | `InstrumentationScope`: name `spanwire`, version the package's |
 *
 * @module
 */

import type { MetadataValue, Span, SpanKind } from "../../trace/span.ts";
import { Float } from "../../trace/span.ts";
import * as F from "./_fields.ts";
import type { MessageWriter } from "./_message_writer.ts";

/** The instrumentation scope's name. */
export const SCOPE_NAME = "spanwire";
/** The instrumentation scope's version (the package's). */
export const SCOPE_VERSION = "0.1.0";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The OTLP `SpanKind` number of a span kind. */
export function otlpKind(kind: SpanKind): number {
  switch (kind) {
    case "server":
      return F.KIND_SERVER;
    case "client":
      return F.KIND_CLIENT;
    case "producer":
      return F.KIND_PRODUCER;
    case "consumer":
      return F.KIND_CONSUMER;
    default:
      return F.KIND_INTERNAL;
  }
}

/** Writes one `AnyValue` field (`f`) holding a metadata value. */
export function writeValue(w: MessageWriter, f: F.Field, value: MetadataValue): void {
  w.open(f);
  switch (typeof value) {
    case "string":
      w.string(F.ANY_STRING, value);
      break;
    case "boolean":
      w.bool(F.ANY_BOOL, value);
      break;
    case "number":
      if (Number.isSafeInteger(value)) w.int(F.ANY_INT, value);
      else w.double(F.ANY_DOUBLE, value);
      break;
    case "bigint":
      if (value >= INT64_MIN && value <= INT64_MAX) w.bigint(F.ANY_INT, value);
      else w.string(F.ANY_STRING, String(value));
      break;
    default:
      if (value instanceof Float) w.double(F.ANY_DOUBLE, value.value);
      else w.string(F.ANY_STRING, String(value));
  }
  w.close();
}

/** Writes a repeated `KeyValue` field (`f`) from metadata, leaving out the key `skip`. */
export function writeAttributes(
  w: MessageWriter,
  f: F.Field,
  metadata: ReadonlyMap<string, MetadataValue>,
  skip?: string,
): void {
  if (metadata.size === 0 || (metadata.size === 1 && skip !== undefined && metadata.has(skip))) {
    return;
  }
  w.openList(f);
  for (const [key, value] of metadata) {
    if (key === skip) continue;
    w.open(f);
    w.string(F.KV_KEY, key);
    writeValue(w, F.KV_VALUE, value);
    w.close();
  }
  w.closeList();
}

/**
 * Writes one span as an element of `ScopeSpans.spans` (protobuf: its tag and length included;
 * JSON: one object).
 */
export function writeSpan(w: MessageWriter, span: Span): void {
  const ctx = span.ctx;
  w.open(F.SCOPE_SPANS_SPANS);
  w.traceId(F.SPAN_TRACE_ID, ctx.traceId);
  w.spanId(F.SPAN_SPAN_ID, ctx.spanId);
  const parent = ctx.parentSpanId;
  if (parent !== undefined) w.spanId(F.SPAN_PARENT_SPAN_ID, parent);
  w.string(F.SPAN_NAME, span.name);
  w.enumValue(F.SPAN_KIND, otlpKind(span.kind));
  const start = span.start ?? 0;
  w.timeMicros(F.SPAN_START_TIME, start);
  w.timeMicros(F.SPAN_END_TIME, span.end ?? start);
  writeAttributes(w, F.SPAN_ATTRIBUTES, span.metadata, "span.kind");
  const events = span.events;
  if (events.length > 0) {
    w.openList(F.SPAN_EVENTS);
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      w.open(F.SPAN_EVENTS);
      w.timeMicros(F.EVENT_TIME, event.time);
      w.string(F.EVENT_NAME, event.message);
      writeAttributes(w, F.EVENT_ATTRIBUTES, event.metadata);
      w.close();
    }
    w.closeList();
  }
  const links = ctx.links;
  if (links.length > 0) {
    w.openList(F.SPAN_LINKS);
    for (let i = 0; i < links.length; i++) {
      const link = links[i]!;
      w.open(F.SPAN_LINKS);
      w.traceId(F.LINK_TRACE_ID, link.traceId);
      w.spanId(F.LINK_SPAN_ID, link.spanId);
      w.close();
    }
    w.closeList();
  }
  if (span.status !== "unknown") {
    w.open(F.SPAN_STATUS);
    if (span.status === "error") {
      if (span.statusMessage !== undefined && span.statusMessage !== "") {
        w.string(F.STATUS_MESSAGE, span.statusMessage);
      }
      w.enumValue(F.STATUS_CODE, F.STATUS_ERROR);
    } else {
      w.enumValue(F.STATUS_CODE, F.STATUS_OK);
    }
    w.close();
  }
  w.close();
}

/** Writes `ResourceSpans.resource` with the given attributes (`service.name` first). */
export function writeResource(
  w: MessageWriter,
  attributes: ReadonlyMap<string, MetadataValue>,
): void {
  w.open(F.RESOURCE_SPANS_RESOURCE);
  writeAttributes(w, F.RESOURCE_ATTRIBUTES, attributes);
  w.close();
}

/** Writes `ScopeSpans.scope`: name `spanwire` and the package's version. */
export function writeScope(w: MessageWriter): void {
  w.open(F.SCOPE_SPANS_SCOPE);
  w.string(F.SCOPE_NAME, SCOPE_NAME);
  w.string(F.SCOPE_VERSION, SCOPE_VERSION);
  w.close();
}

/**
 * Writes a whole `ExportTraceServiceRequest` around spans written earlier by
 * {@linkcode writeSpan} (chunks of the same writer kind): one `ResourceSpans` with the resource
 * and one `ScopeSpans` holding the spans.
 */
export function writeRequest(
  w: MessageWriter,
  resource: ReadonlyMap<string, MetadataValue>,
  spans: readonly Uint8Array[],
  count: number = spans.length,
): void {
  w.root();
  w.openList(F.REQUEST_RESOURCE_SPANS);
  w.open(F.REQUEST_RESOURCE_SPANS);
  writeResource(w, resource);
  w.openList(F.RESOURCE_SPANS_SCOPE_SPANS);
  w.open(F.RESOURCE_SPANS_SCOPE_SPANS);
  writeScope(w);
  w.openList(F.SCOPE_SPANS_SPANS);
  for (let i = 0; i < count; i++) w.chunk(spans[i]!);
  w.closeList();
  w.close();
  w.closeList();
  w.close();
  w.closeList();
  w.endRoot();
}
