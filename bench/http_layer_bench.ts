// The cost of traceLayer itself, without a network: a handler called directly with a new
// `Request` per call (as Deno.serve makes one per request), plain and wrapped, side by side.
// Far less noisy than a load test on a shared machine; `scripts/http_bench.ts` measures the
// same app under Deno.serve and wrk.
//
// Run: deno bench -A bench/http_layer_bench.ts
//
// One iteration serves BATCH (100) requests, so that a garbage collection or a hiccup of a
// shared machine is spread over many: time/iter divided by 100 is the time per request.
//
// Each call gets an `info` whose `completed` promise (made only when read, as Deno's is) is
// resolved once the response is taken, as Deno.serve does after sending it. A streamed body
// is read to its end, as a server would send it.
//
// The implicit context is on (`./context` imported: AsyncLocalStorage), as in
// scripts/http_bench.ts: a traced request runs its handler inside the server span's frame.

import "../context/mod.ts";
import { traceLayer } from "../http/mod.ts";
import { RingBufferTraceCollector } from "../trace/mod.ts";

const URL_ = "http://127.0.0.1:8000/api/v2/query?org=26f7e5a4b7be365b&q=1";
const SAMPLED = { "uber-trace-id": "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1" };
const UNSAMPLED = { "uber-trace-id": "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:0" };
const W3C_SAMPLED = { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" };
const NONE = {};

/** Deno's `ServeHandlerInfo` as far as the layer uses it. */
class Info {
  #completed: PromiseWithResolvers<void> | undefined;
  get completed(): Promise<void> {
    return (this.#completed ??= Promise.withResolvers<void>()).promise;
  }
  sent(): void {
    this.#completed?.resolve();
  }
}

type Handler = (request: Request, info: Info) => Response | Promise<Response>;

const payload = JSON.stringify({ status: "ok", rows: 12345, partition: "partition-42" });
const json: Handler = () =>
  new Response(payload, { headers: { "content-type": "application/json" } });
const chunk = new TextEncoder().encode(payload);
const stream: Handler = () =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(controller): void {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    }),
  );

const collector = new RingBufferTraceCollector(1024);
const layer = (handler: Handler): Handler =>
  traceLayer(handler, { collector, name: "GET /api/v2/query" });

const BATCH = 100;

async function serveFixed(handler: Handler, headers: HeadersInit): Promise<void> {
  for (let i = 0; i < BATCH; i++) {
    const info = new Info();
    await handler(new Request(URL_, { headers }), info);
    info.sent();
  }
}

async function serveStream(handler: Handler, headers: HeadersInit): Promise<void> {
  for (let i = 0; i < BATCH; i++) {
    const info = new Info();
    const response = await handler(new Request(URL_, { headers }), info);
    await response.arrayBuffer();
    info.sent();
  }
}

const tracedJson = layer(json);
const tracedStream = layer(stream);

Deno.bench("100 fixed bodies: plain handler", { group: "fixed", baseline: true }, async () => {
  await serveFixed(json, SAMPLED);
});
Deno.bench(
  "100 fixed bodies: traceLayer, sampled (uber-trace-id)",
  { group: "fixed" },
  async () => {
    await serveFixed(tracedJson, SAMPLED);
  },
);
Deno.bench("100 fixed bodies: traceLayer, sampled (traceparent)", { group: "fixed" }, async () => {
  await serveFixed(tracedJson, W3C_SAMPLED);
});
Deno.bench("100 fixed bodies: traceLayer, unsampled", { group: "fixed" }, async () => {
  await serveFixed(tracedJson, UNSAMPLED);
});
Deno.bench("100 fixed bodies: traceLayer, no trace header", { group: "fixed" }, async () => {
  await serveFixed(tracedJson, NONE);
});

Deno.bench("100 streamed bodies: plain handler", { group: "stream", baseline: true }, async () => {
  await serveStream(stream, SAMPLED);
});
Deno.bench("100 streamed bodies: traceLayer, sampled", { group: "stream" }, async () => {
  await serveStream(tracedStream, SAMPLED);
});
