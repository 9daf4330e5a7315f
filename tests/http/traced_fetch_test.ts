// tracedFetch against a real Deno.serve upstream on 127.0.0.1.

import assert from "node:assert/strict";
import { spanContextOf, tracedFetch, TraceHeaderParser, traceLayer } from "../../http/mod.ts";
import { SpanContext, SpanId, TraceId } from "../../trace/mod.ts";
import { AwaitableCollector } from "./_helpers.ts";

async function upstream(
  fn: (url: string, seen: Headers[]) => Promise<void>,
): Promise<void> {
  const seen: Headers[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen(): void {} },
    (request): Response => {
      seen.push(request.headers);
      const status = Number(new URL(request.url).searchParams.get("status") ?? 200);
      return new Response("upstream", { status });
    },
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, seen);
  } finally {
    await server.shutdown();
  }
}

Deno.test("a traced call: client span, injected headers the upstream can parse", async () => {
  const collector = new AwaitableCollector();
  const parent = SpanContext.root(collector);
  const fetchTraced = tracedFetch({ formats: ["jaeger", "w3c", "b3"] });
  await upstream(async (url, seen) => {
    const response = await fetchTraced(`${url}/items?id=7&token=secret`, {
      method: "post",
      body: "{}",
      headers: { "x-app": "1" },
      spanContext: parent,
    });
    assert.equal(await response.text(), "upstream");
    const span = await collector.next();
    assert.equal(span.name, "POST");
    assert.ok(span.ctx.parentSpanId?.equals(parent.spanId));
    assert.equal(span.kind, "client");
    assert.equal(span.metadata.get("http.method"), "POST");
    assert.equal(span.metadata.get("http.url"), `${url}/items`);
    assert.equal(span.metadata.get("http.status_code"), 200);
    assert.equal(span.status, "ok");
    const headers = seen[0]!;
    assert.equal(headers.get("x-app"), "1");
    assert.equal(
      headers.get("traceparent"),
      `00-${parent.traceId}-${span.ctx.spanId}-03`, // sampled, random trace id (Level 2)
    );
    assert.equal(headers.get("b3"), `${parent.traceId}-${span.ctx.spanId}-1-${parent.spanId}`);
    for (const format of ["jaeger", "w3c", "b3"] as const) {
      const ctx = new TraceHeaderParser({ formats: [format] }).parse(headers);
      assert.ok(ctx?.traceId.equals(parent.traceId), format);
      assert.ok(ctx?.spanId.equals(span.ctx.spanId), format);
    }
  });
});

Deno.test("a failing call: span error, the error rethrown", async () => {
  const collector = new AwaitableCollector();
  const fetchTraced = tracedFetch();
  // a port that was just closed: nothing listens there
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await assert.rejects(
    fetchTraced(`http://127.0.0.1:${port}/`, { spanContext: SpanContext.root(collector) }),
    TypeError,
  );
  const span = await collector.next();
  assert.equal(span.status, "error");
  assert.match(span.statusMessage!, /^request failed: /);
});

Deno.test("error statuses, unsampled and absent contexts, Request inputs", async () => {
  const collector = new AwaitableCollector();
  const fetchTraced = tracedFetch();
  await upstream(async (url, seen) => {
    const failed = await fetchTraced(`${url}/?status=503`, {
      spanContext: SpanContext.root(collector),
    });
    await failed.body?.cancel();
    const span = await collector.next();
    assert.equal(span.statusMessage, "unexpected 5XX status code: 503");

    // unsampled: no span, but the decision propagates, with a span id of this service as
    // the callee's parent (W3C: parent-id is "the ID of this request as known by the caller")
    const unsampled = new SpanContext({
      traceId: TraceId.parse("abc"),
      spanId: SpanId.parse("def"),
      sampled: false,
    });
    await (await fetchTraced(url, { spanContext: unsampled })).body?.cancel();
    const [trace, span1, parent1, flags] = seen[1]!.get("uber-trace-id")!.split(":");
    assert.deepEqual([trace, parent1, flags], ["abc", "def", "0"]);
    assert.notEqual(span1, "def");
    assert.match(seen[1]!.get("traceparent")!, new RegExp(`^00-0{29}abc-0*${span1}-00$`));

    // no context: untouched
    await (await fetchTraced(url, { headers: { "x-app": "2" } })).body?.cancel();
    assert.equal(seen[2]!.has("traceparent"), false);
    assert.equal(seen[2]!.get("x-app"), "2");

    // a Request input keeps its own headers and method
    const request = new Request(`${url}/r`, {
      method: "PUT",
      headers: { "x-app": "3" },
      body: "x",
    });
    await (await fetchTraced(request, { spanContext: SpanContext.root(collector) })).body?.cancel();
    const put = await collector.next();
    assert.equal(put.metadata.get("http.method"), "PUT");
    assert.equal(seen[3]!.get("x-app"), "3");
    assert.ok(seen[3]!.has("traceparent"));
    assert.equal(collector.unclaimed, 0);
  });
});

Deno.test("service to service: one trace across two traced servers", async () => {
  const collector = new AwaitableCollector();
  const fetchTraced = tracedFetch();
  {
    const back = traceLayer((request) => new Response(String(spanContextOf(request)?.traceId)), {
      collector,
      name: "back",
    });
    const backServer = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(): void {} }, back);
    const front = traceLayer(async (request) => {
      const reply = await fetchTraced(`http://127.0.0.1:${backServer.addr.port}/`, {
        spanContext: spanContextOf(request),
      });
      return new Response(await reply.text());
    }, { collector, name: "front" });
    const frontServer = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(): void {} }, front);
    try {
      const response = await fetch(`http://127.0.0.1:${frontServer.addr.port}/`, {
        headers: { "uber-trace-id": "123:456:0:1" },
      });
      assert.equal(await response.text(), "00000000000000000000000000000123");
      const spans = [await collector.next(), await collector.next(), await collector.next()];
      const byName = new Map(spans.map((s) => [s.name, s]));
      const frontSpan = byName.get("front")!;
      const client = byName.get("GET")!;
      const backSpan = byName.get("back")!;
      assert.equal(frontSpan.ctx.parentSpanId?.toString(), "0000000000000456");
      assert.ok(client.ctx.parentSpanId?.equals(frontSpan.ctx.spanId));
      assert.ok(backSpan.ctx.parentSpanId?.equals(client.ctx.spanId));
      for (const s of spans) {
        assert.equal(s.ctx.traceId.toString(), "00000000000000000000000000000123");
      }
    } finally {
      await frontServer.shutdown();
      await backServer.shutdown();
    }
  }
});
