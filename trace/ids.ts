/**
 * Trace and span identifiers: a 128-bit trace id and a 64-bit span id, never zero.
 *
 * Ids are stored as unsigned 32-bit words (no BigInt), so that drawing, comparing and
 * encoding them stays cheap; the lowercase hex form is computed on each `toString()` (not
 * cached, so that an id kept by a queued span holds no string).
 *
 * @module
 */

import { hexWord, isHex } from "./_hex.ts";
import { randomU32 } from "./_random.ts";
import { quoted } from "./_text.ts";

// Hex text is built as one flat string from character codes: faster than `toString(16)` and
// `padStart` per word, and flat (a concatenation would keep a tree of string pieces alive). It is
// not cached on the id, so an id kept by a queued span holds no string.
const HEX_DIGIT_CODES = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const codes16: number[] = new Array<number>(16).fill(48);
const codes32: number[] = new Array<number>(32).fill(48);

function putWord(codes: number[], word: number, at: number): void {
  for (let j = 0; j < 8; j++) codes[at + j] = HEX_DIGIT_CODES[(word >>> (28 - 4 * j)) & 15]!;
}

/** Parses 1 to `maxDigits` hex digits into big-endian u32 words (zero-padded on the left). */
function parseWords(input: string, words: number, what: string): number[] {
  const maxDigits = words * 8;
  if (typeof input !== "string" || input.length === 0) {
    throw new SyntaxError(`Cannot parse ${what}: ${quoted(String(input))} is empty`);
  }
  if (input.length > maxDigits) {
    throw new RangeError(
      `Cannot parse ${what}: ${
        quoted(input)
      } has ${input.length} hex digits, more than ${maxDigits}`,
    );
  }
  if (!isHex(input, false)) {
    throw new SyntaxError(`Cannot parse ${what}: ${quoted(input)} is not hexadecimal`);
  }
  const padded = input.padStart(maxDigits, "0");
  const out: number[] = [];
  let any = 0;
  for (let i = 0; i < words; i++) {
    const w = hexWord(padded, i * 8, i * 8 + 8, false);
    any |= w;
    out.push(w);
  }
  if (any === 0) {
    throw new RangeError(
      `Cannot parse ${what}: ${quoted(input)} is zero, which is not a valid id`,
    );
  }
  return out;
}

function checkWord(w: number, name: string, what: string): void {
  if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) {
    throw new RangeError(`Cannot make ${what}: ${name} ${w} is not an unsigned 32-bit integer`);
  }
}

/**
 * A 64-bit span id, never zero, held as two unsigned 32-bit words.
 *
 * @example Parse, format and draw span ids
 * ```ts
 * import { SpanId } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const id = SpanId.parse("ABC");
 * assert.equal(id.toString(), "0000000000000abc");
 * assert.equal(id.lo, 0xabc);
 * assert.ok(SpanId.random().equals(SpanId.random()) === false);
 * assert.throws(() => SpanId.parse("0"), RangeError);
 * ```
 */
export class SpanId {
  /** The high (most significant) 32 bits, unsigned. */
  readonly hi: number;
  /** The low (least significant) 32 bits, unsigned. */
  readonly lo: number;

  private constructor(hi: number, lo: number) {
    this.hi = hi;
    this.lo = lo;
  }

  /**
   * Makes a span id from its two unsigned 32-bit halves.
   *
   * @param hi The high 32 bits.
   * @param lo The low 32 bits.
   * @returns The span id.
   * @throws {RangeError} If a half is not an unsigned 32-bit integer or both are zero.
   *
   * @example
   * ```ts
   * import { SpanId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.equal(SpanId.fromParts(1, 2).toString(), "0000000100000002");
   * ```
   */
  static fromParts(hi: number, lo: number): SpanId {
    checkWord(hi, "hi", "span id");
    checkWord(lo, "lo", "span id");
    if (hi === 0 && lo === 0) throw new RangeError("Cannot make span id: zero is not a valid id");
    return new SpanId(hi, lo);
  }

  /**
   * Parses 1 to 16 hex digits (either case) into a span id.
   *
   * @param hex The hex digits.
   * @returns The span id.
   * @throws {SyntaxError} If the input is empty or not hex.
   * @throws {RangeError} If it is zero or longer than 16 digits.
   *
   * @example
   * ```ts
   * import { SpanId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.equal(SpanId.parse("00f067aa0ba902b7").lo, 0x0ba902b7);
   * ```
   */
  static parse(hex: string): SpanId {
    const [hi, lo] = parseWords(hex, 2, "span id");
    return new SpanId(hi!, lo!);
  }

  /**
   * Draws a random non-zero span id from a pooled random buffer.
   *
   * @returns A fresh random span id.
   *
   * @example
   * ```ts
   * import { SpanId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.notEqual(SpanId.random().toString(), "0000000000000000");
   * ```
   */
  static random(): SpanId {
    let hi = randomU32();
    let lo = randomU32();
    while (hi === 0 && lo === 0) {
      hi = randomU32();
      lo = randomU32();
    }
    return new SpanId(hi, lo);
  }

  /**
   * Tells whether two span ids are equal.
   *
   * @param other The id to compare with.
   * @returns True when both halves are equal.
   *
   * @example
   * ```ts
   * import { SpanId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.ok(SpanId.parse("a").equals(SpanId.parse("000a")));
   * ```
   */
  equals(other: SpanId | undefined): boolean {
    return other !== undefined && this.hi === other.hi && this.lo === other.lo;
  }

  /**
   * The id as 16 lowercase hex digits, zero-padded.
   *
   * @returns The hex form.
   *
   * @example
   * ```ts
   * import { SpanId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.equal(String(SpanId.parse("1")), "0000000000000001");
   * ```
   */
  toString(): string {
    putWord(codes16, this.hi, 0);
    putWord(codes16, this.lo, 8);
    return String.fromCharCode.apply(null, codes16);
  }

  /**
   * The id as an unsigned 64-bit BigInt (not used on any hot path).
   *
   * @returns The id's value.
   *
   * @example
   * ```ts
   * import { SpanId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.equal(SpanId.parse("ff").toBigInt(), 255n);
   * ```
   */
  toBigInt(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /**
   * The hex form, so that `JSON.stringify` shows ids readably.
   *
   * @returns The hex form.
   *
   * @example
   * ```ts
   * import { SpanId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.equal(JSON.stringify(SpanId.parse("2")), '"0000000000000002"');
   * ```
   */
  toJSON(): string {
    return this.toString();
  }
}

/**
 * A 128-bit trace id, never zero, held as four unsigned 32-bit words, most significant first.
 *
 * Jaeger splits it into `traceIdHigh` (words `w0`, `w1`) and `traceIdLow` (words `w2`, `w3`).
 *
 * @example Parse, format and draw trace ids
 * ```ts
 * import { TraceId } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const id = TraceId.parse("4bf92f3577b34da6a3ce929d0e0e4736");
 * assert.equal(id.toString(), "4bf92f3577b34da6a3ce929d0e0e4736");
 * assert.equal(id.w3, 0x0e0e4736);
 * assert.equal(TraceId.parse("1").toString(), "00000000000000000000000000000001");
 * assert.throws(() => TraceId.parse("00"), RangeError);
 * ```
 */
export class TraceId {
  /** Bits 127..96, unsigned. */
  readonly w0: number;
  /** Bits 95..64, unsigned. */
  readonly w1: number;
  /** Bits 63..32, unsigned. */
  readonly w2: number;
  /** Bits 31..0, unsigned. */
  readonly w3: number;

  private constructor(w0: number, w1: number, w2: number, w3: number) {
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
  }

  /**
   * Makes a trace id from its four unsigned 32-bit words, most significant first.
   *
   * @param w0 Bits 127..96.
   * @param w1 Bits 95..64.
   * @param w2 Bits 63..32.
   * @param w3 Bits 31..0.
   * @returns The trace id.
   * @throws {RangeError} If a word is not an unsigned 32-bit integer or all are zero.
   *
   * @example
   * ```ts
   * import { TraceId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.equal(TraceId.fromParts(0, 0, 0, 255).toString(), "000000000000000000000000000000ff");
   * ```
   */
  static fromParts(w0: number, w1: number, w2: number, w3: number): TraceId {
    checkWord(w0, "w0", "trace id");
    checkWord(w1, "w1", "trace id");
    checkWord(w2, "w2", "trace id");
    checkWord(w3, "w3", "trace id");
    if ((w0 | w1 | w2 | w3) === 0) {
      throw new RangeError("Cannot make trace id: zero is not a valid id");
    }
    return new TraceId(w0, w1, w2, w3);
  }

  /**
   * Parses 1 to 32 hex digits (either case) into a trace id.
   *
   * @param hex The hex digits.
   * @returns The trace id.
   * @throws {SyntaxError} If the input is empty or not hex.
   * @throws {RangeError} If it is zero or longer than 32 digits.
   *
   * @example
   * ```ts
   * import { TraceId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.equal(TraceId.parse("A").w3, 10);
   * ```
   */
  static parse(hex: string): TraceId {
    const [w0, w1, w2, w3] = parseWords(hex, 4, "trace id");
    return new TraceId(w0!, w1!, w2!, w3!);
  }

  /**
   * Draws a random non-zero trace id from a pooled random buffer.
   *
   * @returns A fresh random trace id.
   *
   * @example
   * ```ts
   * import { TraceId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.equal(TraceId.random().toString().length, 32);
   * ```
   */
  static random(): TraceId {
    let w0 = randomU32(), w1 = randomU32(), w2 = randomU32(), w3 = randomU32();
    while ((w0 | w1 | w2 | w3) === 0) {
      w0 = randomU32();
      w1 = randomU32();
      w2 = randomU32();
      w3 = randomU32();
    }
    return new TraceId(w0, w1, w2, w3);
  }

  /**
   * Tells whether two trace ids are equal.
   *
   * @param other The id to compare with.
   * @returns True when all four words are equal.
   *
   * @example
   * ```ts
   * import { TraceId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.ok(TraceId.parse("ab").equals(TraceId.parse("AB")));
   * ```
   */
  equals(other: TraceId | undefined): boolean {
    return other !== undefined && this.w0 === other.w0 && this.w1 === other.w1 &&
      this.w2 === other.w2 && this.w3 === other.w3;
  }

  /**
   * The id as 32 lowercase hex digits, zero-padded.
   *
   * @returns The hex form.
   *
   * @example
   * ```ts
   * import { TraceId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.equal(`${TraceId.parse("f")}`, "0000000000000000000000000000000f");
   * ```
   */
  toString(): string {
    putWord(codes32, this.w0, 0);
    putWord(codes32, this.w1, 8);
    putWord(codes32, this.w2, 16);
    putWord(codes32, this.w3, 24);
    return String.fromCharCode.apply(null, codes32);
  }

  /**
   * The id as an unsigned 128-bit BigInt (not used on any hot path).
   *
   * @returns The id's value.
   *
   * @example
   * ```ts
   * import { TraceId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.equal(TraceId.parse("100000000").toBigInt(), 2n ** 32n);
   * ```
   */
  toBigInt(): bigint {
    return (BigInt(this.w0) << 96n) | (BigInt(this.w1) << 64n) | (BigInt(this.w2) << 32n) |
      BigInt(this.w3);
  }

  /**
   * The hex form, so that `JSON.stringify` shows ids readably.
   *
   * @returns The hex form.
   *
   * @example
   * ```ts
   * import { TraceId } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * assert.equal(JSON.stringify(TraceId.parse("2")), '"00000000000000000000000000000002"');
   * ```
   */
  toJSON(): string {
    return this.toString();
  }
}
