// A sampled context with no collector loses every span: the first such span says so, once
// (rate-limited), instead of nothing at all. Its own file: the warning is module state.

import assert from "node:assert/strict";
import { TraceHeaderParser } from "../../http/mod.ts";
import { SpanContext, SpanRecorder } from "../../trace/mod.ts";

Deno.test("a sampled span with no collector warns once; unsampled spans stay silent", () => {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
  try {
    // Unsampled: nothing is recorded on purpose, no warning.
    new SpanRecorder(SpanContext.root(undefined, { sampled: false }).child("unsampled")).finish();
    assert.equal(warnings.length, 0);
    // The README's old mistake: a parser with no collector, a sampled header.
    const ctx = new TraceHeaderParser().parse({ "uber-trace-id": "4d2:162e:0:1" });
    assert.equal(ctx?.sampled, true);
    for (let i = 0; i < 5; i++) new SpanRecorder(ctx?.child(`request ${i}`)).finish();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /"request 0" is sampled but its context has no collector/);
  } finally {
    console.warn = original;
  }
});
