// tracingFromEnv: IOx's variables and defaults (trace_exporters/src/lib.rs), IOx's tag rules
// (exactly one '=', non-empty key and value), errors naming the variable and the value, and a
// configured pipeline that delivers a span started from an incoming uber-trace-id header.

import assert from "node:assert/strict";
import { hostname } from "node:os";
import { AsyncExporter } from "../../exporters/async_exporter.ts";
import { tracingFromEnv } from "../../exporters/tracing_from_env.ts";
import { MockJaegerAgent } from "../../exporters/jaeger/testing.ts";
import { SpanRecorder } from "../../trace/mod.ts";

const quiet = { warn: () => {} };

Deno.test("tracingFromEnv: off when TRACES_EXPORTER is unset, empty or none", () => {
  assert.equal(tracingFromEnv({}), undefined);
  assert.equal(tracingFromEnv({ TRACES_EXPORTER: "" }), undefined);
  assert.equal(tracingFromEnv({ TRACES_EXPORTER: "none" }), undefined);
  assert.equal(tracingFromEnv({ TRACES_EXPORTER: "NONE" }), undefined);
  assert.equal(tracingFromEnv({ TRACES_EXPORTER: undefined }), undefined);
});

Deno.test("tracingFromEnv: IOx's defaults", async () => {
  const tracing = tracingFromEnv({ TRACES_EXPORTER: "Jaeger", HOSTNAME: "host-1" }, quiet)!;
  try {
    assert.deepEqual(tracing.config, {
      agentHost: "0.0.0.0",
      agentPort: 6831,
      serviceName: "iox-conductor",
      traceContextHeaderName: "uber-trace-id",
      debugName: "jaeger-debug-id",
      tags: { hostname: "host-1" },
      maxMessagesPerSecond: 1000,
      maxPacketSize: 65000,
    });
    assert.ok(tracing.collector instanceof AsyncExporter);
    assert.equal(tracing.parser.jaegerTraceContextHeaderName, "uber-trace-id");
    assert.equal(tracing.parser.jaegerDebugName, "jaeger-debug-id");
    assert.equal(tracing.agent?.host, "0.0.0.0");
    assert.equal(tracing.agent?.port, 6831);
  } finally {
    await tracing.shutdown();
  }
});

Deno.test("tracingFromEnv: every variable is read (record or get())", async () => {
  const values: Record<string, string> = {
    TRACES_EXPORTER: "jaeger",
    TRACES_EXPORTER_JAEGER_AGENT_HOST: " 127.0.0.1 ",
    TRACES_EXPORTER_JAEGER_AGENT_PORT: "6832",
    TRACES_EXPORTER_JAEGER_SERVICE_NAME: "my-service",
    TRACES_EXPORTER_JAEGER_TRACE_CONTEXT_HEADER_NAME: "influx-trace-id",
    TRACES_EXPORTER_JAEGER_DEBUG_NAME: "influx-debug-id",
    TRACES_EXPORTER_JAEGER_TAGS: "env=prod,region=eu-1,hostname=given",
    TRACES_JAEGER_MAX_MSGS_PER_SECOND: "50",
    TRACES_EXPORTER_JAEGER_MAX_PACKET_SIZE: "9216",
    HOSTNAME: "ignored",
  };
  const tracing = tracingFromEnv({ get: (k: string) => values[k] }, quiet)!;
  try {
    assert.deepEqual(tracing.config, {
      agentHost: "127.0.0.1",
      agentPort: 6832,
      serviceName: "my-service",
      traceContextHeaderName: "influx-trace-id",
      debugName: "influx-debug-id",
      tags: { env: "prod", region: "eu-1", hostname: "given" },
      maxMessagesPerSecond: 50,
      maxPacketSize: 9216,
    });
    assert.equal(tracing.parser.jaegerTraceContextHeaderName, "influx-trace-id");
    assert.equal(tracing.parser.jaegerDebugName, "influx-debug-id");
  } finally {
    await tracing.shutdown();
  }
});

function fails(env: Record<string, string>, kind: ErrorConstructor, ...needles: string[]): void {
  assert.throws(
    () => tracingFromEnv({ TRACES_EXPORTER: "jaeger", ...env }, quiet),
    (e: unknown) => {
      assert.ok(e instanceof kind, `${e} is not a ${kind.name}`);
      for (const n of needles) assert.ok((e as Error).message.includes(n), (e as Error).message);
      return true;
    },
  );
}

Deno.test("tracingFromEnv: bad values name the variable and the value", () => {
  assert.throws(
    () => tracingFromEnv({ TRACES_EXPORTER: "zipkin" }),
    (e: unknown) =>
      e instanceof RangeError && /TRACES_EXPORTER/.test(e.message) && /zipkin/.test(e.message),
  );
  const port = "TRACES_EXPORTER_JAEGER_AGENT_PORT";
  fails({ [port]: "0" }, RangeError, port, '"0"');
  fails({ [port]: "65536" }, RangeError, port, "65536");
  fails({ [port]: "68a" }, SyntaxError, port, "68a");
  fails({ [port]: "-1" }, SyntaxError, port, "-1");
  const rate = "TRACES_JAEGER_MAX_MSGS_PER_SECOND";
  fails({ [rate]: "0" }, RangeError, rate);
  fails({ [rate]: "1.5" }, SyntaxError, rate, "1.5");
  const size = "TRACES_EXPORTER_JAEGER_MAX_PACKET_SIZE";
  fails({ [size]: "100" }, RangeError, size, "100");
  fails({ [size]: "70000" }, RangeError, size, "70000");
  fails({ TRACES_EXPORTER_JAEGER_SERVICE_NAME: "  " }, SyntaxError, "SERVICE_NAME");
});

Deno.test("tracingFromEnv: IOx's rules for TRACES_EXPORTER_JAEGER_TAGS", () => {
  const v = "TRACES_EXPORTER_JAEGER_TAGS";
  // IOx's test cases: each must fail.
  for (const bad of ["key", "key=", "key==", "=value", "==value", "key==value", "=", "a=b,c"]) {
    fails({ [v]: bad, HOSTNAME: "h" }, SyntaxError, v, JSON.stringify(bad));
  }
  const ok = tracingFromEnv({ TRACES_EXPORTER: "jaeger", [v]: "key=value", HOSTNAME: "h" }, quiet)!;
  assert.deepEqual(ok.config.tags, { key: "value", hostname: "h" });
  void ok.shutdown();
});

Deno.test("tracingFromEnv: a span from an incoming header reaches the agent", async () => {
  const agent = await MockJaegerAgent.start();
  const tracing = tracingFromEnv({
    TRACES_EXPORTER: "jaeger",
    TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
    TRACES_EXPORTER_JAEGER_AGENT_PORT: String(agent.port),
    TRACES_EXPORTER_JAEGER_TAGS: "env=test",
    TRACES_EXPORTER_JAEGER_MAX_PACKET_SIZE: "1472",
    HOSTNAME: "host-1",
  }, quiet)!;
  try {
    const ctx = tracing.parser.parse(
      { "uber-trace-id": "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1" },
      tracing.collector,
    );
    assert.ok(ctx);
    {
      using span = new SpanRecorder(ctx.child("GET /api/v2/query"));
      span.ok();
    }
    await tracing.shutdown();
    const [span] = await agent.waitForSpans(1);
    assert.equal(span!.traceIdHigh, BigInt.asIntN(64, 0x4bf92f3577b34da6n));
    assert.equal(span!.traceIdLow, BigInt.asIntN(64, 0xa3ce929d0e0e4736n));
    assert.equal(span!.parentSpanId, 0x00f067aa0ba902b7n);
    assert.deepEqual(agent.batches[0]!.process, {
      serviceName: "iox-conductor",
      tags: [
        { key: "env", vType: 0, vStr: "test" },
        { key: "hostname", vType: 0, vStr: "host-1" },
      ],
    });
  } finally {
    await tracing.shutdown();
    await agent.close();
  }
});

Deno.test("tracingFromEnv: without HOSTNAME, the hostname tag is the OS host name", async () => {
  const tracing = tracingFromEnv({ TRACES_EXPORTER: "jaeger" }, quiet)!;
  try {
    assert.equal(tracing.config.tags.hostname, hostname());
  } finally {
    await tracing.shutdown();
  }
});

Deno.test("tracingFromEnv: tag keys and values are trimmed", async () => {
  const tracing = tracingFromEnv({
    TRACES_EXPORTER: "jaeger",
    TRACES_EXPORTER_JAEGER_TAGS: "env=prod, region=eu , team = db",
    HOSTNAME: "h",
  }, quiet)!;
  try {
    assert.deepEqual(tracing.config.tags, { env: "prod", region: "eu", team: "db", hostname: "h" });
  } finally {
    await tracing.shutdown();
  }
  const v = "TRACES_EXPORTER_JAEGER_TAGS";
  for (const bad of ["env= ", " =prod", "env=prod, ", "a = b = c"]) {
    fails({ [v]: bad, HOSTNAME: "h" }, SyntaxError, v, JSON.stringify(bad));
  }
});

Deno.test("tracingFromEnv: the agent host is a host, not a URL or host:port", async () => {
  const v = "TRACES_EXPORTER_JAEGER_AGENT_HOST";
  for (const bad of ["localhost:6831", "10.0.0.1:6831", "udp://localhost", "udp://jaeger:6831"]) {
    fails({ [v]: bad }, SyntaxError, v, "TRACES_EXPORTER_JAEGER_AGENT_PORT");
  }
  for (const bad of ["jaeger/agent", "my host", "[::1]"]) fails({ [v]: bad }, SyntaxError, v);
  for (
    const good of ["localhost", "jaeger-agent.observability.svc", "10.0.0.1", "::1", "fe80::1%eth0"]
  ) {
    const tracing = tracingFromEnv(
      { TRACES_EXPORTER: "jaeger", [v]: ` ${good} `, HOSTNAME: "h" },
      quiet,
    )!;
    assert.equal(tracing.agent?.host, good);
    await tracing.shutdown();
  }
});

Deno.test("tracingFromEnv: the parser records into the collector by default", async () => {
  const agent = await MockJaegerAgent.start();
  const tracing = tracingFromEnv({
    TRACES_EXPORTER: "jaeger",
    TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
    TRACES_EXPORTER_JAEGER_AGENT_PORT: String(agent.port),
    HOSTNAME: "h",
  }, quiet)!;
  try {
    // The README's example: parse(headers) with no collector argument.
    const ctx = tracing.parser.parse(new Headers({ "uber-trace-id": "4d2:162e:0:1" }));
    assert.equal(ctx?.collector, tracing.collector);
    new SpanRecorder(ctx?.child("request")).ok().finish();
    await tracing.shutdown();
    assert.equal(tracing.collector.stats().exported, 1);
    assert.deepEqual((await agent.waitForSpans(1)).map((s) => s.operationName), ["request"]);
  } finally {
    await tracing.shutdown();
    await agent.close();
  }
});

Deno.test("tracingFromEnv: unreadable variables count as unset, named in one warning", () => {
  const warnings: string[] = [];
  const env = {
    get(key: string): string | undefined {
      if (key === "TRACES_EXPORTER") return "jaeger";
      if (key === "HOSTNAME") return "h";
      throw new Error(`Requires env access to "${key}"`);
    },
  };
  const tracing = tracingFromEnv(env, { warn: (m) => warnings.push(m) })!;
  void tracing.shutdown();
  assert.equal(tracing.config.agentPort, 6831);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0]!,
    /TRACES_EXPORTER_JAEGER_AGENT_HOST, TRACES_EXPORTER_JAEGER_AGENT_PORT/,
  );
  assert.match(warnings[0]!, /treated as unset/);
});

Deno.test("tracingFromEnv under Deno with a narrow --allow-env: no crash, one warning", async () => {
  const script = new URL("./_narrow_env.ts", import.meta.url);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-env=TRACES_EXPORTER", "--allow-read", script.href],
    env: { TRACES_EXPORTER: "jaeger", TRACES_EXPORTER_JAEGER_AGENT_PORT: "9999" },
    stdin: "null",
  }).output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const result = JSON.parse(out) as { port: number; hostname?: string; warnings: string[] };
  assert.equal(result.port, 6831, "the unreadable port counts as unset");
  assert.equal(result.warnings.length, 1);
  assert.match(result.warnings[0]!, /TRACES_EXPORTER_JAEGER_AGENT_PORT/);
  assert.doesNotMatch(result.warnings[0]!, /TRACES_EXPORTER[ ,]/);
});
