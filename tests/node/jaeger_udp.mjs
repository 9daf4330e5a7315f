// End to end under Node, through the built npm package: spans recorded with `spanwire`, exported
// by tracingFromEnv's AsyncExporter + JaegerAgentExporter (node:dgram) as compact-Thrift UDP
// packets to a MockJaegerAgent on 127.0.0.1, for every encoder backend. The expected values are
// IOx's span-to-Jaeger mapping (design notes), not our encoder's output.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";

const { tracingFromEnv } = await import("spanwire/exporters");
const { TagType } = await import("spanwire/exporters/jaeger");
const { MockJaegerAgent } = await import("spanwire/exporters/jaeger/testing");
const { traceNodeListener, spanContextOf } = await import("spanwire/http/node");
const { float, SpanRecorder } = await import("spanwire/trace");

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";
// An id whose top bit is set, to see the signed i64 on the wire.
const HIGH_SPAN = "f067aa0ba902b700";

const signed = (hex) => BigInt.asIntN(64, BigInt(`0x${hex}`));

const envFor = (agent, extra = {}) => ({
  TRACES_EXPORTER: "jaeger",
  TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
  TRACES_EXPORTER_JAEGER_AGENT_PORT: String(agent.port),
  TRACES_EXPORTER_JAEGER_SERVICE_NAME: "node-service",
  TRACES_EXPORTER_JAEGER_TAGS: "env=test,region=local",
  ...extra,
});

const tagsOf = (tags) => Object.fromEntries((tags ?? []).map((t) => [t.key, t]));

for (const backend of ["js", "wasm"]) {
  test(`backend ${backend}: a span reaches the agent with IOx's mapping`, async () => {
    const agent = await MockJaegerAgent.start();
    const tracing = tracingFromEnv(envFor(agent), { backend });
    try {
      const ctx = tracing.parser.parse(
        { "uber-trace-id": `${TRACE}:${HIGH_SPAN}:0:1` },
        tracing.collector,
      );
      const span = ctx.child("GET /api/v2/query");
      const start = 1_700_000_000_000_000;
      span.start = start;
      span.end = start + 1_500;
      span.setMetadata("http.status_code", 200);
      span.setMetadata("component", "trace_http");
      span.setMetadata("cached", true);
      span.setMetadata("ratio", 0.25);
      span.setMetadata("whole", float(2));
      span.event("cache miss", { key: "partition-42" }, start + 100);
      span.ok();
      span.export();
      await tracing.shutdown();

      const [jaeger] = await agent.waitForSpans(1);
      assert.equal(agent.malformed, 0);
      assert.equal(jaeger.operationName, "GET /api/v2/query");
      assert.equal(jaeger.traceIdHigh, signed(TRACE.slice(0, 16)));
      assert.equal(jaeger.traceIdLow, signed(TRACE.slice(16)));
      assert.equal(jaeger.parentSpanId, signed(HIGH_SPAN));
      assert.ok(jaeger.parentSpanId < 0n, "the i64 is signed");
      assert.equal(jaeger.spanId, signed(span.ctx.spanId.toString()));
      assert.equal(jaeger.flags, 1);
      assert.equal(jaeger.startTime, BigInt(start));
      assert.equal(jaeger.duration, 1_500n);

      const tags = tagsOf(jaeger.tags);
      assert.deepEqual(
        (jaeger.tags ?? []).map((t) => t.key),
        [...(jaeger.tags ?? []).map((t) => t.key)].sort(),
        "tags sorted by key",
      );
      assert.equal(tags["http.status_code"].vType, TagType.LONG);
      assert.equal(tags["http.status_code"].vLong, 200n);
      assert.equal(tags["component"].vStr, "trace_http");
      assert.equal(tags["cached"].vBool, true);
      assert.equal(tags["ratio"].vType, TagType.DOUBLE);
      assert.equal(tags["ratio"].vDouble, 0.25);
      assert.equal(tags["whole"].vType, TagType.DOUBLE);
      assert.equal(tags["ok"].vBool, true, "status Ok becomes ok=true");

      assert.equal(jaeger.logs.length, 1);
      assert.equal(jaeger.logs[0].timestamp, BigInt(start + 100));
      const fields = jaeger.logs[0].fields;
      assert.deepEqual([fields[0].key, fields[0].vStr], ["event", "cache miss"]);
      assert.deepEqual([fields[1].key, fields[1].vStr], ["key", "partition-42"]);

      const process = agent.batches[0].process;
      assert.equal(process.serviceName, "node-service");
      const processTags = tagsOf(process.tags);
      assert.equal(processTags.env.vStr, "test");
      assert.equal(processTags.region.vStr, "local");
      assert.ok("hostname" in processTags, "a hostname process tag from node:os");
    } finally {
      await agent.close();
    }
  });
}

test("a traced node:http server exports its spans over UDP (the examples/node path)", async () => {
  const agent = await MockJaegerAgent.start();
  const tracing = tracingFromEnv(envFor(agent), { backend: "wasm" });
  const server = createServer(traceNodeListener((req, res) => {
    const work = new SpanRecorder(spanContextOf(req)?.child("load rows"));
    work.setMetadata("db.rows", 12345).ok();
    work.finish();
    res.end("done");
  }, { collector: tracing.collector, parser: tracing.parser, name: "node-service" }));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  try {
    const url = `http://127.0.0.1:${server.address().port}/api/v2/query`;
    const response = await fetch(url, { headers: { "uber-trace-id": `${TRACE}:${SPAN}:0:1` } });
    assert.equal(await response.text(), "done");
    assert.equal(response.headers.get("trace-id"), TRACE);
    const untraced = await fetch(url);
    assert.equal(await untraced.text(), "done");
    assert.equal(untraced.headers.get("trace-id"), null, "no context, no trace");

    const spans = await agent.waitForSpans(2);
    await tracing.shutdown();
    const server_ = spans.find((s) => s.operationName === "node-service");
    const child = spans.find((s) => s.operationName === "load rows");
    assert.ok(server_ && child, spans.map((s) => s.operationName).join(", "));
    assert.equal(server_.parentSpanId, signed(SPAN));
    assert.equal(child.parentSpanId, server_.spanId);
    assert.equal(tagsOf(server_.tags)["http.status_code"].vLong, 200n);
    assert.equal(agent.spans.length, 2, "the untraced request made no span");
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
    await agent.close();
  }
});

test("2000 spans into 1472-byte packets: every span arrives, none over the limit", async () => {
  const agent = await MockJaegerAgent.start();
  const tracing = tracingFromEnv(
    envFor(agent, {
      TRACES_EXPORTER_JAEGER_MAX_PACKET_SIZE: "1472",
      TRACES_JAEGER_MAX_MSGS_PER_SECOND: "100000",
    }),
  );
  try {
    const ctx = tracing.parser.parse(
      { "uber-trace-id": `${TRACE}:${SPAN}:0:1` },
      tracing.collector,
    );
    for (let i = 0; i < 2000; i++) {
      const recorder = new SpanRecorder(ctx.child(`span ${i}`));
      recorder.setMetadata("http.target", `/api/v2/query?q=${i}`).ok();
      recorder.finish();
    }
    await tracing.shutdown();
    const spans = await agent.waitForSpans(2000);
    assert.equal(agent.malformed, 0);
    assert.equal(new Set(spans.map((s) => s.operationName)).size, 2000);
    assert.ok(agent.packets.length > 1);
    for (const packet of agent.packets) assert.ok(packet.length <= 1472, `${packet.length} bytes`);
    const stats = tracing.collector.stats();
    assert.equal(stats.exported, 2000);
    assert.equal(stats.droppedQueueFull + stats.droppedTooLarge + stats.failedToSend, 0);
    assert.equal(stats.packets, agent.packets.length);
  } finally {
    await agent.close();
  }
});

test("a host that does not resolve is named with the resolution error (not ERR_SOCKET_BAD_PORT)", async () => {
  const { JaegerAgentExporter } = await import("spanwire/exporters/jaeger/agent");
  const warnings = [];
  const exporter = new JaegerAgentExporter({
    host: "nosuchhost.invalid",
    warn: (m) => warnings.push(m),
  });
  try {
    assert.equal(await exporter.send(new Uint8Array(8)), false);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /"nosuchhost\.invalid"/);
    assert.match(warnings[0], /ENOTFOUND|EAI_AGAIN|getaddrinfo/);
    assert.doesNotMatch(warnings[0], /ERR_SOCKET_BAD_PORT/);
  } finally {
    await exporter.close();
  }
});

test("tracingFromEnv refuses host:port and URLs as the agent host, naming the variable", () => {
  for (const host of ["localhost:6831", "udp://localhost:6831"]) {
    assert.throws(
      () => tracingFromEnv({ TRACES_EXPORTER: "jaeger", TRACES_EXPORTER_JAEGER_AGENT_HOST: host }),
      (e) =>
        e instanceof SyntaxError && /TRACES_EXPORTER_JAEGER_AGENT_HOST/.test(e.message) &&
        /TRACES_EXPORTER_JAEGER_AGENT_PORT/.test(e.message),
    );
  }
});
