import assert from "node:assert/strict";
import {
  Float,
  float,
  ManualClock,
  RingBufferTraceCollector,
  Span,
  SpanContext,
  type TraceCollector,
} from "../../trace/mod.ts";

Deno.test("status: the first status set wins; unknown never overrides", () => {
  const span = Span.root("s");
  span.setStatus("unknown");
  assert.equal(span.status, "unknown");
  span.ok();
  span.error("late");
  assert.equal(span.status, "ok");
  assert.equal(span.statusMessage, undefined);

  const failed = Span.root("f").error("boom");
  failed.ok("recovered");
  assert.equal(failed.status, "error");
  assert.equal(failed.statusMessage, "boom");
});

Deno.test("ok/error with a message record an event, as IOx does", () => {
  const clock = new ManualClock(100);
  const span = Span.root("s", undefined, { clock });
  span.ok("done");
  clock.advance(5);
  span.error("ignored status, but still an event");
  assert.deepEqual(span.events.map((e) => [e.time, e.message]), [
    [100, "done"],
    [105, "ignored status, but still an event"],
  ]);
  const quiet = Span.root("q").ok();
  assert.equal(quiet.events.length, 0);
});

Deno.test("events: time from the context's clock or given; metadata from object or Map", () => {
  const clock = new ManualClock(42);
  const span = Span.root("s", undefined, { clock });
  span.event("a");
  span.event("b", { key: "partition-42", n: 3 });
  const meta = new Map([["x", true]]);
  span.event("c", meta, 7);
  meta.set("x", false); // the event keeps its own copy
  assert.equal(span.events[0]!.time, 42);
  assert.equal(span.events[0]!.metadata.size, 0);
  assert.deepEqual([...span.events[1]!.metadata], [["key", "partition-42"], ["n", 3]]);
  assert.equal(span.events[2]!.time, 7);
  assert.equal(span.events[2]!.metadata.get("x"), true);
});

Deno.test("metadata: values keep their kind; float() marks a float", () => {
  const span = Span.root("s")
    .setMetadata("s", "GET")
    .setMetadata("i", 200)
    .setMetadata("f", 0.25)
    .setMetadata("b", true)
    .setMetadata("big", 2n ** 63n - 1n)
    .setMetadata("one", float(1));
  assert.equal(span.metadata.get("i"), 200);
  const one = span.metadata.get("one");
  assert.ok(one instanceof Float);
  assert.equal(one.value, 1);
  span.setMetadata("i", 201);
  assert.equal(span.metadata.get("i"), 201);
});

Deno.test("link: appends (trace id, span id) to this span's context only", () => {
  const other = SpanContext.root();
  const span = Span.root("s");
  span.link(other);
  assert.equal(span.ctx.links.length, 1);
  assert.ok(span.ctx.links[0]!.traceId.equals(other.traceId));
  assert.ok(span.ctx.links[0]!.spanId.equals(other.spanId));
  assert.equal(span.child("c").ctx.links.length, 0);
});

Deno.test("export: once to the context's collector; none without a collector", () => {
  const collector = new RingBufferTraceCollector(4);
  const span = Span.root("s", collector);
  assert.equal(collector.size, 0);
  span.export();
  span.export();
  assert.equal(collector.size, 1);
  assert.equal(collector.spans()[0], span);
  Span.root("nowhere").export(); // no collector: nothing happens, nothing throws
});

Deno.test("export: a throwing collector never throws into the caller", () => {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (message: string) => warnings.push(message);
  try {
    const broken: TraceCollector = {
      export(): void {
        throw new Error("disk on fire");
      },
    };
    Span.root("a", broken).export();
    Span.root("b", broken).export();
  } finally {
    console.warn = original;
  }
  // Said once (rate-limited), with the reason. (No other test in this file warns.)
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /disk on fire/);
});

Deno.test("a root span has no parent; its child's parent is the root", () => {
  const root = Span.root("root");
  assert.equal(root.ctx.parentSpanId, undefined);
  assert.ok(root.child("c").ctx.parentSpanId?.equals(root.ctx.spanId));
});
