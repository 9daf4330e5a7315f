import assert from "node:assert/strict";
import {
  float,
  LogTraceCollector,
  ManualClock,
  RingBufferTraceCollector,
  Span,
  SpanContext,
  SpanId,
  SpanRecorder,
  TraceId,
} from "../../trace/mod.ts";

Deno.test("ring buffer: keeps the last N, oldest first, evicting in order", () => {
  const collector = new RingBufferTraceCollector(3);
  assert.equal(collector.capacity, 3);
  const names = () => collector.spans().map((s) => s.name);
  assert.deepEqual(names(), []);
  for (let i = 1; i <= 7; i++) {
    Span.root(`s${i}`, collector).export();
    const expected = Array.from(
      { length: Math.min(i, 3) },
      (_, k) => `s${i - Math.min(i, 3) + 1 + k}`,
    );
    assert.deepEqual(names(), expected);
  }
  assert.equal(collector.size, 3);
  collector.clear();
  assert.deepEqual(names(), []);
  Span.root("after", collector).export();
  assert.deepEqual(names(), ["after"]);
});

Deno.test("ring buffer: capacity must be a positive integer", () => {
  for (const bad of [0, -1, 1.5, NaN]) {
    assert.throws(() => new RingBufferTraceCollector(bad), RangeError);
  }
  const one = new RingBufferTraceCollector(1);
  Span.root("a", one).export();
  Span.root("b", one).export();
  assert.deepEqual(one.spans().map((s) => s.name), ["b"]);
});

Deno.test("log collector: one readable line a span", () => {
  const lines: string[] = [];
  const collector = new LogTraceCollector({ sink: (line) => lines.push(line) });
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 6, 0, 0) * 1000);
  const ctx = new SpanContext({
    traceId: TraceId.parse("4bf92f3577b34da6a3ce929d0e0e4736"),
    spanId: SpanId.parse("00f067aa0ba902b7"),
    collector,
    clock,
  });
  const r = new SpanRecorder(ctx.child("GET /api/v2/query"));
  const spanId = r.span!.ctx.spanId.toString();
  r.setMetadata("http.method", "GET").setMetadata("ratio", float(1)).setMetadata("n", 3n);
  clock.advance(120);
  r.event("cache miss", { key: "partition-42" });
  clock.advance(1_380);
  r.ok();
  r.finish();
  assert.equal(lines.length, 1);
  assert.equal(
    lines[0],
    `span "GET /api/v2/query" trace=4bf92f3577b34da6a3ce929d0e0e4736 span=${spanId} ` +
      `parent=00f067aa0ba902b7 start=2026-11-24T06:00:00.000Z duration=1.500ms status=ok ` +
      `{http.method="GET", ratio=1.0, n=3n} events=[+0.120ms "cache miss" {key="partition-42"}]`,
  );
});

Deno.test("log collector: a throwing sink never throws into the caller", () => {
  const collector = new LogTraceCollector({
    sink: () => {
      throw new Error("closed");
    },
  });
  Span.root("x", collector).export();
});
