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
 *   `otel.status_description=<message>` when the status came with a message (same rule). All
 *   sorted by key (code-unit order), as IOx's `BTreeMap`. Absent when empty.
 * - `logs`: one per event: timestamp in microseconds (rounded down), fields `event=<message>`
 *   first, then the event's metadata sorted by key. Absent when there are no events.
 *
 * @module
 */

import type { MetadataInit, MetadataValue, Span } from "../../trace/span.ts";
import { Float } from "../../trace/span.ts";
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

/** The tag key holding the status message, when a status was set with one. */
export const STATUS_DESCRIPTION_TAG = "otel.status_description";

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

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
  switch (typeof value) {
    case "string":
      return makeTag(key, TagType.STRING, value, undefined, undefined, undefined);
    case "number":
      return Number.isSafeInteger(value)
        ? makeTag(key, TagType.LONG, undefined, undefined, undefined, value)
        : makeTag(key, TagType.DOUBLE, undefined, value, undefined, undefined);
    case "boolean":
      return makeTag(key, TagType.BOOL, undefined, undefined, value, undefined);
    case "bigint":
      return value >= I64_MIN && value <= I64_MAX
        ? makeTag(key, TagType.LONG, undefined, undefined, undefined, value)
        : makeTag(key, TagType.STRING, String(value), undefined, undefined, undefined);
    default:
      if (value instanceof Float) {
        return makeTag(key, TagType.DOUBLE, undefined, Number(value.value), undefined, undefined);
      }
      return makeTag(key, TagType.STRING, String(value), undefined, undefined, undefined);
  }
}

/** Sorts tags by key in place (insertion sort: metadata is small and often nearly sorted). */
function sortByKey(tags: JaegerTag[]): JaegerTag[] {
  for (let i = 1; i < tags.length; i++) {
    const t = tags[i]!;
    const k = t.key;
    let j = i - 1;
    if (tags[j]!.key <= k) continue;
    while (j >= 0 && tags[j]!.key > k) {
      tags[j + 1] = tags[j]!;
      j--;
    }
    tags[j + 1] = t;
  }
  return tags;
}

// Spans of one kind carry the same keys in the same order, span after span: remember the last
// key sequence and its sorted order, so that the common case is a permutation, not a sort.
let memoKeys: string[] = [];
let memoOrder: number[] = [];

/** The tags sorted by key (a new array, or `tags` itself when it has fewer than two). */
function sortedByKey(tags: JaegerTag[]): JaegerTag[] {
  const n = tags.length;
  if (n < 2) return tags;
  const keys = memoKeys;
  if (keys.length === n) {
    let i = 0;
    while (i < n && tags[i]!.key === keys[i]) i++;
    if (i === n) {
      const order = memoOrder;
      const out: JaegerTag[] = new Array(n);
      for (let j = 0; j < n; j++) out[j] = tags[order[j]!]!;
      return out;
    }
  }
  const newKeys: string[] = new Array(n);
  for (let i = 0; i < n; i++) newKeys[i] = tags[i]!.key;
  const out = sortByKey(tags.slice());
  const index = new Map<JaegerTag, number>();
  for (let i = 0; i < n; i++) index.set(tags[i]!, i);
  memoKeys = newKeys;
  memoOrder = out.map((t) => index.get(t)!);
  return out;
}

function micros(t: number | undefined): number {
  return t === undefined || !Number.isFinite(t) ? 0 : Math.floor(t);
}

function eventToLog(
  time: number,
  message: string,
  metadata: ReadonlyMap<string, MetadataValue>,
): JaegerLog {
  const fields: JaegerTag[] = [
    makeTag("event", TagType.STRING, message, undefined, undefined, undefined),
  ];
  if (metadata.size > 0) {
    const rest: JaegerTag[] = [];
    metadata.forEach((v, k) => rest.push(metadataToTag(k, v)));
    sortByKey(rest);
    for (let i = 0; i < rest.length; i++) fields.push(rest[i]!);
  }
  return { timestamp: micros(time), fields };
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

  // Tags: metadata, plus the status (only when the metadata lacks that key), sorted by key.
  const metadata = span.metadata;
  const status = span.status;
  let tags: JaegerTag[] | undefined;
  if (metadata.size > 0 || status !== "unknown") {
    const list: JaegerTag[] = [];
    metadata.forEach((v, k) => list.push(metadataToTag(k, v)));
    tags = list;
    if (status !== "unknown") {
      const key = status === "ok" ? "ok" : "error";
      if (!metadata.has(key)) {
        tags.push(makeTag(key, TagType.BOOL, undefined, undefined, true, undefined));
      }
      const message = span.statusMessage;
      if (message !== undefined && !metadata.has(STATUS_DESCRIPTION_TAG)) {
        tags.push(
          makeTag(STATUS_DESCRIPTION_TAG, TagType.STRING, message, undefined, undefined, undefined),
        );
      }
    }
    tags = sortedByKey(tags);
  }

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

  const start = span.start;
  const end = span.end;
  let duration = 0;
  if (start !== undefined && end !== undefined && Number.isFinite(start) && Number.isFinite(end)) {
    duration = Math.max(0, Math.trunc(end - start));
  }

  return {
    traceIdLow: { hi: traceId.w2, lo: traceId.w3 } as I64Parts,
    traceIdHigh: { hi: traceId.w0, lo: traceId.w1 } as I64Parts,
    spanId: ctx.spanId,
    parentSpanId: parent === undefined ? 0 : parent,
    operationName: span.name,
    references,
    flags: ctx.sampled ? 1 : 0,
    startTime: micros(start),
    duration,
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
