// Id fields of every length, read in place from the header text: checked against BigInt's own
// reading of the same hex (an independent reference), in every format and both cases where the
// format allows them, and at the widths where they stop being valid.

import assert from "node:assert/strict";
import { TraceHeaderParser } from "../../http/mod.ts";
import { SpanId, TraceId } from "../../trace/mod.ts";

const parser = new TraceHeaderParser();

// A seeded generator (xorshift32): the same digits on every run.
let seed = 0x2545f491;
function nextDigit(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % 16;
}

/** A hex string of `length` digits whose first digit is not 0 (so it is never zero). */
function randomHex(length: number, upper = false): string {
  let text = "";
  for (let i = 0; i < length; i++) {
    const digit = nextDigit();
    text += (i === 0 && digit === 0 ? 1 : digit).toString(16);
  }
  return upper ? text.toUpperCase() : text;
}

const asBigInt = (hex: string): bigint => BigInt(`0x${hex}`);

Deno.test("Jaeger ids of every length from 1 to the id's width, either case", () => {
  for (let length = 1; length <= 32; length++) {
    for (const upper of [false, true]) {
      const trace = randomHex(length, upper);
      const span = randomHex(Math.min(length, 16), !upper);
      const parent = randomHex(Math.min(length, 16), upper);
      for (const flags of ["1", "01", "0001", "ff", "3"]) {
        const ctx = parser.parse({ "uber-trace-id": `${trace}:${span}:${parent}:${flags}` });
        assert.equal(ctx?.traceId.toBigInt(), asBigInt(trace), `trace ${trace}`);
        assert.equal(ctx?.spanId.toBigInt(), asBigInt(span), `span ${span}`);
        assert.equal(ctx?.parentSpanId?.toBigInt(), asBigInt(parent), `parent ${parent}`);
        assert.equal(ctx?.sampled, (Number.parseInt(flags, 16) & 1) === 1);
      }
    }
  }
});

Deno.test("Jaeger ids one digit over the width, and flags over a byte, are errors", () => {
  const cases: [string, RegExp][] = [
    [`${randomHex(33)}:1:0:1`, /trace id has 33 hex digits, more than 32/],
    [`1:${randomHex(17)}:0:1`, /span id has 17 hex digits, more than 16/],
    [`1:2:${randomHex(17)}:1`, /parent span id has 17 hex digits, more than 16/],
    ["1:2:0:100", /flags "100" are not a hexadecimal byte/],
    ["1:2:0:0100", /flags "0100" are not a hexadecimal byte/],
    ["1:2:0:1g", /flags "1g" are not a hexadecimal byte/],
    ["1:2g:0:1", /span id "2g" is not hexadecimal/],
    [`${"0".repeat(32)}:2:0:1`, /trace id is zero/],
    [`1:${"0".repeat(16)}:0:1`, /span id is zero/],
  ];
  for (const [value, reason] of cases) {
    assert.throws(() => parser.parse({ "uber-trace-id": value }), reason, value);
  }
  // A parent of zeros, of any length up to the width, is "no parent".
  for (let length = 1; length <= 16; length++) {
    const ctx = parser.parse({ "uber-trace-id": `1:2:${"0".repeat(length)}:1` });
    assert.equal(ctx?.parentSpanId, undefined);
  }
});

Deno.test("B3 multi ids of every length; W3C and B3 single ids at their exact widths", () => {
  for (let length = 1; length <= 32; length++) {
    const trace = randomHex(length, length % 2 === 0);
    const span = randomHex(Math.min(length, 16));
    const ctx = parser.parse({ "x-b3-traceid": trace, "x-b3-spanid": span, "x-b3-sampled": "1" });
    assert.equal(ctx?.traceId.toBigInt(), asBigInt(trace));
    assert.equal(ctx?.spanId.toBigInt(), asBigInt(span));
  }
  for (let i = 0; i < 50; i++) {
    const trace = randomHex(32);
    const span = randomHex(16);
    const w3c = parser.parse({ traceparent: `00-${trace}-${span}-01` });
    assert.equal(w3c?.traceId.toBigInt(), asBigInt(trace));
    assert.equal(w3c?.spanId.toBigInt(), asBigInt(span));
    const b3 = parser.parse({ b3: `${trace}-${span}-1` });
    assert.equal(b3?.traceId.toBigInt(), asBigInt(trace));
    const short = randomHex(16);
    assert.equal(parser.parse({ b3: `${short}-${span}` })?.traceId.toBigInt(), asBigInt(short));
  }
});

Deno.test("ids format as 32 / 16 lower-case hex digits, as W3C writes them", () => {
  for (let length = 1; length <= 32; length++) {
    const hex = randomHex(length);
    assert.equal(TraceId.parse(hex).toString(), hex.padStart(32, "0"));
    if (length <= 16) assert.equal(SpanId.parse(hex).toString(), hex.padStart(16, "0"));
  }
  assert.equal(TraceId.parse("f".repeat(32)).toString(), "f".repeat(32));
  assert.equal(SpanId.parse("F".repeat(16)).toString(), "f".repeat(16));
});
