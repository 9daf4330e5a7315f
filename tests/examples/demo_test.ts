// The demo (`deno task demo`) end to end: its requests, and the spans it exported checked AT
// THE AGENT — the tree, the parents, the statuses, the failing request — against the IOx
// mapping of the design notes (status as `ok`/`error` tags, parent 0 for a root, metadata as
// typed tags) and the W3C/Jaeger rule that a callee's parent is the caller's span.

import assert from "node:assert/strict";
import { type JaegerSpan, type JaegerTag, TagType } from "../../exporters/jaeger/mod.ts";
import { MockJaegerAgent } from "../../exporters/jaeger/testing.ts";
import { perPartitionTracingOn, runDemo } from "../../examples/_demo.ts";
import { runDemoServer } from "../../examples/_demo_server.ts";
import { runClient } from "../../examples/_client.ts";

const hex64 = (v: unknown): string =>
  BigInt.asUintN(64, BigInt(v as bigint)).toString(16).padStart(16, "0");
const traceOf = (s: JaegerSpan): string => hex64(s.traceIdHigh) + hex64(s.traceIdLow);
const tag = (s: JaegerSpan, key: string): JaegerTag | undefined =>
  (s.tags ?? []).find((t) => t.key === key);
const statusOf = (s: JaegerSpan): string =>
  tag(s, "error")?.vBool === true ? "error" : tag(s, "ok")?.vBool === true ? "ok" : "unknown";

function collect(): { write: (text: string) => void; text: () => string } {
  const chunks: string[] = [];
  return { write: (t) => chunks.push(t), text: () => chunks.join("") };
}

/** The printed `Trace ID set to` ids, in order. */
function printedTraceIds(output: string): string[] {
  return [...output.matchAll(/^Trace ID set to ([0-9a-f]+)$/gm)].map((m) => m[1]!);
}

interface Tree {
  root: JaegerSpan;
  byName: (name: string) => JaegerSpan[];
  one: (name: string) => JaegerSpan;
}

function tree(spans: JaegerSpan[]): Tree {
  const roots = spans.filter((s) => BigInt(s.parentSpanId as bigint) === 0n);
  assert.equal(roots.length, 1, `one root: ${spans.map((s) => s.operationName)}`);
  const byName = (name: string): JaegerSpan[] => spans.filter((s) => s.operationName === name);
  const one = (name: string): JaegerSpan => {
    const found = byName(name);
    assert.equal(found.length, 1, `one "${name}" among ${spans.map((s) => s.operationName)}`);
    return found[0]!;
  };
  return { root: roots[0]!, byName, one };
}

function assertChild(child: JaegerSpan, parent: JaegerSpan): void {
  assert.equal(
    hex64(child.parentSpanId),
    hex64(parent.spanId),
    `${child.operationName} is a child of ${parent.operationName}`,
  );
  assert.equal(traceOf(child), traceOf(parent));
}

Deno.test("demo: INFLUXDB_IOX_PER_PARTITION_TRACING is on for 1, true, yes only", () => {
  for (const on of ["1", "true", "TRUE", "yes", " Yes "]) assert.ok(perPartitionTracingOn(on));
  for (const off of [undefined, "", "0", "false", "no", "on", "2"]) {
    assert.ok(!perPartitionTracingOn(off), String(off));
  }
});

Deno.test("demo: sent to an agent (TRACES_EXPORTER=jaeger), every trace checked there", async () => {
  const agent = await MockJaegerAgent.start();
  const out = collect();
  try {
    const result = await runDemo({
      env: {
        TRACES_EXPORTER: "jaeger",
        TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
        TRACES_EXPORTER_JAEGER_AGENT_PORT: String(agent.port),
        TRACES_EXPORTER_JAEGER_SERVICE_NAME: "demo-under-test",
        INFLUXDB_IOX_PER_PARTITION_TRACING: "1",
        HOSTNAME: "test-host",
      },
      write: out.write,
    });
    const output = out.text();
    assert.equal(result.exitCode, 0, output);
    assert.equal(result.mode, "external");
    const stats = result.exporter!;
    assert.equal(stats.droppedQueueFull + stats.droppedTooLarge + stats.failedToSend, 0);
    await agent.waitForSpans(stats.exported, 10_000);
    assert.equal(agent.spans.length, stats.exported);
    assert.equal(agent.malformed, 0);
    for (const batch of agent.batches) {
      assert.equal(batch.process.serviceName, "demo-under-test");
      const host = batch.process.tags?.find((t) => t.key === "hostname");
      assert.equal(host?.vStr, "test-host");
    }

    // Four traces, one per printed trace id (IOx's --gen-trace-id output), linked in the UI.
    const ids = printedTraceIds(output);
    assert.equal(ids.length, 4);
    for (const id of ids) {
      assert.match(id, /^[0-9a-f]{32}$/);
      assert.ok(output.includes(`http://localhost:16686/trace/${id}\n`), id);
    }
    const traces = new Map<string, JaegerSpan[]>();
    for (const s of agent.spans) traces.set(traceOf(s), [...(traces.get(traceOf(s)) ?? []), s]);
    assert.deepEqual([...traces.keys()].sort(), [...ids].sort());

    // The write: command -> client span -> server span -> write.
    {
      const t = tree(traces.get(ids[0]!)!);
      assert.equal(t.root.operationName, "cli write");
      const client = t.one("HTTP POST");
      const server = t.one("POST /api/v2/write");
      assertChild(client, t.root);
      assertChild(server, client);
      assertChild(t.one("write"), server);
      assert.equal(tag(server, "http.status_code")?.vLong, 204n);
      assert.equal(tag(t.one("write"), "lines")?.vType, TagType.LONG);
      assert.equal(tag(t.one("write"), "lines")?.vLong, 4n);
      for (const s of traces.get(ids[0]!)!) assert.equal(statusOf(s), "ok", s.operationName);
    }

    // The two queries: plan and execute under the server span, a scan span per partition
    // (cpu has 4, mem 2) under execute, all ok.
    for (const [i, partitions, rows] of [[1, 4, 10000n], [2, 2, 2400n]] as const) {
      const spans = traces.get(ids[i]!)!;
      const t = tree(spans);
      assert.equal(t.root.operationName, "cli query");
      const client = t.one("HTTP GET");
      const server = t.one("GET /api/v2/query");
      const plan = t.one("plan");
      const execute = t.one("execute");
      assertChild(client, t.root);
      assertChild(server, client);
      assertChild(plan, server);
      assertChild(execute, server);
      const scans = spans.filter((s) => s.operationName.startsWith("scan partition "));
      assert.equal(scans.length, partitions);
      for (const scan of scans) assertChild(scan, execute);
      assert.equal(tag(execute, "db.rows")?.vLong, rows);
      assert.equal(tag(server, "http.status_code")?.vLong, 200n);
      assert.equal(tag(server, "span.kind")?.vStr, "server");
      assert.equal(tag(client, "span.kind")?.vStr, "client");
      for (const s of spans) assert.equal(statusOf(s), "ok", s.operationName);
      // Events arrive as logs whose first field is event=<message>.
      const pruned = plan.logs?.find((l) => l.fields[0]?.vStr === "partitions pruned");
      assert.ok(pruned !== undefined);
      assert.equal(pruned.fields[0]?.key, "event");
      // Children lie within their parents in time.
      for (const [child, parent] of [[server, client], [execute, server], [plan, server]]) {
        const cs = BigInt(child!.startTime as bigint);
        const ps = BigInt(parent!.startTime as bigint);
        assert.ok(cs >= ps, `${child!.operationName} starts within ${parent!.operationName}`);
      }
    }

    // The failing query: execute fails (unknown table), the server answers 500, and the
    // failure shows on the server, client and command spans; plan still succeeded.
    {
      const spans = traces.get(ids[3]!)!;
      const t = tree(spans);
      const server = t.one("GET /api/v2/query");
      const execute = t.one("execute");
      assert.equal(statusOf(t.one("plan")), "ok");
      assert.equal(statusOf(execute), "error");
      assert.equal(tag(execute, "otel.status_description")?.vStr, "table not found: weather");
      assert.equal(statusOf(server), "error");
      assert.equal(tag(server, "http.status_code")?.vLong, 500n);
      assert.equal(statusOf(t.one("HTTP GET")), "error");
      assert.equal(statusOf(t.root), "error");
      assert.equal(spans.filter((s) => s.operationName.startsWith("scan")).length, 0);
    }
    assert.deepEqual(result.requests.map((r) => r.status), [204, 200, 200, 500]);
    for (const line of output.split("\n")) {
      assert.ok([...line].length <= 80, `${[...line].length} columns: ${line}`);
    }
  } finally {
    await agent.close();
  }
});

Deno.test("demo: embedded agent draws every trace that arrived; no partition spans by default", async () => {
  const out = collect();
  const result = await runDemo({ env: { HOSTNAME: "test-host" }, write: out.write });
  const output = out.text();
  assert.equal(result.exitCode, 0, output);
  assert.equal(result.mode, "embedded");
  assert.equal(result.perPartitionTracing, false);
  const stats = result.exporter!;
  assert.equal(result.agent!.spans, stats.exported);
  assert.equal(result.agent!.malformed, 0);
  // 4 (write) + 3 * 5 (queries: command, client, server, plan, execute) spans.
  assert.equal(result.spans.length, 19);
  assert.ok(!result.spans.some((s) => s.operationName.startsWith("scan")));
  const ids = printedTraceIds(output);
  assert.equal(ids.length, 4);
  for (const id of ids) {
    // Each trace is drawn under its heading, with the service name.
    assert.match(output, new RegExp(`^trace ${id}  iox-conductor  \\d+ spans`, "m"));
  }
  assert.match(output, /^ {8}execute +█+ +[\d.]+ms +[\d.]+ms error$/m);
  assert.match(output, /table not found: weather/);
  assert.match(
    output,
    new RegExp(`received ${result.agent!.packets} packets?, 19 spans, 0 malformed`),
  );
  assert.match(
    output,
    /Exporter: 19 exported, 0 dropped \(queue full\), 0 dropped \(too large\), 0 failed/,
  );
  // Plain output (no colour asked) that fits 80 columns.
  assert.ok(!output.includes("\x1b["));
  for (const line of output.split("\n")) {
    assert.ok([...line].length <= 80, `${[...line].length} columns: ${line}`);
  }
});

Deno.test("demo: a configuration error is reported, not thrown", async () => {
  const out = collect();
  const bad = await runDemo({
    env: {
      TRACES_EXPORTER: "jaeger",
      TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
      TRACES_EXPORTER_JAEGER_AGENT_PORT: "99999",
    },
    write: out.write,
  });
  assert.equal(bad.exitCode, 2);
  assert.match(out.text(), /TRACES_EXPORTER_JAEGER_AGENT_PORT/);

  const out2 = collect();
  const off = await runDemo({
    env: { TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1" },
    write: out2.write,
  });
  assert.equal(off.exitCode, 2);
  assert.match(out2.text(), /TRACES_EXPORTER is not "jaeger"/);
});

Deno.test("demo: `deno task demo`'s entry point runs and exits 0 without a terminal", async () => {
  const env: Record<string, string> = { ...Deno.env.toObject() };
  for (const key of Object.keys(env)) {
    if (key.startsWith("TRACES_") || key === "INFLUXDB_IOX_PER_PARTITION_TRACING") {
      delete env[key];
    }
  }
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../examples/demo.ts", import.meta.url).pathname],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, `${stdout}\n${stderr}`);
  assert.equal(printedTraceIds(stdout).length, 4);
  assert.ok(!stdout.includes("\x1b["), "no colour when stdout is not a terminal");
  assert.match(stdout, /received \d+ packets?, 19 spans, 0 malformed/);
});

Deno.test("demo --serve: the seed's steps by hand — the client's --gen-trace-id request is drawn by the embedded agent", async () => {
  const out = collect();
  const stop = new AbortController();
  const listening = Promise.withResolvers<string>();
  const served = runDemoServer({
    env: {},
    port: 0,
    signal: stop.signal,
    write: out.write,
    onListen: (url) => listening.resolve(url),
  });
  const base = await listening.promise;
  let clientOut = "";
  const io = {
    write: (t: string) => void (clientOut += t),
    error: (t: string) => void (clientOut += t),
  };
  const url = `${base}/api/v2/query?q=${encodeURIComponent("SELECT * FROM disk")}`;
  assert.equal(await runClient(["--gen-trace-id", url], io), 0);
  const [traceId] = printedTraceIds(clientOut);
  assert.ok(traceId !== undefined, clientOut);
  stop.abort();
  assert.equal(await served, 0);
  const output = out.text();
  // The server's spans are in the client's trace; their root (the server span) has the
  // client's generated span as parent, which never reaches the agent (IOx's CLI records none).
  const block = output.split("\n\n").find((b) => b.includes(`trace ${traceId}`));
  assert.ok(block !== undefined, output);
  assert.match(block, new RegExp(`^trace ${traceId} {2}iox-conductor {2}3 spans`, "m"));
  assert.match(block, /\n {2}GET \/api\/v2\/query +█+ .* ok\n/);
  assert.match(block, /\n {4}plan +█/);
  assert.match(block, /\n {4}execute +█[^\n]*ok\n {6}· db\.rows=2400/);
  assert.match(block, /no root span/);
  assert.match(
    output,
    /Stopped\. Exported 3 spans in 1 packet; the agent got 3 spans\nin 1 packet/,
  );
  for (const line of output.split("\n")) {
    assert.ok([...line].length <= 80, `${[...line].length} columns: ${line}`);
  }
});

Deno.test("demo: TRACES_EXPORTER=otlp sends over OTLP/HTTP to the embedded receiver and draws every trace", async () => {
  const out = collect();
  const result = await runDemo({
    env: { TRACES_EXPORTER: "otlp", HOSTNAME: "test-host" },
    write: out.write,
  });
  const output = out.text();
  assert.equal(result.exitCode, 0, output);
  assert.equal(result.mode, "embedded");
  assert.equal(result.spans.length, 19);
  assert.equal(result.agent!.spans, result.exporter!.exported);
  assert.match(output, /embedded\nOTLP receiver at http:\/\/127\.0\.0\.1:\d+\/v1\/traces/);
  assert.match(output, /received 1 request, 19 spans, 0 malformed/);
  for (const id of printedTraceIds(output)) {
    assert.match(output, new RegExp(`^trace ${id}  iox-conductor  \\d+ spans`, "m"));
  }
  for (const line of output.split("\n")) {
    assert.ok([...line].length <= 80, `${[...line].length} columns: ${line}`);
  }
});
