// The "wasm" backend's direct path from our Span model, encodeTraceSpans(spans), against the
// reference path: spanToJaeger (IOx's mapping) then the "js" backend. Seeded random spans
// cover every metadata kind (strings with lone surrogates, safe and unsafe integers, NaN and
// infinities, bigints in and out of the i64 range, Float, untyped values), the status tags and
// their collisions with metadata keys, links, events with metadata, missing and odd times, and
// more than 14 (and more than 64) tags; the bytes must be identical.

import assert from "node:assert/strict";
import { jsSpanEncoder } from "../../exporters/jaeger/js_span_encoder.ts";
import { spanToJaeger } from "../../exporters/jaeger/span_to_jaeger.ts";
import { Span } from "../../trace/span.ts";
import { wasmSpanEncoder } from "../../exporters/jaeger/wasm_span_encoder.ts";
import { makeStandardSpans } from "../_standard_span.ts";
import { Rng } from "./_random_spans.ts";
import { randomTraceSpan } from "./_random_trace_spans.ts";
import { newCore } from "./_core.ts";

function reference(spans: readonly Span[]): Uint8Array {
  return jsSpanEncoder.encodeSpans(spans.map(spanToJaeger)).bytes.slice();
}

function assertSame(
  spans: readonly Span[],
  label: string,
  encode = wasmSpanEncoder.encodeTraceSpans,
): void {
  const expected = reference(spans);
  const actual = encode(spans).bytes;
  if (Buffer.compare(actual, expected) !== 0) {
    let at = 0;
    while (at < expected.length && actual[at] === expected[at]) at++;
    assert.fail(
      `${label}: bytes differ at offset ${at} (js ${expected.length}, wasm ${actual.length})`,
    );
  }
}

Deno.test("wasm direct: the standard spans encode as spanToJaeger + js does", () => {
  const spans = makeStandardSpans(3000);
  for (let i = 0; i < 3; i++) assertSame(spans, `round ${i}`);
});

Deno.test("wasm direct: 10,000 seeded random batches of spans encode as spanToJaeger + js", () => {
  const r = new Rng(0xd1ec7);
  const core = newCore();
  const shapes: Span[] = [];
  for (let i = 0; i < 10_000; i++) {
    const n = r.chance(0.02) ? 0 : 1 + r.int(5);
    const batch: Span[] = [];
    for (let j = 0; j < n; j++) {
      // Recurring spans too, so that interning and the sort cache take part.
      if (shapes.length > 0 && r.chance(0.4)) batch.push(r.pick(shapes));
      else {
        const s = randomTraceSpan(r);
        batch.push(s);
        if (shapes.length < 30) shapes.push(s);
        else if (r.chance(0.1)) shapes[r.int(30)] = s;
      }
    }
    const bad = batch.some((s) => {
      try {
        spanToJaeger(s);
        jsSpanEncoder.encodeSpans([spanToJaeger(s)]);
        return false;
      } catch {
        return true;
      }
    });
    if (bad) {
      assert.throws(() => core.encodeTraceSpans(batch), RangeError, `batch ${i}`);
      continue;
    }
    assertSame(batch, `batch ${i}`, core.encodeTraceSpans);
  }
});

Deno.test("wasm direct: a time beyond the i64 range throws RangeError, as spanToJaeger + js", () => {
  const span = Span.root("x");
  span.start = 2 ** 64;
  assert.throws(() => jsSpanEncoder.encodeSpans([spanToJaeger(span)]), RangeError);
  assert.throws(() => wasmSpanEncoder.encodeTraceSpans([span]), RangeError);
  span.start = 1_000;
  assertSame([span], "after the throw");
});

Deno.test("wasm direct: writeTraceSpans writes ranges, skipping (and reporting) bad spans", () => {
  const r = new Rng(0xc4c4);
  const starts: number[] = [];
  const ends: number[] = [];
  const which: number[] = [];
  for (let round = 0; round < 300; round++) {
    const spans: Span[] = [];
    const n = r.int(70);
    for (let i = 0; i < n; i++) {
      const s = randomTraceSpan(r);
      if (r.chance(0.05)) s.start = 2 ** 64; // beyond i64: cannot be encoded
      spans.push(s);
    }
    const from = r.int(n + 1);
    const to = from + r.int(n - from + 1);
    const errors: unknown[] = [];
    const { bytes, written } = wasmSpanEncoder.writeTraceSpans(
      spans,
      from,
      to,
      starts,
      ends,
      which,
      (e) => errors.push(e),
    );
    const copy = bytes.slice();
    let expectWritten = 0;
    for (let i = from; i < to; i++) {
      let expected: Uint8Array | undefined;
      try {
        expected = reference([spans[i]!]);
      } catch {
        expected = undefined;
      }
      if (expected === undefined) continue;
      const k = expectWritten++;
      assert.equal(which[k], i, `round ${round}: span ${k} comes from ${i}`);
      const actual = copy.subarray(starts[k]!, ends[k]!);
      assert.ok(Buffer.compare(actual, expected) === 0, `round ${round}: span ${i} bytes`);
    }
    assert.equal(written, expectWritten, `round ${round}: written`);
    assert.equal(errors.length, to - from - written, `round ${round}: errors reported`);
    assert.ok(errors.every((e) => e instanceof RangeError));
  }
});
