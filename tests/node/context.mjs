// The implicit context under Node, through the built npm package (`spanwire/context`): the
// AsyncLocalStorage storage is installed on import, and the current span context follows
// awaits, timers, promise chains and node:http request handling.

import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";

const { contextStorage, currentSpanContext, withSpanContext, currentFrame, runWithFrame } =
  await import("spanwire/context");
const { RingBufferTraceCollector, SpanContext, SpanRecorder } = await import("spanwire/trace");

test("spanwire/context installs AsyncLocalStorage", () => {
  assert.equal(contextStorage().name, "AsyncLocalStorage");
  assert.equal(currentSpanContext(), undefined);
});

test("the current context survives awaits, timers and interleaving", async () => {
  const collector = new RingBufferTraceCollector(1000);
  const roots = Array.from({ length: 100 }, () => SpanContext.root(collector));
  await Promise.all(roots.map((root, i) =>
    withSpanContext(root, async () => {
      await sleep(i % 5);
      await new Promise((resolve) => setTimeout(resolve, (i * 7) % 3));
      const span = new SpanRecorder(currentSpanContext()?.child(`step ${i}`));
      await Promise.resolve();
      span.finish();
      assert.equal(currentSpanContext(), root);
    })
  ));
  const spans = collector.spans();
  assert.equal(spans.length, 100);
  for (const span of spans) {
    const i = Number(span.name.slice(5));
    assert.ok(span.ctx.parentSpanId.equals(roots[i].spanId));
    assert.ok(span.ctx.traceId.equals(roots[i].traceId));
  }
});

test("a whole frame carries another layer's value", async () => {
  const frame = { spanContext: SpanContext.root(), recorder: undefined, foreign: { otel: 1 } };
  await runWithFrame(frame, async () => {
    await sleep(1);
    assert.equal(currentFrame(), frame);
  });
});
