// Suppressed tracing in the context seam: withTracingSuppressed marks the active frame (keeping
// its span context, recorder and foreign value), spanwire's helpers carry the mark into the frames
// they make, the asynchronous storage carries it across await and timers, and tracedFetch inside
// it makes no span and injects no header (as OpenTelemetry's http instrumentation does when the
// SDK's suppression key is set), while outside it traces as usual.

import assert from "node:assert/strict";
import {
  contextStorage,
  currentFrame,
  currentSpanContext,
  currentSpanRecorder,
  installContextStorage,
  isTracingSuppressed,
  runWithFrame,
  withSpanContext,
  withSpanRecorder,
  withTracingSuppressed,
} from "../../context/mod.ts";
import { tracedFetch } from "../../http/traced_fetch.ts";
import { RingBufferTraceCollector } from "../../trace/ring_buffer_collector.ts";
import { SpanContext } from "../../trace/span_context.ts";
import { SpanRecorder } from "../../trace/span_recorder.ts";

const tick = (ms = 1): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("withTracingSuppressed keeps the frame's span, recorder and foreign value", () => {
  const ctx = SpanContext.root();
  const recorder = new SpanRecorder(ctx.child("step"));
  const foreign = { otel: true };
  runWithFrame({ spanContext: ctx, recorder, foreign }, () => {
    assert.equal(isTracingSuppressed(), false);
    withTracingSuppressed(() => {
      assert.equal(isTracingSuppressed(), true);
      assert.equal(currentSpanContext(), ctx);
      assert.equal(currentSpanRecorder(), recorder);
      assert.equal(currentFrame()?.foreign, foreign);
    });
    assert.equal(isTracingSuppressed(), false, "restored after");
  });
  assert.equal(isTracingSuppressed(), false);
  assert.equal(withTracingSuppressed(() => currentFrame()?.spanContext), undefined);
  assert.equal(withTracingSuppressed(() => 42), 42);
});

Deno.test("the mark flows into withSpanContext / withSpanRecorder frames and across await", async () => {
  const outer = SpanContext.root();
  await withTracingSuppressed(async () => {
    await tick();
    assert.equal(isTracingSuppressed(), true, "after a timer");
    withSpanContext(outer, () => assert.equal(isTracingSuppressed(), true));
    const recorder = new SpanRecorder(outer.child("inner"));
    await withSpanRecorder(recorder, async () => {
      await Promise.resolve();
      assert.equal(isTracingSuppressed(), true);
      assert.equal(currentSpanContext(), recorder.span?.ctx);
    });
    // A frame another layer makes decides for itself.
    runWithFrame(
      { spanContext: outer, recorder: undefined, foreign: undefined },
      () => assert.equal(isTracingSuppressed(), false),
    );
  });
  // Concurrent chains stay apart.
  const results = await Promise.all([
    withTracingSuppressed(async () => {
      await tick(2);
      return isTracingSuppressed();
    }),
    (async () => {
      await tick(1);
      return isTracingSuppressed();
    })(),
  ]);
  assert.deepEqual(results, [true, false]);
});

Deno.test("with the synchronous storage the mark holds while the function runs synchronously", () => {
  const before = installContextStorage(undefined);
  try {
    assert.equal(contextStorage().name, "synchronous");
    assert.equal(withTracingSuppressed(() => isTracingSuppressed()), true);
    assert.equal(isTracingSuppressed(), false);
  } finally {
    installContextStorage(before);
  }
});

Deno.test("tracedFetch inside withTracingSuppressed: no span, no header, the call untouched", async () => {
  const collector = new RingBufferTraceCollector(10);
  const parent = SpanContext.root(collector);
  const seen: (string | null)[] = [];
  const fetchTraced = tracedFetch({
    fetch: (_input, init) => {
      const headers = new Headers(init?.headers);
      seen.push(headers.get("traceparent") ?? headers.get("uber-trace-id"));
      return Promise.resolve(new Response("ok"));
    },
  });
  await withSpanContext(parent, () =>
    withTracingSuppressed(async () => {
      await fetchTraced("http://example.test/v1/traces", { method: "POST" });
      // Even an explicit context: suppressed means no tracing at all.
      await fetchTraced("http://example.test/v1/traces", { method: "POST", spanContext: parent });
    }));
  assert.deepEqual(seen, [null, null]);
  assert.equal(collector.spans().length, 0);
  // The control: the same calls outside make a span each and inject.
  await withSpanContext(parent, () => fetchTraced("http://example.test/items"));
  await fetchTraced("http://example.test/items", { spanContext: parent });
  assert.equal(collector.spans().length, 2);
  assert.match(seen[2] ?? "", /^00-/);
  assert.match(seen[3] ?? "", /^00-/);
});
