// Zipkin B3 propagation (openzipkin/b3-propagation): the single `b3` header, read strictly by
// the specification, and the `X-B3-*` multi headers, read with IOx's leniency (hex of either
// case and any length up to the id's width; `X-B3-Sampled` also as "true"/"false").

import { type ContextFields, show, spanIdField, traceIdField } from "./_ids.ts";
import type { HeaderGetter } from "./_headers.ts";
import { TraceContextError } from "./trace_context_error.ts";

const TRACE_ID_RULE = { lowerCase: true, lengths: [16, 32] } as const;
const SPAN_ID_RULE = { lowerCase: true, lengths: [16] } as const;
const ANY_CASE = { lowerCase: false } as const;

/** The multi-header names, as the specification spells them (headers match in any case). */
export const B3_TRACE_ID = "X-B3-TraceId";
/** See {@linkcode B3_TRACE_ID}. */
export const B3_SPAN_ID = "X-B3-SpanId";
/** See {@linkcode B3_TRACE_ID}. */
export const B3_PARENT_SPAN_ID = "X-B3-ParentSpanId";
/** See {@linkcode B3_TRACE_ID}. */
export const B3_SAMPLED = "X-B3-Sampled";
/** See {@linkcode B3_TRACE_ID}. */
export const B3_FLAGS = "X-B3-Flags";

/**
 * Parses a single `b3` header: `{TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]` with a
 * 16 or 32 lower-hex trace id, 16 lower-hex span ids and a sampling state of `0`, `1` or `d`
 * (debug, which implies accept); or a sampling state alone. An absent state (defer) reads as
 * not sampled, since nothing here makes sampling decisions of its own.
 *
 * @param value The header value (trimmed, non-empty).
 * @param header The header's name, for errors.
 * @returns The fields; without ids for a sampling state alone.
 * @throws {TraceContextError} When the value is malformed.
 */
export function parseB3Single(value: string, header: string): ContextFields {
  if (value === "0") return { sampled: false };
  if (value === "1" || value === "d") return { sampled: true };
  const parts = value.split("-");
  if (parts.length < 2 || parts.length > 4) {
    throw new TraceContextError(
      header,
      value,
      `expected "{TraceId}-{SpanId}-{SamplingState}-{ParentSpanId}" (the last two optional) or a sampling state alone, found ${parts.length} field${
        parts.length === 1 ? "" : "s"
      }`,
    );
  }
  const traceId = traceIdField(parts[0]!, TRACE_ID_RULE, header, value);
  const spanId = spanIdField(parts[1]!, SPAN_ID_RULE, header, value);
  const state = parts[2];
  let sampled = false;
  if (state !== undefined) {
    if (state === "1" || state === "d") sampled = true;
    else if (state !== "0") {
      throw new TraceContextError(
        header,
        value,
        `sampling state ${show(state)} is not 0, 1 or d`,
      );
    }
  }
  const parent = parts[3];
  const parentSpanId = parent === undefined
    ? undefined
    : spanIdField(parent, SPAN_ID_RULE, header, value, "parent span id");
  return { traceId, spanId, parentSpanId, sampled };
}

/** "The first value wins" for repeated multi headers (which `Headers` joins with ", "). */
function first(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const comma = value.indexOf(",");
  const text = (comma < 0 ? value : value.slice(0, comma)).trim();
  return text.length === 0 ? undefined : text;
}

/**
 * Parses the `X-B3-*` multi headers, or returns `undefined` when none of `X-B3-TraceId`,
 * `X-B3-Sampled` and `X-B3-Flags` is present. `X-B3-Flags: 1` (debug) implies sampled;
 * `X-B3-Sampled` is `1`/`true` or `0`/`false`; absent means not sampled (IOx). A sampling
 * decision without `X-B3-TraceId` gives fields without ids.
 *
 * @param get Reads a header.
 * @returns The fields, or `undefined`.
 * @throws {TraceContextError} When a present header is malformed or `X-B3-SpanId` is missing.
 */
export function parseB3Multi(get: HeaderGetter): ContextFields | undefined {
  const rawTrace = get(B3_TRACE_ID);
  const rawSampled = get(B3_SAMPLED);
  const rawFlags = get(B3_FLAGS);
  const trace = first(rawTrace);
  const sampledText = first(rawSampled);
  const flags = first(rawFlags);
  if (trace === undefined && sampledText === undefined && flags === undefined) return undefined;

  let debug = false;
  if (flags !== undefined) {
    if (flags === "1") debug = true;
    else if (flags !== "0") {
      throw new TraceContextError(B3_FLAGS, rawFlags!, `flags ${show(flags)} are not 0 or 1`);
    }
  }
  let sampled = false;
  if (sampledText !== undefined) {
    if (sampledText === "1" || sampledText === "true") sampled = true;
    else if (sampledText !== "0" && sampledText !== "false") {
      throw new TraceContextError(
        B3_SAMPLED,
        rawSampled!,
        `sampling decision ${show(sampledText)} is not 1, 0, true or false`,
      );
    }
  }
  sampled ||= debug;
  if (trace === undefined) return { sampled };

  const traceId = traceIdField(trace, ANY_CASE, B3_TRACE_ID, rawTrace!);
  const rawSpan = get(B3_SPAN_ID);
  const span = first(rawSpan);
  if (span === undefined) {
    throw new TraceContextError(
      B3_SPAN_ID,
      rawSpan ?? "",
      `header is missing or empty while ${B3_TRACE_ID} is present`,
    );
  }
  const spanId = spanIdField(span, ANY_CASE, B3_SPAN_ID, rawSpan!);
  const rawParent = get(B3_PARENT_SPAN_ID);
  const parent = first(rawParent);
  const parentSpanId = parent === undefined
    ? undefined
    : spanIdField(parent, ANY_CASE, B3_PARENT_SPAN_ID, rawParent!, "parent span id");
  return { traceId, spanId, parentSpanId, sampled };
}
