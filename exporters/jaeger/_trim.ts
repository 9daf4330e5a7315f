// Trimming of a Jaeger span too large for a packet on its own (the rare path, off the hot one):
// mark it `spanwire.trimmed=true`, shorten its longest string and binary values (tag values and
// log fields, longest first, never below 32 bytes), then drop its last logs, until its encoding
// fits. Works on a copy of the Jaeger span, encoded by the backend's `encodeSpans`.

import { utf8Length } from "../pipeline/byte_writer.ts";
import type { SpanEncoderBackend } from "./span_encoder_backend.ts";
import { type JaegerLog, type JaegerSpan, type JaegerTag, TagType } from "./thrift_model.ts";

/** The tag added to a span that was trimmed to fit a packet (a `BOOL`, `true`). */
export const TRIMMED_TAG = "spanwire.trimmed";
/** Trimming never shortens a string or binary value below this many bytes. */
const MIN_KEPT_VALUE_BYTES = 32;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

function copyTag(t: JaegerTag): JaegerTag {
  return { ...t };
}

function copyForTrimming(span: JaegerSpan): JaegerSpan {
  return {
    ...span,
    tags: span.tags?.map(copyTag),
    logs: span.logs?.map((l): JaegerLog => ({
      timestamp: l.timestamp,
      fields: l.fields.map(copyTag),
    })),
  };
}

/** `s` cut to at most `maxBytes` UTF-8 bytes, on a character boundary. */
function truncateUtf8(s: string, maxBytes: number): string {
  const bytes = utf8.encode(s);
  if (bytes.length <= maxBytes) return s;
  let n = maxBytes;
  while (n > 0 && (bytes[n]! & 0xc0) === 0x80) n--;
  return utf8Decoder.decode(bytes.subarray(0, n));
}

function valueLength(t: JaegerTag): number {
  if (t.vBinary != null) return t.vBinary.length;
  if (t.vStr != null) return utf8Length(t.vStr);
  return 0;
}

/**
 * The encoding of a trimmed copy of `original` that fits `limit` bytes if trimming can make
 * one, else the smallest it got to (the caller checks the size). Throws what the backend throws.
 */
export function trimToFit(
  original: JaegerSpan,
  limit: number,
  backend: SpanEncoderBackend,
): Uint8Array {
  const encodeOne = (s: JaegerSpan): Uint8Array => backend.encodeSpans([s]).bytes.slice();
  const span = copyForTrimming(original);
  const marker: JaegerTag = {
    key: TRIMMED_TAG,
    vType: TagType.BOOL,
    vStr: undefined,
    vDouble: undefined,
    vBool: true,
    vLong: undefined,
    vBinary: undefined,
  };
  span.tags = span.tags === undefined ? [marker] : [...span.tags, marker];
  let bytes = encodeOne(span);
  if (bytes.length <= limit) return bytes;

  // 1. Shorten the longest string and binary values, longest first.
  const values: JaegerTag[] = [];
  for (const t of span.tags) if (t.vStr != null || t.vBinary != null) values.push(t);
  for (const l of span.logs ?? []) {
    for (const t of l.fields) if (t.vStr != null || t.vBinary != null) values.push(t);
  }
  while (bytes.length > limit) {
    let longest: JaegerTag | undefined;
    let longestLength = MIN_KEPT_VALUE_BYTES;
    for (const t of values) {
      const len = valueLength(t);
      if (len > longestLength) {
        longest = t;
        longestLength = len;
      }
    }
    if (longest === undefined) break;
    const keep = Math.max(MIN_KEPT_VALUE_BYTES, longestLength - (bytes.length - limit));
    if (longest.vBinary != null) longest.vBinary = longest.vBinary.subarray(0, keep);
    if (longest.vStr != null) longest.vStr = truncateUtf8(longest.vStr, keep);
    if (valueLength(longest) >= longestLength) break; // no progress (cannot happen)
    bytes = encodeOne(span);
  }

  // 2. Drop the last logs: keep the longest prefix that fits (binary search).
  const logs = span.logs;
  if (bytes.length > limit && logs !== undefined && logs.length > 0) {
    let lo = 0;
    let hi = logs.length - 1;
    let best: Uint8Array | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      span.logs = logs.slice(0, mid);
      const b = encodeOne(span);
      if (b.length <= limit) {
        best = b;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (best !== undefined) return best;
    span.logs = [];
    bytes = encodeOne(span);
  }
  return bytes;
}
