/**
 * The conversion from our {@linkcode Span} to the Jaeger Thrift model (IOx's mapping), and the
 * Jaeger process of a service. Pure: no I/O, no clock.
 *
 * The mapping, field by field:
 *
 * - `traceIdHigh` / `traceIdLow`: the two big-endian 64-bit halves of the trace id, as
 *   {@linkcode I64Parts} (`{ hi: w0, lo: w1 }` and `{ hi: w2, lo: w3 }`), so the signed i64 on
 *   the wire has the id's bits; no BigInt.
 * - `spanId`: the span id; `parentSpanId`: the parent's id, or `0` for a root span.
 * - `references`: one `FOLLOWS_FROM` reference per link (absent when there are none).
 * - `flags`: `1` when the context is sampled, else `0`.
 * - `startTime`: the start in whole microseconds, rounded down (`Math.floor`); `0` when the span
 *   never started (as IOx). `duration`: `end - start` in whole microseconds, truncated, never
 *   negative; `0` when either end is missing (as IOx). A time that is not a finite number
 *   counts as missing.
 * - `tags`: the metadata, typed (see {@linkcode metadataToTag}), plus the status: `ok=true` for
 *   ok, `error=true` for error (as IOx, only when the metadata has no entry of that name), and
 *   `otel.status_description=<message>` when the status came with a message (same rule), and
 *   `span.kind=<kind>` for a kind other than `"internal"` (OpenTelemetry's Jaeger convention;
 *   same rule). All sorted by key (code-unit order), as IOx's `BTreeMap`. Absent when empty.
 *   These rules live in one place (`_mapping.ts`) for every Jaeger writer.
 * - `logs`: one per event: timestamp in microseconds (rounded down), fields `event=<message>`
 *   first, then the event's metadata sorted by key. Absent when there are no events.
 *
 * @module
 */

import type { MetadataInit, MetadataValue, Span } from "../../trace/span.ts";
import {
  collectMetadata,
  collectSpanTags,
  doubleOf,
  durationMicros,
  KeyOrder,
  micros,
  TagKind,
  tagKindOf,
  tagScratch,
} from "./_mapping.ts";
import {
  type I64Parts,
  type JaegerLog,
  type JaegerProcess,
  type JaegerSpan,
  type JaegerSpanRef,
  type JaegerTag,
  SpanRefType,
  TagType,
} from "./thrift_model.ts";

export { SPAN_KIND_TAG, STATUS_DESCRIPTION_TAG } from "./_mapping.ts";

function makeTag(
  key: string,
  vType: number,
  vStr: string | undefined,
  vDouble: number | undefined,
  vBool: boolean | undefined,
  vLong: number | bigint | undefined,
): JaegerTag {
  // Every tag has the same shape (all seven fields), which keeps the encoders' property
  // reads monomorphic.
  return { key, vType, vStr, vDouble, vBool, vLong, vBinary: undefined };
}

/**
 * Converts one metadata entry to a typed Jaeger tag, by the rules of `MetadataValue`:
 * a string is `STRING`; a boolean `BOOL`; a safe-integer `number` `LONG`, any other number
 * `DOUBLE`; a `bigint` `LONG` when it fits in a signed 64-bit integer, else `STRING` (its
 * decimal form); a `Float` always `DOUBLE`. Anything else (from untyped JavaScript) becomes
 * its `String()` as `STRING`.
 *
 * @param key The tag key.
 * @param value The value.
 * @returns The tag, with only the value field of its type set.
 *
 * @example
 * ```ts
 * import { metadataToTag, TagType } from "@spanwire/trace/exporters/jaeger";
 * import { float } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * assert.equal(metadataToTag("n", 200).vType, TagType.LONG);
 * assert.equal(metadataToTag("r", 0.25).vType, TagType.DOUBLE);
 * assert.equal(metadataToTag("f", float(1)).vDouble, 1);
 * assert.equal(metadataToTag("big", 2n ** 64n).vStr, "18446744073709551616");
 * ```
 */
export function metadataToTag(key: string, value: MetadataValue): JaegerTag {
  switch (tagKindOf(value)) {
    case TagKind.STRING:
      return makeTag(key, TagType.STRING, value as string, undefined, undefined, undefined);
    case TagKind.LONG:
      return makeTag(key, TagType.LONG, undefined, undefined, undefined, value as number | bigint);
    case TagKind.DOUBLE:
      return makeTag(key, TagType.DOUBLE, undefined, doubleOf(value), undefined, undefined);
    case TagKind.BOOL:
      return makeTag(key, TagType.BOOL, undefined, undefined, value as boolean, undefined);
    default:
      return makeTag(key, TagType.STRING, String(value), undefined, undefined, undefined);
  }
}

const scratch = tagScratch();
const spanOrder = new KeyOrder();
const eventOrder = new KeyOrder();

/** The `n` collected tags, sorted by key, as Jaeger tags (after `first`, if given). */
function sortedTags(n: number, order: KeyOrder, first?: JaegerTag): JaegerTag[] {
  const idx = order.of(scratch.keys, n);
  const keys = scratch.keys;
  const values = scratch.values;
  const off = first === undefined ? 0 : 1;
  const out: JaegerTag[] = new Array(n + off);
  if (first !== undefined) out[0] = first;
  for (let i = 0; i < n; i++) {
    const j = idx[i]!;
    out[i + off] = metadataToTag(keys[j]!, values[j]!);
  }
  return out;
}

function eventToLog(
  time: number,
  message: string,
  metadata: ReadonlyMap<string, MetadataValue>,
): JaegerLog {
  const first = makeTag("event", TagType.STRING, message, undefined, undefined, undefined);
  const n = collectMetadata(metadata, scratch);
  return { timestamp: micros(time), fields: sortedTags(n, eventOrder, first) };
}

/**
 * Converts a finished span to a Jaeger span, exactly as IOx's exporter does (see the module
 * documentation for every field, the rounding of times and the status tags).
 *
 * @param span The span.
 * @returns The Jaeger span; it shares no mutable state with `span`.
 *
 * @example
 * ```ts
 * import { spanToJaeger, TagType } from "@spanwire/trace/exporters/jaeger";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const span = Span.root("GET /").setMetadata("http.status_code", 200).ok();
 * span.start = 1_000.7;
 * span.end = 2_500.2;
 * const j = spanToJaeger(span);
 * assert.equal(j.parentSpanId, 0);
 * assert.equal(j.startTime, 1_000);
 * assert.equal(j.duration, 1_499);
 * assert.deepEqual(j.tags?.map((t) => t.key), ["http.status_code", "ok"]);
 * assert.equal(j.tags?.[1]?.vType, TagType.BOOL);
 * ```
 */
export function spanToJaeger(span: Span): JaegerSpan {
  const ctx = span.ctx;
  const traceId = ctx.traceId;
  const parent = ctx.parentSpanId;

  // Tags: metadata, status, status message and kind (see _mapping.ts), sorted by key.
  const n = collectSpanTags(span, scratch);
  const tags = n > 0 ? sortedTags(n, spanOrder) : undefined;

  let logs: JaegerLog[] | undefined;
  const events = span.events;
  if (events.length > 0) {
    logs = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      logs[i] = eventToLog(e.time, e.message, e.metadata);
    }
  }

  let references: JaegerSpanRef[] | undefined;
  const links = ctx.links;
  if (links.length > 0) {
    references = new Array(links.length);
    for (let i = 0; i < links.length; i++) {
      const l = links[i]!;
      references[i] = {
        refType: SpanRefType.FOLLOWS_FROM,
        traceIdLow: { hi: l.traceId.w2, lo: l.traceId.w3 },
        traceIdHigh: { hi: l.traceId.w0, lo: l.traceId.w1 },
        spanId: { hi: l.spanId.hi, lo: l.spanId.lo },
      };
    }
  }

  return {
    traceIdLow: { hi: traceId.w2, lo: traceId.w3 } as I64Parts,
    traceIdHigh: { hi: traceId.w0, lo: traceId.w1 } as I64Parts,
    spanId: ctx.spanId,
    parentSpanId: parent === undefined ? 0 : parent,
    operationName: span.name,
    references,
    flags: ctx.sampled ? 1 : 0,
    startTime: micros(span.start),
    duration: durationMicros(span.start, span.end),
    tags,
    logs,
  };
}

/**
 * Builds the Jaeger process of a service: its name and its tags (typed as span metadata, in
 * the order given), plus a `hostname` string tag at the end when `hostname` is given and the
 * tags have no `hostname` entry (as IOx adds it from `HOSTNAME`).
 *
 * @param serviceName The service name.
 * @param tags Process tags (optional).
 * @param hostname The host's name, added as the `hostname` tag unless one is given (optional).
 * @returns The process; `tags` is absent when there are none.
 *
 * @example
 * ```ts
 * import { processToJaeger } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * const p = processToJaeger("iox-conductor", { env: "prod" }, "host-1");
 * assert.deepEqual(p.tags?.map((t) => [t.key, t.vStr]), [["env", "prod"], ["hostname", "host-1"]]);
 * assert.equal(processToJaeger("svc", { hostname: "mine" }, "host-1").tags?.length, 1);
 * ```
 */
export function processToJaeger(
  serviceName: string,
  tags?: MetadataInit,
  hostname?: string,
): JaegerProcess {
  const list: JaegerTag[] = [];
  let hasHostname = false;
  if (tags !== undefined) {
    const entries: Iterable<[string, MetadataValue]> = tags instanceof Map
      ? (tags as ReadonlyMap<string, MetadataValue>).entries()
      : Object.entries(tags as Record<string, MetadataValue>);
    for (const [k, v] of entries) {
      if (k === "hostname") hasHostname = true;
      list.push(metadataToTag(k, v));
    }
  }
  if (!hasHostname && hostname !== undefined && hostname !== "") {
    list.push(metadataToTag("hostname", hostname));
  }
  return { serviceName, tags: list.length > 0 ? list : undefined };
}
