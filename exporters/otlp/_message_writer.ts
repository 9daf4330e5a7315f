// The one interface the OTLP mapping (span_to_otlp.ts) writes through. Three writers implement
// it: protobuf bytes (_proto_writer.ts ProtoWriter), protobuf sizes (ProtoSizer, the
// byte-counting twin, so sizes cannot drift from bytes) and OTLP/JSON bytes (_json_writer.ts).
// The mapping says WHAT goes in which field; the writer says how the field looks on its wire.

import type { SpanId, TraceId } from "../../trace/ids.ts";
import type { MetadataValue } from "../../trace/span.ts";
import type { Field } from "./_fields.ts";

/** Writes OTLP messages, field by field, in one wire format. */
export interface MessageWriter {
  /** A 16-byte trace id (`bytes`; JSON: 32 lowercase hex digits). */
  traceId(f: Field, id: TraceId): void;
  /** An 8-byte span id (`bytes`; JSON: 16 lowercase hex digits). */
  spanId(f: Field, id: SpanId): void;
  /** A `string` (UTF-8; a lone surrogate becomes U+FFFD). */
  string(f: Field, value: string): void;
  /** An `enum` or small unsigned integer (JSON: a number). */
  enumValue(f: Field, value: number): void;
  /** A `fixed64` time in unix nanoseconds, from microseconds (JSON: a decimal string). */
  timeMicros(f: Field, micros: number): void;
  /** An `int64` from a safe integer (JSON: a decimal string). */
  int(f: Field, value: number): void;
  /** An `int64` from a bigint in the signed 64-bit range (JSON: a decimal string). */
  bigint(f: Field, value: bigint): void;
  /** A `double` (JSON: a number, or "NaN", "Infinity", "-Infinity"). */
  double(f: Field, value: number): void;
  /** A `bool`. */
  bool(f: Field, value: boolean): void;
  /** Starts the top-level message (JSON: `{`; protobuf: nothing). */
  root(): void;
  /** Ends the top-level message. */
  endRoot(): void;
  /**
   * Starts a message field (an element, inside a list; JSON at the top level: a bare object,
   * as one span element is encoded on its own).
   */
  open(f: Field): void;
  /** Ends the message opened last. */
  close(): void;
  /** Starts a repeated message field (JSON: an array; protobuf: nothing). */
  openList(f: Field): void;
  /** Ends the repeated field opened last. */
  closeList(): void;
  /**
   * Leaves room for `length` bytes written elsewhere (the spans of a frame): counted in the
   * enclosing lengths, not written; the writer keeps where it is (`gapAt`).
   */
  gap(length: number): void;
  /** Appends a list element that a writer of the same kind wrote earlier on its own. */
  chunk(bytes: Uint8Array, length?: number): void;
  /**
   * Writes again the element `f` that this writer wrote last for the same `key` and `value`
   * (see `remember`), when it kept one; returns whether it did. Writers that keep nothing
   * return false.
   */
  replay(f: Field, key: string, value: MetadataValue): boolean;
  /**
   * Says where the element that `remember` may keep begins: its first byte, or -1 for a
   * writer that keeps nothing.
   */
  mark(): number;
  /**
   * Keeps the element `f` written since `mark` as the bytes of `key` and `value`, for
   * `replay` (a writer decides what it keeps: small elements of keys whose values repeat).
   */
  remember(f: Field, key: string, value: MetadataValue, mark: number): void;
}

const TWO_32 = 4294967296;

/**
 * Splits microseconds since the epoch into the unix-nanosecond `fixed64` halves, exactly:
 * whole microseconds times 1000 plus the rounded nanoseconds of the fraction. Negative and
 * non-finite times are 0.
 *
 * @returns `[lo, hi]` unsigned 32-bit words, written to `out`.
 */
export function nanosWords(micros: number, out: number[]): void {
  if (!(micros > 0) || !Number.isFinite(micros)) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  let whole = Math.floor(micros);
  let frac = Math.round((micros - whole) * 1000);
  if (frac === 1000) {
    whole += 1;
    frac = 0;
  }
  const wHi = Math.floor(whole / TWO_32);
  let lo = (whole - wHi * TWO_32) * 1000 + frac;
  const carry = Math.floor(lo / TWO_32);
  lo -= carry * TWO_32;
  out[0] = lo;
  out[1] = (wHi * 1000 + carry) >>> 0;
}

/** The unix-nanosecond decimal text of microseconds (as {@linkcode nanosWords} counts them). */
export function nanosText(micros: number): string {
  if (!(micros > 0) || !Number.isFinite(micros)) return "0";
  let whole = Math.floor(micros);
  let frac = Math.round((micros - whole) * 1000);
  if (frac === 1000) {
    whole += 1;
    frac = 0;
  }
  if (whole === 0) return String(frac);
  return `${whole}${frac < 10 ? "00" : frac < 100 ? "0" : ""}${frac}`;
}

/** The two's-complement 64-bit halves of a safe integer, written to `out` as `[lo, hi]`. */
export function int64Words(value: number, out: number[]): void {
  const hi = Math.floor(value / TWO_32);
  out[0] = (value - hi * TWO_32) >>> 0;
  out[1] = hi >>> 0;
}

/** The two's-complement 64-bit halves of a bigint in the int64 range, as `[lo, hi]`. */
export function bigintWords(value: bigint, out: number[]): void {
  const u = BigInt.asUintN(64, value);
  out[0] = Number(u & 0xffffffffn);
  out[1] = Number(u >> 32n);
}
