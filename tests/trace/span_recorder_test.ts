import assert from "node:assert/strict";
import {
  ManualClock,
  RingBufferTraceCollector,
  type Span,
  SpanContext,
  SpanRecorder,
} from "../../trace/mod.ts";

function setup(): { clock: ManualClock; collector: RingBufferTraceCollector; ctx: SpanContext } {
  const clock = new ManualClock(1_000_000);
  const collector = new RingBufferTraceCollector(16);
  return { clock, collector, ctx: SpanContext.root(collector, { clock }) };
}

Deno.test("recorder: start stamped at creation, end at finish, then exported", () => {
  const { clock, collector, ctx } = setup();
  const recorder = new SpanRecorder(ctx.child("work"));
  assert.equal(recorder.span!.start, 1_000_000);
  assert.equal(collector.size, 0);
  clock.advance(250.5);
  recorder.finish();
  const [span] = collector.spans();
  assert.equal(span!.start, 1_000_000);
  assert.equal(span!.end, 1_000_250.5);
  assert.equal(recorder.recording, false);
});

Deno.test("recorder: finish sets start = min(start, now) and end = max(end, now)", () => {
  const { clock, collector, ctx } = setup();
  // The clock going back before the start (a wall clock set back): start follows it.
  const r1 = new SpanRecorder(ctx.child("back"));
  clock.set(999_000);
  r1.finish();
  assert.equal(collector.spans()[0]!.start, 999_000);
  assert.equal(collector.spans()[0]!.end, 999_000);

  // An end set by hand later than now is kept.
  clock.set(2_000_000);
  const r2 = new SpanRecorder(ctx.child("late end"));
  r2.span!.end = 3_000_000;
  clock.advance(10);
  r2.finish();
  assert.equal(collector.spans()[1]!.end, 3_000_000);

  // An end set by hand earlier than now is moved to now.
  const r3 = new SpanRecorder(ctx.child("early end"));
  r3.span!.end = 1;
  clock.advance(10);
  r3.finish();
  assert.equal(collector.spans()[2]!.end, 2_000_020);
});

Deno.test("recorder: `using` finishes exactly once, also on throw", () => {
  const { collector, ctx } = setup();
  let recorded: SpanRecorder | undefined;
  {
    using r = new SpanRecorder(ctx.child("block"));
    recorded = r;
    r.finish(); // explicit finish inside the block, then dispose at the end: still once
  }
  assert.equal(collector.size, 1);
  recorded[Symbol.dispose]();
  assert.equal(collector.size, 1);

  assert.throws(() => {
    using _r = new SpanRecorder(ctx.child("throws"));
    throw new Error("boom");
  }, /boom/);
  assert.deepEqual(collector.spans().map((s) => s.name), ["block", "throws"]);
});

Deno.test("recorder: metadata, events, status, links, children", () => {
  const { clock, collector, ctx } = setup();
  const other = SpanContext.root();
  {
    using parent = new SpanRecorder(ctx.child("parent"));
    parent.setMetadata("rows", 10).event("planned", { partitions: 2 }).link(other);
    clock.advance(5);
    {
      using child = parent.child("child");
      child.error("failed");
    }
    const loose = parent.childSpan("loose");
    assert.ok(loose?.ctx.parentSpanId?.equals(parent.span!.ctx.spanId));
    parent.setStatus("ok");
    parent.setStatus("error"); // first wins
  }
  const [child, parent] = collector.spans() as [Span, Span];
  assert.equal(child.name, "child");
  assert.equal(child.status, "error");
  assert.equal(child.events[0]!.message, "failed");
  assert.ok(child.ctx.parentSpanId?.equals(parent.ctx.spanId));
  assert.equal(parent.status, "ok");
  assert.equal(parent.metadata.get("rows"), 10);
  assert.equal(parent.events[0]!.time, 1_000_000);
  assert.ok(parent.ctx.links[0]!.spanId.equals(other.spanId));
  assert.equal(collector.size, 2); // "loose" was never exported
});

Deno.test("recorder: after finish, changes are ignored", () => {
  const { collector, ctx } = setup();
  const r = new SpanRecorder(ctx.child("done"));
  r.finish();
  r.setMetadata("late", true).event("late").ok("late").error("late");
  const span = collector.spans()[0]!;
  assert.equal(span.metadata.size, 0);
  assert.equal(span.events.length, 0);
  assert.equal(span.status, "unknown");
  assert.equal(r.span, span);
});

Deno.test("recorder: over no span, everything is a no-op", () => {
  const r = new SpanRecorder();
  assert.equal(r.span, undefined);
  assert.equal(r.recording, false);
  const child = r.setMetadata("a", 1).event("e").ok().error().link(SpanContext.root()).child("c");
  assert.equal(child.span, undefined);
  assert.equal(r.childSpan("c"), undefined);
  r.finish();
  r[Symbol.dispose]();
});

Deno.test("recorder: an unsampled context still records when given a span", () => {
  // Sampling is decided by whoever makes the span (the HTTP layer makes none when unsampled);
  // a recorder records what it is given.
  const collector = new RingBufferTraceCollector(1);
  const ctx = SpanContext.root(collector, { sampled: false });
  new SpanRecorder(ctx.child("x")).finish();
  assert.equal(collector.spans()[0]!.ctx.sampled, false);
});
