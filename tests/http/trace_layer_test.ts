// traceLayer under a real Deno.serve on 127.0.0.1, driven by fetch.

import assert from "node:assert/strict";
import {
  spanContextOf,
  TraceHeaderParser,
  traceLayer,
  type TraceLayerOptions,
} from "../../http/mod.ts";
import { SpanRecorder } from "../../trace/mod.ts";
import { overrideBodyShape, UNKNOWN } from "../../http/_deno_body.ts";
import { AwaitableCollector } from "./_helpers.ts";

const INCOMING_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const INCOMING_SPAN = "00f067aa0ba902b7";
const SAMPLED = { "uber-trace-id": `${INCOMING_TRACE}:${INCOMING_SPAN}:0:1` };

type Handler = (request: Request) => Response | Promise<Response>;

async function serve(
  handler: Handler,
  options: TraceLayerOptions,
  fn: (url: string) => Promise<void>,
  onError?: (error: unknown) => Response,
): Promise<void> {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen(): void {}, onError },
    traceLayer(handler, options),
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

Deno.test("a sampled request: child context, trace-id header, exported server span", async () => {
  const collector = new AwaitableCollector();
  await serve(
    (request) => {
      const ctx = spanContextOf(request);
      using step = new SpanRecorder(ctx?.child("plan"));
      step.ok();
      return new Response(`server span ${ctx?.spanId}`);
    },
    { collector, name: (r) => `${r.method} ${new URL(r.url).pathname}` },
    async (url) => {
      const response = await fetch(`${url}/api/v2/query?org=1&q=secret`, { headers: SAMPLED });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("trace-id"), INCOMING_TRACE);
      const body = await response.text();
      const plan = await collector.next();
      const server = await collector.next();
      assert.equal(plan.name, "plan");
      assert.equal(server.name, "GET /api/v2/query");
      assert.equal(body, `server span ${server.ctx.spanId}`);
      assert.equal(server.ctx.traceId.toString(), INCOMING_TRACE);
      assert.equal(server.ctx.parentSpanId?.toString(), INCOMING_SPAN);
      assert.ok(plan.ctx.parentSpanId?.equals(server.ctx.spanId));
      assert.equal(server.status, "ok");
      assert.equal(server.kind, "server");
      assert.equal(server.metadata.get("http.method"), "GET");
      assert.equal(server.metadata.get("http.path"), "/api/v2/query");
      assert.equal(server.metadata.get("http.status_code"), 200);
      assert.equal(
        server.metadata.get("http.response_body_size"),
        new TextEncoder().encode(body).length,
      );
      assert.deepEqual(server.events.map((e) => e.message), [
        "request processed",
        "returned body data",
      ]);
      assert.ok(server.start! <= server.end!);
    },
  );
});

Deno.test("a streamed body is counted as it streams and ends the span when sent", async () => {
  const collector = new AwaitableCollector();
  const sizes = [1, 1000, 65_536, 7];
  let pulled = 0;
  await serve(
    () => {
      const body = new ReadableStream<Uint8Array>({
        async pull(controller): Promise<void> {
          await new Promise((resolve) => setTimeout(resolve, 0));
          if (pulled === sizes.length) controller.close();
          else controller.enqueue(new Uint8Array(sizes[pulled++]!).fill(120));
        },
      }, { highWaterMark: 0 });
      return new Response(body, { headers: { "content-type": "text/plain" } });
    },
    { collector },
    async (url) => {
      const response = await fetch(url, { headers: SAMPLED });
      assert.equal(response.headers.get("trace-id"), INCOMING_TRACE);
      const bytes = await response.bytes();
      const total = sizes.reduce((a, b) => a + b);
      assert.equal(bytes.length, total);
      const span = await collector.next();
      assert.equal(span.metadata.get("http.response_body_size"), total);
      assert.equal(span.events.at(-1)?.metadata.get("size"), total);
      assert.equal(span.status, "ok");
    },
  );
});

Deno.test("a body with content-length is not re-read: size from the header", async () => {
  const collector = new AwaitableCollector();
  await serve(
    () => new Response("12345", { headers: { "content-length": "5" } }),
    { collector },
    async (url) => {
      const response = await fetch(url, { headers: SAMPLED });
      assert.equal(response.headers.get("content-length"), "5");
      assert.equal(await response.text(), "12345");
      const span = await collector.next();
      assert.equal(span.metadata.get("http.response_body_size"), 5);
      assert.equal(span.status, "ok");
    },
  );
});

Deno.test("a handler that throws: span error, error rethrown to the runtime", async () => {
  const collector = new AwaitableCollector();
  const boom = new Error("database on fire");
  const seen: unknown[] = [];
  await serve(
    () => {
      throw boom;
    },
    { collector },
    async (url) => {
      const response = await fetch(url, { headers: SAMPLED });
      assert.equal(response.status, 500);
      await response.body?.cancel();
      const span = await collector.next();
      assert.equal(span.status, "error");
      assert.equal(span.statusMessage, "error processing request: database on fire");
      assert.equal(seen[0], boom);
    },
    (error) => {
      seen.push(error);
      return new Response("failed", { status: 500 });
    },
  );
});

Deno.test("a client that aborts mid-body: the span ends as cancelled, the body stream is cancelled", async () => {
  const collector = new AwaitableCollector();
  let cancelled: (reason: unknown) => void;
  const cancelledPromise = new Promise((resolve) => (cancelled = resolve));
  await serve(
    () => {
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller): Promise<void> {
          if (!sent) {
            sent = true;
            controller.enqueue(new Uint8Array(100));
          }
          // then nothing more, until cancelled
          return new Promise(() => {});
        },
        cancel(reason): void {
          cancelled(reason);
        },
      }, { highWaterMark: 0 });
      return new Response(body);
    },
    { collector },
    async (url) => {
      const controller = new AbortController();
      const response = await fetch(url, { headers: SAMPLED, signal: controller.signal });
      const reader = response.body!.getReader();
      const first = await reader.read();
      assert.equal(first.value?.length, 100);
      controller.abort();
      await reader.read().catch(() => {});
      const span = await collector.next();
      await cancelledPromise;
      assert.equal(span.status, "unknown");
      assert.equal(span.metadata.get("http.response_body_size"), 100);
      assert.ok(span.events.some((e) => e.message === "request cancelled"));
    },
  );
});

Deno.test("onInvalidContext: reject answers 400 naming the header and the reason", async () => {
  const collector = new AwaitableCollector();
  let called = 0;
  await serve(
    () => {
      called++;
      return new Response("ok");
    },
    { collector, onInvalidContext: "reject" },
    async (url) => {
      const hostile: Record<string, string>[] = [
        { "uber-trace-id": "0:1:0:1" },
        { "uber-trace-id": "x".repeat(10_240) },
        { traceparent: "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01" },
        { b3: "nonsense-value" },
        { "x-b3-traceid": "abc" },
      ];
      for (const headers of hostile) {
        const response = await fetch(url, { headers });
        assert.equal(response.status, 400);
        const body = await response.text();
        const name = Object.keys(headers)[0] === "x-b3-traceid"
          ? "X-B3-SpanId"
          : Object.keys(headers)[0]!;
        assert.ok(body.startsWith(`Invalid trace context header "${name}": `), body);
        assert.ok(body.length < 400, "the body never echoes a whole hostile value");
        assert.equal(response.headers.get("trace-id"), null);
      }
      assert.equal(called, 0);
      assert.equal(collector.size, 0);
    },
  );
});

Deno.test("onInvalidContext: ignore serves untraced and warns, rate-limited", async () => {
  const collector = new AwaitableCollector();
  const warnings: string[] = [];
  await serve((request) => new Response(String(spanContextOf(request))), {
    collector,
    warn: (message) => warnings.push(message),
  }, async (url) => {
    for (let i = 0; i < 3; i++) {
      const response = await fetch(url, { headers: { "uber-trace-id": "1:2:0" } });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "undefined");
      assert.equal(response.headers.get("trace-id"), null);
    }
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /uber-trace-id.*found 3 fields/);
    assert.equal(collector.size, 0);
  });
});

Deno.test("unsampled and absent contexts: no span, the context still offered", async () => {
  const collector = new AwaitableCollector();
  await serve(
    (request) => {
      const ctx = spanContextOf(request);
      return new Response(ctx === undefined ? "none" : `${ctx.traceId}:${ctx.sampled}`);
    },
    { collector },
    async (url) => {
      const unsampled = await fetch(url, { headers: { "uber-trace-id": "abc:def:0:0" } });
      assert.equal(await unsampled.text(), "00000000000000000000000000000abc:false");
      assert.equal(unsampled.headers.get("trace-id"), null);
      const none = await fetch(url);
      assert.equal(await none.text(), "none");
      // sampled, but no collector configured: no span either
      assert.equal(collector.size, 0);
    },
  );
  await serve(
    (request) => new Response(String(spanContextOf(request)?.sampled)),
    {},
    async (url) => {
      const response = await fetch(url, { headers: SAMPLED });
      assert.equal(await response.text(), "true");
      assert.equal(response.headers.get("trace-id"), null);
    },
  );
});

Deno.test("outcomes: 404, 500, null bodies, HEAD, immutable headers, debug header", async () => {
  const collector = new AwaitableCollector();
  await serve(
    (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/missing") return new Response("no such thing", { status: 404 });
      if (path === "/broken") return new Response("oops", { status: 503 });
      if (path === "/empty") return new Response(null, { status: 204 });
      if (path === "/redirect") return Response.redirect("http://127.0.0.1/elsewhere", 302);
      return new Response("hello");
    },
    { collector, parser: new TraceHeaderParser() },
    async (url) => {
      const get = async (path: string, init: RequestInit = { headers: SAMPLED }) => {
        const response = await fetch(`${url}${path}`, { redirect: "manual", ...init });
        await response.body?.cancel();
        return { response, span: await collector.next() };
      };
      let { response, span } = await get("/missing");
      assert.equal(response.status, 404);
      assert.equal(span.status, "error");
      assert.equal(span.statusMessage, "not found");

      ({ span } = await get("/broken"));
      assert.equal(span.statusMessage, "unexpected 5XX status code: 503");

      ({ response, span } = await get("/empty"));
      assert.equal(response.headers.get("trace-id"), INCOMING_TRACE);
      assert.equal(span.status, "ok");
      assert.equal(span.metadata.get("http.response_body_size"), 0);
      assert.deepEqual(span.events.map((e) => e.message), [
        "request processed with empty response",
      ]);

      ({ response, span } = await get("/", { method: "HEAD", headers: SAMPLED }));
      assert.equal(response.headers.get("trace-id"), INCOMING_TRACE);
      assert.equal(span.metadata.get("http.method"), "HEAD");
      assert.equal(span.status, "ok");

      ({ response, span } = await get("/redirect"));
      assert.equal(response.status, 302);
      assert.equal(response.headers.get("location"), "http://127.0.0.1/elsewhere");
      assert.equal(response.headers.get("trace-id"), INCOMING_TRACE);
      assert.equal(span.status, "ok");

      ({ response, span } = await get("/", { headers: { "jaeger-debug-id": "ticket-42" } }));
      // The debug header starts the trace here: the server span is its root (no parent
      // that is never sent, which Jaeger flags as "invalid parent span IDs").
      assert.equal(span.ctx.parentSpanId, undefined);
      assert.equal(span.metadata.get("jaeger-debug-id"), "ticket-42");
      assert.equal(response.headers.get("trace-id"), span.ctx.traceId.toString());
      assert.notEqual(span.ctx.traceId.toString(), INCOMING_TRACE);
    },
  );
});

Deno.test("no hostile header crashes the server (ignore mode serves every request)", async () => {
  const collector = new AwaitableCollector();
  await serve(() => new Response("ok"), { collector, warn: () => {} }, async (url) => {
    const values = [
      "",
      " ",
      "x".repeat(10_240),
      "1:2:0:1, 1:2:0:1",
      "%3A%3A%3A",
      "1%3Z2%3A0%3A1",
      "ffffffffffffffffffffffffffffffffff:1:0:1",
      "1:2:0:1ff",
      "::::",
    ];
    for (const value of values) {
      for (
        const name of [
          "uber-trace-id",
          "traceparent",
          "b3",
          "x-b3-traceid",
          "x-b3-sampled",
          "jaeger-debug-id",
        ]
      ) {
        const response = await fetch(url, { headers: { [name]: value } });
        assert.equal(response.status, 200, `${name}: ${value.slice(0, 40)}`);
        assert.equal(await response.text(), "ok");
      }
    }
    // only the debug header with a non-blank value (or a sampling decision alone) traces
    while (collector.unclaimed > 0) {
      const span = await collector.next();
      assert.ok(span.metadata.has("jaeger-debug-id"));
    }
  });
});

const encoder = new TextEncoder();

/** Every body shape through a real server: bytes intact, size counted, fixed ones kept fixed. */
async function bodiesOfEveryShape(): Promise<void> {
  const collector = new AwaitableCollector();
  const big = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
  const lone = "lone \ud83d surrogate";
  const form = new URLSearchParams({ q: "caf\u00e9 au lait", n: "1" });
  // [handler, expected bytes (from an independent encoder), sent as a fixed body?]
  const shapes: Record<string, [() => Response, Uint8Array, boolean]> = {
    // a string: fixed
    "/text": [
      () => new Response("h\u00e9llo w\u00f6rld"),
      encoder.encode("h\u00e9llo w\u00f6rld"),
      true,
    ],
    // a string with a lone surrogate: sent (and counted) as U+FFFD, 3 bytes
    "/lone": [() => new Response(lone), encoder.encode(lone), true],
    // JSON with headers given
    "/json": [
      () => Response.json({ rows: [1, 2, 3] }, { headers: { "x-kind": "json" } }),
      encoder.encode('{"rows":[1,2,3]}'),
      true,
    ],
    // bytes, an ArrayBuffer, form data
    "/bytes": [
      () => new Response(new Uint8Array([0, 1, 2, 255])),
      new Uint8Array([0, 1, 2, 255]),
      true,
    ],
    "/buffer": [() => new Response(new ArrayBuffer(7)), new Uint8Array(7), true],
    "/form": [() => new Response(form), encoder.encode(form.toString()), true],
    // bytes above 64 KiB: fixed, the span waits for delivery
    "/big": [() => new Response(big), big, true],
    // a Blob: Deno streams it
    "/blob": [() => new Response(new Blob(["ab", "cd"])), encoder.encode("abcd"), false],
    // a stream with one chunk ready at once
    "/one": [
      () =>
        new Response(
          new ReadableStream({
            start(controller): void {
              controller.enqueue(new Uint8Array([1, 2, 3]));
              controller.close();
            },
          }),
        ),
      new Uint8Array([1, 2, 3]),
      false,
    ],
    // a stream with several chunks ready at once: streamed
    "/several": [
      () =>
        new Response(
          new ReadableStream({
            start(controller): void {
              for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(10 + i));
              controller.close();
            },
          }),
        ),
      new Uint8Array(10 + 11 + 12 + 13 + 14),
      false,
    ],
    // an empty body
    "/empty": [() => new Response(""), new Uint8Array(0), true],
  };
  await serve(
    (request) => shapes[new URL(request.url).pathname]![0](),
    { collector },
    async (url) => {
      for (const [path, [, bytes, fixed]] of Object.entries(shapes)) {
        const response = await fetch(`${url}${path}`, { headers: SAMPLED });
        assert.equal(response.headers.get("trace-id"), INCOMING_TRACE, path);
        if (fixed) {
          // Sent as the handler gave it: the runtime still knows (and sends) the length.
          assert.equal(response.headers.get("content-length"), String(bytes.length), path);
        }
        assert.deepEqual(await response.bytes(), bytes, path);
        const span = await collector.next();
        assert.equal(span.metadata.get("http.response_body_size"), bytes.length, path);
        assert.equal(span.status, "ok", path);
        const messages = span.events.map((e) => e.message);
        assert.deepEqual(messages, ["request processed", "returned body data"], path);
        assert.equal(span.events[1]?.metadata.get("size"), bytes.length, path);
        assert.ok(span.start! <= span.events[0]!.time, path);
        assert.ok(span.events[1]!.time <= span.end!, path);
      }
    },
  );
}

Deno.test("bodies of every shape are counted exactly and arrive intact", async () => {
  await bodiesOfEveryShape();
});

Deno.test("the portable look-ahead (runtimes whose bodies cannot be looked into) counts the same", async () => {
  overrideBodyShape(() => UNKNOWN);
  try {
    await bodiesOfEveryShape();
  } finally {
    overrideBodyShape(undefined);
  }
});

Deno.test("a fixed body is answered synchronously, its span already exported", () => {
  const collector = new AwaitableCollector();
  const handler = traceLayer(() => new Response("h\u00e9llo"), { collector });
  const response = handler(new Request("http://localhost/x", { headers: SAMPLED }));
  assert.ok(response instanceof Response, "a Response, not a promise");
  assert.equal(collector.size, 1);
  const [span] = collector.spans();
  assert.equal(span?.metadata.get("http.response_body_size"), encoder.encode("h\u00e9llo").length);
  assert.equal(span?.end, span?.events[1]?.time, "handed over: one moment");
});

Deno.test("HEAD, 204 and 304: no body counted, the span ends at once", async () => {
  const collector = new AwaitableCollector();
  await serve(
    (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/204") return new Response(null, { status: 204 });
      if (path === "/304") return new Response(null, { status: 304 });
      return new Response("a body that HEAD does not send");
    },
    { collector },
    async (url) => {
      const cases: [string, string, number][] = [["HEAD", "/", 200], ["GET", "/204", 204], [
        "GET",
        "/304",
        304,
      ]];
      for (const [method, path, status] of cases) {
        const response = await fetch(`${url}${path}`, { method, headers: SAMPLED });
        assert.equal(response.status, status);
        assert.equal(response.headers.get("trace-id"), INCOMING_TRACE);
        assert.equal((await response.bytes()).length, 0);
        const span = await collector.next();
        assert.equal(span.metadata.get("http.method"), method);
        assert.equal(span.metadata.get("http.status_code"), status);
        assert.equal(span.metadata.get("http.response_body_size"), 0);
        assert.equal(span.status, "ok");
        assert.deepEqual(span.events.map((e) => e.message), [
          "request processed with empty response",
        ]);
      }
    },
  );
});

Deno.test("a WebSocket upgrade passes through and its span ends at the upgrade", async () => {
  const collector = new AwaitableCollector();
  await serve(
    (request) => {
      const { socket, response } = Deno.upgradeWebSocket(request);
      socket.onmessage = (event): void => socket.send(`echo ${event.data}`);
      return response;
    },
    { collector },
    async (url) => {
      const socket = new WebSocket(url.replace("http", "ws"), {
        headers: SAMPLED,
      } as unknown as string[]);
      const closed = new Promise((resolve) => (socket.onclose = resolve));
      await new Promise((resolve) => (socket.onopen = resolve));
      const reply = new Promise<string>((resolve) => (socket.onmessage = (e) => resolve(e.data)));
      socket.send("hi");
      assert.equal(await reply, "echo hi");
      socket.close();
      await closed;
      const span = await collector.next();
      assert.equal(span.metadata.get("http.status_code"), 101);
      assert.equal(span.status, "ok");
    },
  );
});
