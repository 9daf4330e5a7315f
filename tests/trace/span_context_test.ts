import assert from "node:assert/strict";
import {
  ManualClock,
  RingBufferTraceCollector,
  SpanContext,
  SpanId,
  TraceId,
} from "../../trace/mod.ts";

Deno.test("root: sampled, no parent, random distinct ids, collector kept", () => {
  const collector = new RingBufferTraceCollector(1);
  const a = SpanContext.root(collector);
  const b = SpanContext.root(collector);
  assert.equal(a.sampled, true);
  assert.equal(a.parentSpanId, undefined);
  assert.equal(a.collector, collector);
  assert.deepEqual(a.links, []);
  assert.ok(!a.traceId.equals(b.traceId));
  assert.ok(!a.spanId.equals(b.spanId));
  assert.equal(SpanContext.root(undefined, { sampled: false }).sampled, false);
});

Deno.test("child: same trace, new span id, parent = this, sampled copied, links not inherited", () => {
  const collector = new RingBufferTraceCollector(1);
  const clock = new ManualClock(5);
  for (const sampled of [true, false]) {
    const parent = new SpanContext({
      traceId: TraceId.parse("4bf92f3577b34da6a3ce929d0e0e4736"),
      spanId: SpanId.parse("00f067aa0ba902b7"),
      parentSpanId: SpanId.parse("1"),
      links: [{ traceId: TraceId.parse("9"), spanId: SpanId.parse("8") }],
      sampled,
      collector,
      clock,
      traceState: "congo=t61rcWkgMzE",
    });
    const span = parent.child("step");
    assert.equal(span.name, "step");
    assert.ok(span.ctx.traceId.equals(parent.traceId));
    assert.ok(!span.ctx.spanId.equals(parent.spanId));
    assert.ok(span.ctx.parentSpanId?.equals(parent.spanId));
    assert.equal(span.ctx.sampled, sampled);
    assert.deepEqual(span.ctx.links, []);
    assert.equal(span.ctx.collector, collector);
    assert.equal(span.ctx.clock, clock);
    assert.equal(span.ctx.traceState, "congo=t61rcWkgMzE");
    // The parent's links are untouched.
    assert.equal(parent.links.length, 1);
  }
});

Deno.test("child: a fresh span is unstarted, unknown, empty", () => {
  const span = SpanContext.root().child("x");
  assert.equal(span.start, undefined);
  assert.equal(span.end, undefined);
  assert.equal(span.status, "unknown");
  assert.equal(span.metadata.size, 0);
  assert.deepEqual(span.events, []);
  assert.equal(span.exported, false);
});

Deno.test("context: defaults", () => {
  const ctx = new SpanContext({ traceId: TraceId.parse("1"), spanId: SpanId.parse("2") });
  assert.equal(ctx.sampled, true);
  assert.equal(ctx.collector, undefined);
  assert.equal(ctx.parentSpanId, undefined);
  assert.equal(ctx.traceState, undefined);
  assert.deepEqual(ctx.links, []);
});
