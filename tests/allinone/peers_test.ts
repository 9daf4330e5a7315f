// Three real clients speaking three protocols reach one all-in-one process: Debian's Ruby Jaeger
// client (compact Thrift, UDP), jaeger-client for Node (binary Thrift, UDP) and OpenTelemetry
// JS's OTLP exporter (protobuf over HTTP). Each one's spans come back from Jaeger's query API
// with the ids, names, parents, tags and events the client gave them.

import assert from "node:assert/strict";
import jaegerClient from "jaeger-client";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { SpanStatusCode } from "@opentelemetry/api";
import { type AllInOne, type JsonTrace, startAllInOne } from "../../allinone/mod.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const rubyPeer = new URL("../examples/ruby_peer.rb", import.meta.url).pathname;
let rubyMissing: string | undefined;
try {
  const probe = new Deno.Command("ruby", {
    args: ["-e", 'require "jaeger/client"'],
    stdout: "null",
    stderr: "null",
  }).outputSync();
  if (!probe.success) rubyMissing = "ruby cannot load jaeger/client";
} catch {
  rubyMissing = "ruby is not installed";
}
if (rubyMissing !== undefined) {
  console.log(
    `peers_test: the Ruby peer is left out (${rubyMissing}); apt-get install ruby-jaeger-client`,
  );
}

async function until<T>(what: string, get: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = await get();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function api(aio: AllInOne, path: string): Promise<Any> {
  return await (await fetch(aio.listener("ui")!.url + path)).json();
}

function tagOf(span: JsonTrace["spans"][number], key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value;
}

Deno.test("peers: Ruby (compact), jaeger-client for Node (binary) and OpenTelemetry JS (OTLP) reach one all-in-one", async () => {
  const aio = await startAllInOne({
    ports: { "jaeger.compact": 0, "jaeger.binary": 0, otlp: 0, ui: 0 },
  });
  const tracer: Any = jaegerClient.initTracer({
    serviceName: "node-jaeger-client",
    sampler: { type: "const", param: 1 },
    reporter: {
      agentHost: "127.0.0.1",
      agentPort: aio.listener("jaeger.binary")!.port,
      flushIntervalMs: 10,
    },
  }, { logger: { info(): void {}, error(): void {} } });
  const provider = new BasicTracerProvider({
    resource: undefined,
    spanProcessors: [
      new SimpleSpanProcessor(
        new OTLPTraceExporter({ url: `${aio.listener("otlp")!.url}/v1/traces` }),
      ),
    ],
  } as Any);
  try {
    // 1. Ruby, compact, when installed.
    if (rubyMissing === undefined) {
      const ruby = await new Deno.Command("ruby", {
        args: [rubyPeer, String(aio.listener("jaeger.compact")!.port)],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(ruby.success, new TextDecoder().decode(ruby.stderr));
    }
    // 2. jaeger-client for Node, binary.
    const root = tracer.startSpan("GET /api/v2/write");
    root.setTag("http.status_code", 204);
    const child = tracer.startSpan("write buffer", { childOf: root });
    child.log({ event: "buffered", lines: 4 });
    child.finish();
    root.finish();
    // 3. OpenTelemetry JS, OTLP protobuf over HTTP.
    const otel = provider.getTracer("peers-test", "1.2.3");
    const parent = otel.startSpan("SELECT cpu");
    const ctx = (await import("@opentelemetry/api")).trace.setSpan(
      (await import("@opentelemetry/api")).context.active(),
      parent,
    );
    const scan = otel.startSpan(
      "scan partition",
      { attributes: { partition: 42, "db.rows": 7 } },
      ctx,
    );
    scan.addEvent("cache miss", { key: "partition-42" });
    scan.setStatus({ code: SpanStatusCode.ERROR, message: "object store timeout" });
    scan.end();
    parent.end();
    await provider.forceFlush();

    const expected = [
      "node-jaeger-client",
      "unknown_service:deno",
      ...(rubyMissing ? [] : ["ruby-peer"]),
    ];
    const services = await until("three services", async () => {
      const s: string[] = (await api(aio, "/api/services")).data;
      return expected.every((e) => s.some((x) => x === e || x.startsWith("unknown_service"))) &&
          aio.counts().spans >= 4 + (rubyMissing ? 0 : 4)
        ? s
        : undefined;
    });
    assert.equal(aio.counts().malformed, 0);

    // jaeger-client: ids as its span context has them.
    const jt: JsonTrace = (await api(aio, `/api/traces/${root.context().traceIdStr}`)).data[0];
    const jr = jt.spans.find((s) => s.operationName === "GET /api/v2/write")!;
    const jc = jt.spans.find((s) => s.operationName === "write buffer")!;
    assert.equal(jr.spanID, root.context().spanIdStr.padStart(16, "0"));
    assert.deepEqual(jc.references, [{
      refType: "CHILD_OF",
      traceID: jt.traceID,
      spanID: jr.spanID,
    }]);
    assert.equal(tagOf(jr, "http.status_code"), 204);
    assert.deepEqual(jc.logs[0]!.fields.map((f) => [f.key, f.value]), [["event", "buffered"], [
      "lines",
      4,
    ]]);
    assert.equal(jt.processes[jr.processID]!.serviceName, "node-jaeger-client");

    // OpenTelemetry: ids, parent, attributes, event, error status.
    const otelService = services.find((s) => s.startsWith("unknown_service"))!;
    const ot: JsonTrace = (await api(aio, `/api/traces/${parent.spanContext().traceId}`)).data[0];
    assert.equal(ot.traceID, parent.spanContext().traceId);
    const os = ot.spans.find((s) => s.operationName === "scan partition")!;
    assert.equal(os.spanID, scan.spanContext().spanId);
    assert.deepEqual(os.references, [{
      refType: "CHILD_OF",
      traceID: ot.traceID,
      spanID: parent.spanContext().spanId,
    }]);
    assert.equal(tagOf(os, "partition"), 42);
    assert.equal(tagOf(os, "error"), true);
    assert.equal(tagOf(os, "otel.status_code"), "ERROR");
    assert.equal(tagOf(os, "otel.status_description"), "object store timeout");
    assert.equal(tagOf(os, "otel.scope.name"), "peers-test");
    assert.deepEqual(os.logs[0]!.fields.map((f) => [f.key, f.value]), [["event", "cache miss"], [
      "key",
      "partition-42",
    ]]);
    assert.equal(ot.processes[os.processID]!.serviceName, otelService);
    const errs = await api(
      aio,
      `/api/traces?service=${encodeURIComponent(otelService)}&tags=${
        encodeURIComponent('{"error":"true"}')
      }`,
    );
    assert.deepEqual(errs.data.map((t: JsonTrace) => t.traceID), [ot.traceID]);

    // Ruby: two traces of two spans, its service.
    if (rubyMissing === undefined) {
      const rt = await api(aio, "/api/traces?service=ruby-peer");
      assert.equal(rt.data.length, 2);
      for (const t of rt.data as JsonTrace[]) {
        assert.equal(t.spans.length, 2);
        const r = t.spans.find((s) => s.operationName === "GET /api/v2/query")!;
        const c = t.spans.find((s) => s.operationName.startsWith("child-"))!;
        assert.equal(c.references[0]?.spanID, r.spanID);
        assert.equal(c.logs[0]?.fields[0]?.value, "cache miss");
      }
    }
  } finally {
    await provider.shutdown();
    await new Promise<void>((resolve) => tracer.close(() => resolve()));
    await aio.close();
  }
});

Deno.test("otlp listener: a body that does not decode is a 400 and counted; other requests refused", async () => {
  const aio = await startAllInOne({
    ports: { "jaeger.compact": null, "jaeger.binary": null, otlp: 0, ui: null },
  });
  try {
    const url = `${aio.listener("otlp")!.url}/v1/traces`;
    const post = (body: BodyInit, type: string) =>
      fetch(url, { method: "POST", body, headers: { "content-type": type } });
    const bad = await post(new Uint8Array([0x0a, 0xff]), "application/x-protobuf");
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    const badJson = await post("{", "application/json");
    assert.equal(badJson.status, 400);
    assert.match((await badJson.json()).message, /./);
    const wrongType = await post("x", "text/plain");
    assert.equal(wrongType.status, 415);
    await wrongType.body?.cancel();
    const get = await fetch(url);
    assert.equal(get.status, 405);
    await get.body?.cancel();
    const ok = await post("{}", "application/json");
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), "{}");
    assert.equal(aio.counts().malformed, 2);
    assert.equal(aio.counts().requests, 5);
  } finally {
    await aio.close();
  }
});
