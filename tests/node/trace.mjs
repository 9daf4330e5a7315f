// The span model under Node, through the built npm package (imported by its name, `spanwire`).
// Run by `deno task build:npm --test` (scripts/build_npm.ts), which installs the packed tarball
// into a throwaway project and runs `node --test` there.
//
// The package is loaded with `await import("spanwire")` rather than a static import so that the
// repository's `deno check tests/` does not need the built package; Node resolves it the same way.

import { test } from "node:test";
import assert from "node:assert/strict";

const root = await import("spanwire");
const trace = await import("spanwire/trace");
const {
  LogTraceCollector,
  ManualClock,
  RingBufferTraceCollector,
  Span,
  SpanContext,
  SpanId,
  SpanRecorder,
  systemClock,
  TraceId,
  float,
} = trace;

test("the root entry point re-exports the span model", () => {
  for (const name of ["Span", "SpanContext", "SpanRecorder", "TraceId", "SpanId"]) {
    assert.equal(root[name], trace[name], name);
  }
});

test("ids: IOx's hex rules", async (t) => {
  await t.test("shorter hex is zero-padded on the left, output is lowercase", () => {
    assert.equal(TraceId.parse("ABC").toString(), "00000000000000000000000000000abc");
    assert.equal(SpanId.parse("00f067aa0ba902b7").toString(), "00f067aa0ba902b7");
    assert.equal(SpanId.parse("ff").toBigInt(), 255n);
  });
  await t.test("the W3C example trace id round-trips", () => {
    const hex = "4bf92f3577b34da6a3ce929d0e0e4736";
    assert.equal(TraceId.parse(hex).toString(), hex);
  });
  await t.test("zero is not an id (RangeError), non-hex is a SyntaxError", () => {
    assert.throws(() => TraceId.parse("0"), RangeError);
    assert.throws(() => SpanId.parse("0000000000000000"), RangeError);
    assert.throws(() => SpanId.parse(""), SyntaxError);
    assert.throws(() => SpanId.parse("xyz"), SyntaxError);
    assert.throws(() => SpanId.parse("12:34"), SyntaxError);
  });
  await t.test("more digits than the id's width is a RangeError", () => {
    assert.throws(() => SpanId.parse("1".repeat(17)), RangeError);
    assert.throws(() => TraceId.parse("1".repeat(33)), RangeError);
  });
  await t.test("random ids (Node's crypto.getRandomValues) are non-zero and distinct", () => {
    const seen = new Set();
    for (let i = 0; i < 100_000; i++) {
      const id = SpanId.random().toString();
      assert.notEqual(id, "0000000000000000");
      seen.add(id);
    }
    assert.equal(seen.size, 100_000);
    assert.match(TraceId.random().toString(), /^[0-9a-f]{32}$/);
  });
});

test("SpanContext: IOx's child rules", () => {
  const collector = new RingBufferTraceCollector(4);
  const parent = SpanContext.root(collector);
  assert.equal(parent.parentSpanId, undefined);
  assert.equal(parent.sampled, true);
  parent.links.push({ traceId: TraceId.random(), spanId: SpanId.random() });

  const child = parent.child("step");
  assert.equal(child.name, "step");
  assert.ok(child.ctx.traceId.equals(parent.traceId), "same trace");
  assert.ok(!child.ctx.spanId.equals(parent.spanId), "new span id");
  assert.ok(child.ctx.parentSpanId?.equals(parent.spanId), "parent = this span");
  assert.equal(child.ctx.links.length, 0, "links are not inherited");
  assert.equal(child.ctx.collector, collector);

  const unsampled = SpanContext.root(collector, { sampled: false });
  assert.equal(unsampled.child("x").ctx.sampled, false, "sampled is copied");
});

test("Span: status is set once, metadata and events are kept", () => {
  const clock = new ManualClock(5_000);
  const span = Span.root("job", undefined, { clock });
  span.setMetadata("rows", 3).setMetadata("ratio", float(1)).event("planned", { parts: 2 });
  span.ok();
  span.error("too late");
  assert.equal(span.status, "ok", "the first status wins");
  assert.equal(span.metadata.get("rows"), 3);
  assert.equal(span.metadata.get("ratio").value, 1);
  assert.equal(span.events[0].message, "planned");
  assert.equal(span.events[0].time, 5_000);
  assert.equal(span.events[0].metadata.get("parts"), 2);
});

test("SpanRecorder: times by the context's clock and exports once", async (t) => {
  await t.test("start at creation, end at finish, exported exactly once", () => {
    const clock = new ManualClock(1_000);
    const collector = new RingBufferTraceCollector(10);
    const recorder = new SpanRecorder(Span.root("request", collector, { clock }));
    clock.advance(250);
    recorder.setMetadata("http.status_code", 200).ok();
    recorder.finish();
    recorder.finish();
    const [span, ...rest] = collector.spans();
    assert.equal(rest.length, 0);
    assert.equal(span.start, 1_000);
    assert.equal(span.end, 1_250);
    assert.equal(span.status, "ok");
  });
  await t.test("finish keeps start = min(start, now), end = max(end, now)", () => {
    const clock = new ManualClock(1_000);
    const span = Span.root("request", undefined, { clock });
    const recorder = new SpanRecorder(span);
    span.start = 2_000;
    span.end = 9_000;
    clock.set(3_000);
    recorder.finish();
    assert.equal(span.start, 2_000);
    assert.equal(span.end, 9_000);
  });
  await t.test("[Symbol.dispose] (Node's native Symbol.dispose) finishes exactly once", () => {
    assert.equal(typeof Symbol.dispose, "symbol");
    const collector = new RingBufferTraceCollector(10);
    const recorder = new SpanRecorder(Span.root("disposed", collector));
    assert.equal(typeof recorder[Symbol.dispose], "function");
    recorder[Symbol.dispose]();
    recorder[Symbol.dispose]();
    assert.deepEqual(collector.spans().map((s) => s.name), ["disposed"]);
  });
  await t.test("a child recorder exports before its parent, in the same trace", () => {
    const collector = new RingBufferTraceCollector(10);
    const request = new SpanRecorder(SpanContext.root(collector).child("request"));
    const plan = request.child("plan");
    plan.finish();
    request.finish();
    const [first, second] = collector.spans();
    assert.deepEqual([first.name, second.name], ["plan", "request"]);
    assert.ok(first.ctx.parentSpanId.equals(second.ctx.spanId));
  });
  await t.test("a recorder over no span is a no-op", () => {
    const recorder = new SpanRecorder(undefined);
    recorder.setMetadata("ignored", true).child("also ignored").finish();
    recorder[Symbol.dispose]();
    assert.equal(recorder.span, undefined);
  });
});

test("collectors", async (t) => {
  await t.test("the ring buffer keeps the last N, oldest first", () => {
    const collector = new RingBufferTraceCollector(3);
    for (const name of ["a", "b", "c", "d", "e"]) Span.root(name, collector).export();
    assert.deepEqual(collector.spans().map((s) => s.name), ["c", "d", "e"]);
    assert.throws(() => new RingBufferTraceCollector(0), RangeError);
  });
  await t.test("the log collector writes one line a span", () => {
    const lines = [];
    const clock = new ManualClock(1_700_000_000_000_000);
    const collector = new LogTraceCollector({ sink: (line) => lines.push(line) });
    const recorder = new SpanRecorder(Span.root("query", collector, { clock }));
    clock.advance(1_500);
    recorder.setMetadata("rows", 3).ok();
    recorder.finish();
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^span "query" trace=[0-9a-f]{32} span=[0-9a-f]{16} parent=- /);
    assert.match(lines[0], /start=2023-11-14T22:13:20\.000Z duration=1\.500ms status=ok/);
  });
  await t.test("a collector that throws never reaches the caller", () => {
    const thrower = {
      export: () => {
        throw new Error("boom");
      },
    };
    const warn = console.warn;
    console.warn = () => {};
    try {
      assert.doesNotThrow(() => new SpanRecorder(Span.root("x", thrower)).finish());
    } finally {
      console.warn = warn;
    }
  });
});

test("the system clock: microseconds since the epoch from Node's performance timer", () => {
  const a = systemClock.now();
  const b = systemClock.now();
  assert.ok(b >= a);
  assert.ok(Math.abs(a / 1000 - Date.now()) < 60_000);
});
