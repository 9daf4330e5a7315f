// HTTP trace context under Node, through the built npm package (`spanwire/http`): the header
// parser on Node's own header shapes (IncomingHttpHeaders objects, undici's Headers), with the
// expected values taken from the specs (Jaeger's uber-trace-id, W3C Trace Context, B3) and
// IOx's rules, and the fetch-style middleware on Node's Request/Response.

import { test } from "node:test";
import assert from "node:assert/strict";

const { TraceContextError, TraceHeaderParser, formatTraceparent, injectTraceContext, traceLayer } =
  await import("spanwire/http");
const { RingBufferTraceCollector, SpanContext, SpanId, TraceId } = await import("spanwire/trace");

// The W3C Trace Context specification's example ids.
const W3C_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const W3C_SPAN = "00f067aa0ba902b7";

const parser = new TraceHeaderParser();

const fails = (headers, header) => {
  assert.throws(() => parser.parse(headers), (error) => {
    assert.ok(error instanceof TraceContextError, String(error));
    assert.equal(error.header, header);
    return true;
  });
};

test("Jaeger uber-trace-id (IOx's rules) from Node's IncomingHttpHeaders", async (t) => {
  await t.test("trace:span:parent:flags, parent 0 = none, flags & 1 = sampled", () => {
    const ctx = parser.parse({ "uber-trace-id": `${W3C_TRACE}:${W3C_SPAN}:0:1` });
    assert.equal(ctx.traceId.toString(), W3C_TRACE);
    assert.equal(ctx.spanId.toString(), W3C_SPAN);
    assert.equal(ctx.parentSpanId, undefined);
    assert.equal(ctx.sampled, true);
  });
  await t.test("short hex is accepted; a parent is kept; flags 2 (debug only) is unsampled", () => {
    const ctx = parser.parse({ "uber-trace-id": "abc:def:12:2" });
    assert.equal(ctx.traceId.toString(), "00000000000000000000000000000abc");
    assert.equal(ctx.spanId.toString(), "0000000000000def");
    assert.equal(ctx.parentSpanId.toString(), "0000000000000012");
    assert.equal(ctx.sampled, false);
  });
  await t.test("url-encoded %3A separators, as Jaeger clients send them", () => {
    const ctx = parser.parse({ "uber-trace-id": "abc%3Adef%3A0%3A1" });
    assert.equal(ctx.spanId.toString(), "0000000000000def");
  });
  await t.test("trace id or span id of 0, non-hex, too few parts: TraceContextError", () => {
    fails({ "uber-trace-id": "0:def:0:1" }, "uber-trace-id");
    fails({ "uber-trace-id": "abc:0:0:1" }, "uber-trace-id");
    fails({ "uber-trace-id": "xyz:def:0:1" }, "uber-trace-id");
    fails({ "uber-trace-id": "abc:def:0" }, "uber-trace-id");
    fails({ "uber-trace-id": `${"1".repeat(33)}:def:0:1` }, "uber-trace-id");
  });
  await t.test("a 10 KB value is refused and cut in the error", () => {
    const value = "a".repeat(10_000);
    assert.throws(() => parser.parse({ "uber-trace-id": value }), (error) => {
      assert.ok(error instanceof TraceContextError);
      assert.ok(error.value.length < 200);
      return true;
    });
  });
  await t.test("the header name is configurable", () => {
    const custom = new TraceHeaderParser({ jaegerTraceContextHeaderName: "My-Trace-Id" });
    assert.equal(custom.parse({ "my-trace-id": "abc:def:0:1" }).spanId.lo, 0xdef);
    assert.equal(custom.parse({ "uber-trace-id": "abc:def:0:1" }), undefined);
  });
});

test("W3C traceparent (Trace Context level 1)", async (t) => {
  await t.test("the specification's example, from undici's Headers", () => {
    const headers = new Headers({ traceparent: `00-${W3C_TRACE}-${W3C_SPAN}-01` });
    const ctx = parser.parse(headers);
    assert.equal(ctx.traceId.toString(), W3C_TRACE);
    assert.equal(ctx.spanId.toString(), W3C_SPAN);
    assert.equal(ctx.sampled, true);
    const unsampled = parser.parse({ traceparent: `00-${W3C_TRACE}-${W3C_SPAN}-00` });
    assert.equal(unsampled.sampled, false);
  });
  await t.test("invalid: upper-case hex, all-zero ids, version ff, wrong lengths", () => {
    fails({ traceparent: `00-${W3C_TRACE.toUpperCase()}-${W3C_SPAN}-01` }, "traceparent");
    fails({ traceparent: `00-${"0".repeat(32)}-${W3C_SPAN}-01` }, "traceparent");
    fails({ traceparent: `00-${W3C_TRACE}-${"0".repeat(16)}-01` }, "traceparent");
    fails({ traceparent: `ff-${W3C_TRACE}-${W3C_SPAN}-01` }, "traceparent");
    fails({ traceparent: `00-${W3C_TRACE.slice(1)}-${W3C_SPAN}-01` }, "traceparent");
    fails({ traceparent: `00-${W3C_TRACE}-${W3C_SPAN}-01-extra` }, "traceparent");
  });
  await t.test("a higher version is read by the version-00 prefix", () => {
    const ctx = parser.parse({
      traceparent: `cc-${W3C_TRACE}-${W3C_SPAN}-01-what-the-future-holds`,
    });
    assert.equal(ctx.spanId.toString(), W3C_SPAN);
  });
  await t.test("formatTraceparent and injectTraceContext write the same ids back", () => {
    const ctx = new SpanContext({
      traceId: TraceId.parse(W3C_TRACE),
      spanId: SpanId.parse(W3C_SPAN),
    });
    assert.equal(formatTraceparent(ctx), `00-${W3C_TRACE}-${W3C_SPAN}-01`);
    const headers = injectTraceContext(ctx, new Headers());
    assert.equal(parser.parse(headers).spanId.toString(), W3C_SPAN);
  });
});

test("B3 (openzipkin/b3-propagation)", async (t) => {
  await t.test("multi-header, string[] values as Node gives repeated headers", () => {
    const ctx = parser.parse({
      "x-b3-traceid": "80f198ee56343ba864fe8b2a57d3eff7",
      "x-b3-spanid": "e457b5a2e4d86bd1",
      "x-b3-parentspanid": "05e3ac9a4f6e3b90",
      "x-b3-sampled": ["1"],
    });
    assert.equal(ctx.traceId.toString(), "80f198ee56343ba864fe8b2a57d3eff7");
    assert.equal(ctx.parentSpanId.toString(), "05e3ac9a4f6e3b90");
    assert.equal(ctx.sampled, true);
  });
  await t.test("X-B3-Flags: 1 (debug) means sampled", () => {
    const ctx = parser.parse({
      "x-b3-traceid": "463ac35c9f6413ad",
      "x-b3-spanid": "a2fb4a1d1a96d312",
      "x-b3-flags": "1",
    });
    assert.equal(ctx.sampled, true);
  });
  await t.test("single header b3: trace-span-sampled-parent", () => {
    const ctx = parser.parse({
      b3: "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90",
    });
    assert.equal(ctx.spanId.toString(), "e457b5a2e4d86bd1");
    assert.equal(ctx.parentSpanId.toString(), "05e3ac9a4f6e3b90");
    assert.equal(ctx.sampled, true);
  });
});

test("the Jaeger debug header starts a new sampled root; no header means no context", () => {
  const collector = new RingBufferTraceCollector(1);
  const ctx = parser.parse({ "jaeger-debug-id": "ticket-42" }, collector);
  assert.equal(ctx.sampled, true);
  assert.equal(ctx.parentSpanId, undefined);
  assert.equal(parser.parse({}), undefined);
  assert.equal(parser.parse({ "content-type": "text/plain" }), undefined);
});

test("traceLayer on Node's Request and Response", async () => {
  const collector = new RingBufferTraceCollector(10);
  const handler = traceLayer(() => new Response("hello"), { collector, name: "app" });
  const incoming = `${W3C_TRACE}:${W3C_SPAN}:0:1`;
  const response = await handler(
    new Request("http://localhost/api/v2/query", { headers: { "uber-trace-id": incoming } }),
  );
  assert.equal(await response.text(), "hello");
  assert.equal(response.headers.get("trace-id"), W3C_TRACE);
  const [span] = collector.spans();
  assert.equal(span.name, "app");
  assert.equal(span.ctx.traceId.toString(), W3C_TRACE);
  assert.equal(span.ctx.parentSpanId.toString(), W3C_SPAN);
  assert.equal(span.status, "ok");
});

test("the node:http adapter (spanwire/http/node) under a real server", async () => {
  const { createServer } = await import("node:http");
  const { spanContextOf, traceNodeListener } = await import("spanwire/http/node");
  const collector = new RingBufferTraceCollector(10);
  const server = createServer(traceNodeListener((req, res) => {
    const ctx = spanContextOf(req);
    res.setHeader("content-type", "text/plain");
    res.write("server span ");
    res.end(String(ctx?.spanId));
  }, { collector, name: "node-app" }));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  try {
    const { port } = server.address();
    const response = await fetch(`http://127.0.0.1:${port}/api/v2/query?q=1`, {
      headers: { "uber-trace-id": `${W3C_TRACE}:${W3C_SPAN}:0:1` },
    });
    const body = await response.text();
    assert.equal(response.headers.get("trace-id"), W3C_TRACE);
    // The span finishes on the response's "finish" event; wait for it without timing.
    while (collector.spans().length === 0) await new Promise((r) => setImmediate(r));
    const [span] = collector.spans();
    assert.equal(span.name, "node-app");
    assert.equal(body, `server span ${span.ctx.spanId}`);
    assert.equal(span.ctx.parentSpanId.toString(), W3C_SPAN);
    assert.equal(span.status, "ok");
    assert.equal(span.metadata.get("http.status_code"), 200);
    assert.equal(span.metadata.get("http.response_body_size"), body.length);

    const notFound = createServer(traceNodeListener((_req, res) => {
      res.statusCode = 404;
      res.end();
    }, { collector }));
    await new Promise((resolve) => notFound.listen(0, "127.0.0.1", () => resolve(undefined)));
    try {
      const missing = await fetch(`http://127.0.0.1:${notFound.address().port}/nope`, {
        headers: { traceparent: `00-${W3C_TRACE}-${W3C_SPAN}-01` },
      });
      await missing.arrayBuffer();
      assert.equal(missing.status, 404);
      while (collector.spans().length === 1) await new Promise((r) => setImmediate(r));
      assert.equal(collector.spans()[1].status, "error", "404 is an error (IOx: path not found)");
    } finally {
      notFound.closeAllConnections();
      await new Promise((resolve) => notFound.close(() => resolve(undefined)));
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
  }
});
