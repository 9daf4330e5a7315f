// Id fields of trace context headers: the checks every format shares, with reasons that name
// the field, then `TraceId.parse` / `SpanId.parse` from the span model.

import { SpanId, TraceId } from "../trace/ids.ts";
import { TraceContextError } from "./trace_context_error.ts";

const HEX_ANY_CASE = /^[0-9a-fA-F]+$/;
const HEX_LOWER = /^[0-9a-f]+$/;
const ZERO = /^0+$/;

/** How strictly an id field is read. */
export interface IdRule {
  /** Only lower-case hex digits (W3C, B3 single); else either case (Jaeger, B3 multi, IOx). */
  readonly lowerCase: boolean;
  /** The exact lengths allowed; when absent, any length from 1 to the id's width. */
  readonly lengths?: readonly number[];
}

/** Shows a short piece of a field in a reason. */
export function show(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}

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
  if (!(rule.lowerCase ? HEX_LOWER : HEX_ANY_CASE).test(text)) {
    return `${what} ${show(text)} is not ${rule.lowerCase ? "lower-case " : ""}hexadecimal`;
  }
  if (!zeroAllowed && ZERO.test(text)) return `${what} is zero, which is not a valid id`;
  return undefined;
}

/** True when the (already checked) field is all zeros. */
export function isZero(text: string): boolean {
  return ZERO.test(text);
}

// Hex digits to their values; -1 for anything else. Upper case is told apart for strict rules.
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[97 + i] = 10 + i;
  HEX_VALUE[65 + i] = 10 + i;
}

/**
 * Reads `text` (already known to be 1..words*8 characters) into big-endian u32 words, or
 * returns `undefined` when a character is not an allowed hex digit.
 */
function hexWords(text: string, words: number, lowerCase: boolean): number[] | undefined {
  const out: number[] = [];
  const length = text.length;
  for (let k = 0; k < words; k++) {
    const end = length - (words - 1 - k) * 8;
    let word = 0;
    for (let i = end - 8 < 0 ? 0 : end - 8; i < end; i++) {
      const code = text.charCodeAt(i);
      const value = code < 128 ? HEX_VALUE[code]! : -1;
      if (value < 0 || (lowerCase && code <= 70 && code >= 65)) return undefined;
      word = word * 16 + value;
    }
    out.push(word);
  }
  return out;
}

function isAllZero(words: number[]): boolean {
  for (const w of words) if (w !== 0) return false;
  return true;
}

function fieldWords(
  text: string,
  what: string,
  words: number,
  rule: IdRule,
  header: string,
  value: string,
  zeroAllowed: boolean,
): number[] {
  const maxDigits = words * 8;
  const length = text.length;
  let parsed: number[] | undefined;
  if (
    length > 0 &&
    (rule.lengths === undefined ? length <= maxDigits : rule.lengths.includes(length))
  ) {
    parsed = hexWords(text, words, rule.lowerCase);
  }
  if (parsed === undefined) {
    // Say exactly what is wrong (the slow path, for malformed input only).
    throw new TraceContextError(
      header,
      value,
      idProblem(text, what, maxDigits, rule, zeroAllowed) ?? `${what} ${show(text)} is invalid`,
    );
  }
  if (!zeroAllowed && isAllZero(parsed)) {
    throw new TraceContextError(header, value, `${what} is zero, which is not a valid id`);
  }
  return parsed;
}

/**
 * Parses a trace id field, throwing a {@linkcode TraceContextError} for `header`/`value`.
 */
export function traceIdField(
  text: string,
  rule: IdRule,
  header: string,
  value: string,
  what = "trace id",
): TraceId {
  const [w0, w1, w2, w3] = fieldWords(text, what, 4, rule, header, value, false);
  return TraceId.fromParts(w0!, w1!, w2!, w3!);
}

/**
 * Parses a span id field, throwing a {@linkcode TraceContextError} for `header`/`value`.
 */
export function spanIdField(
  text: string,
  rule: IdRule,
  header: string,
  value: string,
  what = "span id",
): SpanId {
  const [hi, lo] = fieldWords(text, what, 2, rule, header, value, false);
  return SpanId.fromParts(hi!, lo!);
}

/**
 * Parses an optional span id field where all zeros means "none" (Jaeger's parent).
 */
export function optionalSpanIdField(
  text: string,
  rule: IdRule,
  header: string,
  value: string,
  what: string,
): SpanId | undefined {
  const [hi, lo] = fieldWords(text, what, 2, rule, header, value, true);
  return hi === 0 && lo === 0 ? undefined : SpanId.fromParts(hi!, lo!);
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
}
