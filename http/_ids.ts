// Id fields of trace context headers: the checks every format shares, with reasons that name
// the field, then `TraceId.parse` / `SpanId.parse` from the span model.

import { hexWord, isHex } from "../trace/_hex.ts";
import { quoted } from "../trace/_text.ts";
import { SpanId, TraceId } from "../trace/ids.ts";
import { TraceContextError } from "./trace_context_error.ts";

const ZERO = /^0+$/;

/** How strictly an id field is read. */
export interface IdRule {
  /** Only lower-case hex digits (W3C, B3 single); else either case (Jaeger, B3 multi, IOx). */
  readonly lowerCase: boolean;
  /** The exact lengths allowed; when absent, any length from 1 to the id's width. */
  readonly lengths?: readonly number[];
}

/** Shows a field (cut when long) in a reason. */
export const show: (text: string) => string = quoted;

/**
 * Why `text` is not a valid id field, or `undefined` when it is valid.
 *
 * @param text The field.
 * @param what The field's name for the reason ("trace id", "parent span id", ...).
 * @param maxDigits The id's width in hex digits (32 or 16).
 * @param rule How strictly to read it.
 * @param zeroAllowed Whether an all-zero value is accepted (Jaeger's "no parent").
 */
export function idProblem(
  text: string,
  what: string,
  maxDigits: number,
  rule: IdRule,
  zeroAllowed = false,
): string | undefined {
  if (text.length === 0) return `${what} is empty`;
  if (rule.lengths !== undefined) {
    if (!rule.lengths.includes(text.length)) {
      return `${what} ${show(text)} has ${text.length} characters, expected ${
        rule.lengths.join(" or ")
      }`;
    }
  } else if (text.length > maxDigits) {
    return `${what} has ${text.length} hex digits, more than ${maxDigits}`;
  }
  if (!isHex(text, rule.lowerCase)) {
    return `${what} ${show(text)} is not ${rule.lowerCase ? "lower-case " : ""}hexadecimal`;
  }
  if (!zeroAllowed && ZERO.test(text)) return `${what} is zero, which is not a valid id`;
  return undefined;
}

/**
 * The `k`-th u32 word from the right of the hex field `text[from..to)`: its digits are
 * `text[to - 8k - 8 .. to - 8k)` cut to the field (none left: 0), or -1 for a bad digit.
 */
function wordAt(text: string, from: number, to: number, k: number, lowerCase: boolean): number {
  const end = to - 8 * k;
  if (end <= from) return 0;
  const start = end - 8;
  return hexWord(text, start < from ? from : start, end, lowerCase);
}

function lengthFits(length: number, maxDigits: number, rule: IdRule): boolean {
  return length > 0 &&
    (rule.lengths === undefined ? length <= maxDigits : rule.lengths.includes(length));
}

/** Says exactly what is wrong with a field (the slow path, for malformed input only). */
function fieldError(
  text: string,
  what: string,
  maxDigits: number,
  rule: IdRule,
  header: string,
  value: string,
  zeroAllowed: boolean,
): TraceContextError {
  return new TraceContextError(
    header,
    value,
    idProblem(text, what, maxDigits, rule, zeroAllowed) ?? `${what} ${show(text)} is invalid`,
  );
}

function zeroError(what: string, header: string, value: string): TraceContextError {
  return new TraceContextError(header, value, `${what} is zero, which is not a valid id`);
}

/**
 * Parses the trace id field `text[from..to)` (default the whole text), throwing a
 * {@linkcode TraceContextError} for `header`/`value`.
 */
export function traceIdField(
  text: string,
  rule: IdRule,
  header: string,
  value: string,
  what = "trace id",
  from = 0,
  to: number = text.length,
): TraceId {
  const lc = rule.lowerCase;
  if (lengthFits(to - from, 32, rule)) {
    const w3 = wordAt(text, from, to, 0, lc);
    const w2 = wordAt(text, from, to, 1, lc);
    const w1 = wordAt(text, from, to, 2, lc);
    const w0 = wordAt(text, from, to, 3, lc);
    if (w0 >= 0 && w1 >= 0 && w2 >= 0 && w3 >= 0) {
      if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0) throw zeroError(what, header, value);
      return TraceId.fromParts(w0, w1, w2, w3);
    }
  }
  throw fieldError(text.slice(from, to), what, 32, rule, header, value, false);
}

function spanWords(
  text: string,
  rule: IdRule,
  header: string,
  value: string,
  what: string,
  from: number,
  to: number,
  zeroAllowed: boolean,
): SpanId | undefined {
  const lc = rule.lowerCase;
  if (lengthFits(to - from, 16, rule)) {
    const lo = wordAt(text, from, to, 0, lc);
    const hi = wordAt(text, from, to, 1, lc);
    if (hi >= 0 && lo >= 0) {
      if (hi === 0 && lo === 0) {
        if (zeroAllowed) return undefined;
        throw zeroError(what, header, value);
      }
      return SpanId.fromParts(hi, lo);
    }
  }
  throw fieldError(text.slice(from, to), what, 16, rule, header, value, zeroAllowed);
}

/**
 * Parses the span id field `text[from..to)` (default the whole text), throwing a
 * {@linkcode TraceContextError} for `header`/`value`.
 */
export function spanIdField(
  text: string,
  rule: IdRule,
  header: string,
  value: string,
  what = "span id",
  from = 0,
  to: number = text.length,
): SpanId {
  return spanWords(text, rule, header, value, what, from, to, false)!;
}

/**
 * Parses an optional span id field `text[from..to)` (default the whole text) where all zeros
 * means "none" (Jaeger's parent).
 */
export function optionalSpanIdField(
  text: string,
  rule: IdRule,
  header: string,
  value: string,
  what: string,
  from = 0,
  to: number = text.length,
): SpanId | undefined {
  return spanWords(text, rule, header, value, what, from, to, true);
}

/** What a format's parser found: ids (absent when only a sampling decision was sent). */
export interface ContextFields {
  /** The trace id; absent for a sampling decision alone (B3 `b3: 0`, `X-B3-Sampled: 1`). */
  readonly traceId?: TraceId;
  /** The caller's span id (present whenever `traceId` is). */
  readonly spanId?: SpanId;
  /** The caller's parent, when the format carries one. */
  readonly parentSpanId?: SpanId;
  /** The sampling decision. */
  readonly sampled: boolean;
  /** The W3C `tracestate` to carry through. */
  readonly traceState?: string;
  /** W3C Level 2's random flag (`traceparent` flags & 0x02); absent (false) elsewhere. */
  readonly randomTraceId?: boolean;
}
