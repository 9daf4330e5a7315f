// The node:http adapter under a real node:http server on 127.0.0.1, driven by fetch.

import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { spanContextOf, type TraceLayerOptions, traceNodeListener } from "../../http/node.ts";
import { SpanRecorder } from "../../trace/mod.ts";
import { AwaitableCollector } from "./_helpers.ts";

const INCOMING_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const INCOMING_SPAN = "00f067aa0ba902b7";
const SAMPLED = { "uber-trace-id": `${INCOMING_TRACE}:${INCOMING_SPAN}:0:1` };

async function serve(
  listener: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  options: TraceLayerOptions<IncomingMessage>,
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const server = createServer(traceNodeListener(listener, options));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await fn(`http://127.0.0.1:${port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

Deno.test("node:http: child context, trace-id header, exported server span", async () => {
  const collector = new AwaitableCollector();
  await serve(
    (req, res) => {
      const ctx = spanContextOf(req);
      using step = new SpanRecorder(ctx?.child("plan"));
      step.ok();
      res.setHeader("content-type", "text/plain");
      res.write("server span ");
      res.end(String(ctx?.spanId));
    },
    { collector },
    async (url) => {
      const response = await fetch(`${url}/api/v2/query?q=1`, { headers: SAMPLED });
      assert.equal(response.headers.get("trace-id"), INCOMING_TRACE);
      const body = await response.text();
      const plan = await collector.next();
      const server = await collector.next();
      assert.equal(plan.name, "plan");
      assert.equal(server.name, "GET");
      assert.equal(body, `server span ${server.ctx.spanId}`);
      assert.equal(server.ctx.parentSpanId?.toString(), INCOMING_SPAN);
      assert.ok(plan.ctx.parentSpanId?.equals(server.ctx.spanId));
      assert.equal(server.status, "ok");
      assert.equal(server.metadata.get("http.path"), "/api/v2/query");
      assert.equal(server.metadata.get("http.status_code"), 200);
      assert.equal(server.metadata.get("http.response_body_size"), body.length);
    },
  );
});

Deno.test("node:http: streamed writes are counted, multi-byte strings by their bytes", async () => {
  const collector = new AwaitableCollector();
  await serve(
    async (_req, res) => {
      for (const part of ["héllo ", "wörld ", "🎉"]) {
        res.write(part);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      res.write(new Uint8Array(1000));
      res.end();
    },
    { collector },
    async (url) => {
      const response = await fetch(url, { headers: SAMPLED });
      const bytes = await response.bytes();
      const span = await collector.next();
      assert.equal(span.metadata.get("http.response_body_size"), bytes.length);
      assert.equal(bytes.length, new TextEncoder().encode("héllo wörld 🎉").length + 1000);
    },
  );
});

Deno.test("node:http: a listener that throws marks the span as an error", async () => {
  const collector = new AwaitableCollector();
  await serve(
    (_req, res) => {
      res.statusCode = 500;
      res.end("failed");
      return Promise.reject(new Error("database on fire"));
    },
    { collector },
    async (url) => {
      const response = await fetch(url, { headers: SAMPLED });
      assert.equal(response.status, 500);
      await response.body?.cancel();
      const span = await collector.next();
      assert.equal(span.status, "error");
      // the rejection is seen (a microtask) before the response finishes (socket I/O)
      assert.equal(span.statusMessage, "error processing request: database on fire");
    },
  );
});

Deno.test("node:http: a client that aborts mid-body ends the span as cancelled", async () => {
  const collector = new AwaitableCollector();
  await serve(
    (_req, res) => {
      res.write(new Uint8Array(100)); // and never ends
    },
    { collector },
    async (url) => {
      const controller = new AbortController();
      const response = await fetch(url, { headers: SAMPLED, signal: controller.signal });
      const reader = response.body!.getReader();
      assert.equal((await reader.read()).value?.length, 100);
      controller.abort();
      await reader.read().catch(() => {});
      const span = await collector.next();
      assert.equal(span.status, "unknown");
      assert.ok(span.events.some((e) => e.message === "request cancelled"));
      assert.equal(span.metadata.get("http.response_body_size"), 100);
    },
  );
});

Deno.test("node:http: reject answers 400; ignore serves untraced; unsampled is offered", async () => {
  const collector = new AwaitableCollector();
  await serve(
    (_req, res) => void res.end("ok"),
    { collector, onInvalidContext: "reject" },
    async (url) => {
      const response = await fetch(url, { headers: { traceparent: "00-xyz" } });
      assert.equal(response.status, 400);
      assert.match(await response.text(), /^Invalid trace context header "traceparent": /);
    },
  );
  const warnings: string[] = [];
  await serve(
    (req, res) => {
      const ctx = spanContextOf(req);
      res.end(ctx === undefined ? "none" : String(ctx.sampled));
    },
    { collector, warn: (m) => warnings.push(m) },
    async (url) => {
      const bad = await fetch(url, { headers: { traceparent: "00-xyz" } });
      assert.equal(await bad.text(), "none");
      const unsampled = await fetch(url, { headers: { "uber-trace-id": "1:2:0:0" } });
      assert.equal(await unsampled.text(), "false");
      assert.equal(unsampled.headers.get("trace-id"), null);
    },
  );
  assert.equal(warnings.length, 1);
  assert.equal(collector.size, 0);
});

Deno.test("node:http: 404 classification and HEAD", async () => {
  const collector = new AwaitableCollector();
  await serve(
    (req, res) => {
      res.statusCode = req.url === "/missing" ? 404 : 200;
      res.end("body");
    },
    { collector },
    async (url) => {
      const missing = await fetch(`${url}/missing`, { headers: SAMPLED });
      await missing.body?.cancel();
      let span = await collector.next();
      assert.equal(span.statusMessage, "not found");
      const head = await fetch(url, { method: "HEAD", headers: SAMPLED });
      await head.body?.cancel();
      span = await collector.next();
      assert.equal(span.status, "ok");
      assert.equal(span.metadata.get("http.response_body_size"), 0);
    },
  );
});
