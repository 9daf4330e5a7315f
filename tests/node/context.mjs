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

test("traceNodeListener runs the listener in the server span's context", async () => {
  const { createServer } = await import("node:http");
  const { traceNodeListener, serverSpanOf } = await import("spanwire/http/node");
  const { TraceHeaderParser, tracedFetch } = await import("spanwire/http");
  const { alwaysOn, parentBased } = await import("spanwire/trace");
  const { currentSpanRecorder } = await import("spanwire/context");
  const collector = new RingBufferTraceCollector(100);
  const outgoing = [];
  const fetchTraced = tracedFetch({
    fetch: (_input, init) => {
      outgoing.push(new Headers(init?.headers).get("traceparent"));
      return Promise.resolve(new Response(null, { status: 204 }));
    },
  });
  const server = createServer(traceNodeListener(async (req, res) => {
    await sleep(2);
    assert.equal(currentSpanRecorder(), serverSpanOf(req));
    currentSpanRecorder()?.setName("GET /items/{id}");
    const step = new SpanRecorder(currentSpanContext()?.child("step"));
    await fetchTraced("http://upstream.test/");
    step.finish();
    res.end("ok");
  }, { collector, parser: new TraceHeaderParser({ sampler: parentBased(alwaysOn()) }) }));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address();
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const response = await fetch(`http://127.0.0.1:${port}/items/${i}`);
        assert.equal(await response.text(), "ok");
      }),
    );
    for (let i = 0; i < 200 && collector.spans().length < 60; i++) await sleep(5);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  const spans = collector.spans();
  assert.equal(spans.length, 60);
  const servers = spans.filter((s) => s.kind === "server");
  assert.equal(servers.length, 20);
  for (const server of servers) {
    assert.equal(server.name, "GET /items/{id}");
    assert.equal(server.ctx.parentSpanId, undefined);
    const step = spans.find((s) =>
      s.name === "step" && s.ctx.parentSpanId?.equals(server.ctx.spanId)
    );
    assert.ok(step, "the step is a child of its own request's server span");
    const client = spans.find((s) =>
      s.kind === "client" && s.ctx.parentSpanId?.equals(server.ctx.spanId)
    );
    assert.ok(client, "the client span is a child of the server span");
    assert.ok(outgoing.includes(`00-${server.ctx.traceId}-${client.ctx.spanId}-03`));
  }
});
