// The local agent (`deno task agent`): fed packets from a real peer — the Ruby client's packet
// captured in tests/fixtures (values from packet-0.json, which Apache Thrift's Python library
// decoded), and, when Debian's ruby-jaeger-client is installed, that client live — it draws
// their traces; it counts malformed packets; it draws a trace once complete; SIGINT closes it.

import assert from "node:assert/strict";
import dgram from "node:dgram";
import { type JaegerSpan, TagType } from "../../exporters/jaeger/mod.ts";
import { startLocalAgent } from "../../examples/_agent.ts";
import { parseAllInOneArgs } from "../../allinone/_cli_args.ts";
import { TraceAssembler } from "../../allinone/_trace_assembler.ts";

const FIXTURE = new URL("../fixtures/jaeger-compact/ruby-jaeger-client/", import.meta.url);

interface FixtureSpan {
  traceIdHigh: string;
  traceIdLow: string;
  spanId: string;
  parentSpanId: string;
  operationName: string;
  duration: string;
  tags: { key: string; type: string; value: unknown }[];
  logs: { fields: { key: string; value: unknown }[] }[];
}

async function sendUdp(port: number, payloads: Uint8Array[]): Promise<void> {
  const socket = dgram.createSocket("udp4");
  try {
    for (const payload of payloads) {
      await new Promise<void>((resolve, reject) =>
        socket.send(payload, port, "127.0.0.1", (error) => (error ? reject(error) : resolve()))
      );
    }
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

function collect(): { write: (text: string) => void; text: () => string } {
  const chunks: string[] = [];
  return { write: (t) => chunks.push(t), text: () => chunks.join("") };
}

function span(trace: number, id: number, parent: number, name: string): JaegerSpan {
  return {
    traceIdHigh: 0n,
    traceIdLow: BigInt(trace),
    spanId: BigInt(id),
    parentSpanId: BigInt(parent),
    operationName: name,
    flags: 1,
    startTime: 1_000_000n,
    duration: 10n,
    tags: [{ key: "ok", vType: TagType.BOOL, vBool: true }],
  };
}

Deno.test("agent: a trace is complete once its root arrived and it went quiet", () => {
  const b = new TraceAssembler({ quietMs: 300, orphanQuietMs: 2000 });
  b.add([span(1, 2, 1, "child")], "svc", 0);
  assert.equal(b.take(299).length, 0);
  b.add([span(1, 1, 0, "root")], "svc", 100);
  assert.equal(b.take(399).length, 0, "quiet for 299 ms only");
  b.add([span(1, 3, 1, "late sibling")], "svc", 350);
  assert.equal(b.take(649).length, 0, "a new span restarts the quiet time");
  const [trace] = b.take(650);
  assert.ok(trace !== undefined);
  assert.equal(trace.traceId, "00000000000000000000000000000001");
  assert.deepEqual(trace.spans.map((s) => s.operationName), ["child", "root", "late sibling"]);
  assert.equal(trace.hasRoot, true);
  assert.equal(trace.late, false);
  assert.equal(b.pending, 0);
  // A span for a trace already drawn starts a late part.
  b.add([span(1, 4, 1, "straggler")], "svc", 1000);
  assert.equal(b.take(2999).length, 0, "a part without root waits for the orphan time");
  const [late] = b.take(3000);
  assert.equal(late?.late, true);
  assert.equal(late?.hasRoot, false);
  assert.deepEqual(late?.spans.map((s) => s.operationName), ["straggler"]);
});

Deno.test("agent: a trace whose root never comes is drawn after the orphan quiet time", () => {
  const a = new TraceAssembler({ quietMs: 300, orphanQuietMs: 2000 });
  a.add([span(7, 2, 99, "server span of an untraced caller")], "svc", 0);
  assert.equal(a.take(1999).length, 0);
  const [trace] = a.take(2000);
  assert.equal(trace?.hasRoot, false);
  a.add([span(8, 1, 0, "root"), span(9, 5, 4, "orphan")], "svc", 0);
  assert.deepEqual(a.takeAll().map((t) => t.traceId.slice(-1)), ["8", "9"]);
  assert.equal(a.pending, 0);
});

Deno.test("agent: ports, host and bounds parsing", () => {
  const d = parseAllInOneArgs([]);
  assert.deepEqual(d.ports, {
    "jaeger.compact": 6831,
    "jaeger.binary": 6832,
    otlp: 4318,
    ui: 16686,
  });
  assert.equal(d.host, "127.0.0.1");
  assert.equal(parseAllInOneArgs(["--port", "7000"]).ports["jaeger.compact"], 7000);
  assert.equal(parseAllInOneArgs(["--compact-port=0"]).ports["jaeger.compact"], 0);
  assert.equal(parseAllInOneArgs(["--binary-port", "0"]).ports["jaeger.binary"], 0);
  assert.equal(parseAllInOneArgs(["--otlp-port", "off"]).ports.otlp, null);
  assert.equal(parseAllInOneArgs(["--ui-port=17000"]).ports.ui, 17000);
  assert.equal(parseAllInOneArgs(["--host", "0.0.0.0"]).host, "0.0.0.0");
  assert.equal(parseAllInOneArgs(["--max-spans", "10"]).maxSpans, 10);
  assert.equal(parseAllInOneArgs(["--max-mib", "2"]).maxBytes, 2 * 1024 * 1024);
  assert.equal(parseAllInOneArgs(["-h"]).help, true);
  assert.throws(() => parseAllInOneArgs(["--port", "65536"]), RangeError);
  assert.throws(() => parseAllInOneArgs(["--ui-port", "x"]), RangeError);
  assert.throws(() => parseAllInOneArgs(["--max-spans", "0"]), RangeError);
  assert.throws(() => parseAllInOneArgs(["--port"]), SyntaxError);
  assert.throws(() => parseAllInOneArgs(["--bogus"]), SyntaxError);
});

Deno.test("agent: the Ruby client's packet replayed over UDP is drawn as its two traces", async () => {
  const packet = await Deno.readFile(new URL("packet-0.bin", FIXTURE));
  const json = JSON.parse(await Deno.readTextFile(new URL("packet-0.json", FIXTURE))) as {
    process: { serviceName: string };
    spans: FixtureSpan[];
  };
  const out = collect();
  const agent = await startLocalAgent({ port: 0, write: out.write, pollMs: 10_000 });
  try {
    // The malformed packet first: datagrams on the loopback arrive in order, so it has been
    // counted by the time the spans are in.
    await sendUdp(agent.port, [new Uint8Array([0x82, 0x81, 0x00, 0x09, 1, 2, 3]), packet]);
    await agent.waitForSpans(json.spans.length);
    // Far enough ahead that every trace whose root arrived is complete: no timing involved.
    agent.poll(performance.now() + 60_000);
  } finally {
    await agent.close();
  }
  const output = out.text();
  assert.deepEqual(agent.counts(), { packets: 2, spans: 4, malformed: 1, traces: 2 });
  assert.match(output, /^malformed jaeger\.compact: Cannot decode emitBatch/m);

  const blocks = output.split(/\n(?=trace [0-9a-f]{32})/).filter((b) => b.startsWith("trace "));
  assert.equal(blocks.length, 2);
  const traceIds = [...new Set(json.spans.map((s) => s.traceIdHigh + s.traceIdLow))];
  for (const traceId of traceIds) {
    const block = blocks.find((b) => b.startsWith(`trace ${traceId}`));
    assert.ok(block !== undefined, `trace ${traceId} drawn`);
    const spans = json.spans.filter((s) => s.traceIdHigh + s.traceIdLow === traceId);
    assert.match(block, new RegExp(`^trace ${traceId}  ${json.process.serviceName}  2 spans`));
    const root = spans.find((s) => /^0+$/.test(s.parentSpanId))!;
    const child = spans.find((s) => s !== root)!;
    assert.equal(child.parentSpanId, root.spanId);
    const lines = block.split("\n");
    const rootLine = lines.findIndex((l) => l.startsWith(`  ${root.operationName} `));
    const childLine = lines.findIndex((l) => l.startsWith(`    ${child.operationName} `));
    assert.ok(rootLine > 0 && childLine > rootLine, block);
    // The root's duration in ms, its ok tag as status, its status code tag.
    const ms = (Number(root.duration) / 1000).toFixed(3);
    assert.match(lines[rootLine]!, new RegExp(` ${ms.replace(".", "\\.")}ms ok$`));
    const code = root.tags.find((t) => t.key === "http.status_code")!.value;
    assert.ok(block.includes(`http.status_code=${code}`));
    // The child's log: event "cache miss" with key=k1.
    const fields = child.logs[0]!.fields;
    assert.ok(block.includes(`"${fields[0]!.value}" ${fields[1]!.key}=${fields[1]!.value}`));
    assert.match(block, /packets 2 · spans 4 · malformed 1 · traces [12]/);
  }
});

const rubyPeer = new URL("ruby_peer.rb", import.meta.url).pathname;
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
    `agent_test: skipping the live Ruby peer (${rubyMissing}); ` +
      "apt-get install ruby-jaeger-client to run it. The captured Ruby packet is tested above.",
  );
}

Deno.test({
  name: "agent: Debian's ruby-jaeger-client, live, sends two traces that are drawn",
  ignore: rubyMissing !== undefined,
  fn: async () => {
    const out = collect();
    const agent = await startLocalAgent({ port: 0, write: out.write, pollMs: 10_000 });
    try {
      const ruby = await new Deno.Command("ruby", {
        args: [rubyPeer, String(agent.port)],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(ruby.success, new TextDecoder().decode(ruby.stderr));
      await agent.waitForSpans(4);
      agent.poll(performance.now() + 60_000);
    } finally {
      await agent.close();
    }
    const output = out.text();
    assert.equal(agent.counts().malformed, 0);
    assert.equal(agent.counts().traces, 2);
    assert.deepEqual(agent.aio.store.services(), ["ruby-peer"]);
    const blocks = output.split(/\n(?=trace [0-9a-f]{32})/).filter((b) => b.startsWith("trace "));
    assert.equal(blocks.length, 2);
    for (const block of blocks) {
      assert.match(block, /^trace [0-9a-f]{32} {2}ruby-peer {2}2 spans/);
      assert.match(block, /\n {2}GET \/api\/v2\/query +█/);
      assert.match(block, /\n {4}child-[01] +█/);
      assert.match(block, /"cache miss" key=k[01]/);
      assert.match(block, /http\.status_code=200/);
    }
  },
});

Deno.test("agent: `deno task agent` prints a trace as it completes and stops cleanly on SIGINT", {
  ignore: Deno.build.os === "windows",
}, async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../examples/agent.ts", import.meta.url).pathname,
      "--port=0",
      "--binary-port=0",
      "--otlp-port=0",
      "--ui-port=0",
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let output = "";
  const readUntil = async (pattern: RegExp): Promise<RegExpMatchArray> => {
    for (;;) {
      const match = output.match(pattern);
      if (match !== null) return match;
      const { value, done } = await reader.read();
      if (done) throw new Error(`agent output ended before ${pattern}:\n${output}`);
      output += decoder.decode(value, { stream: true });
    }
  };
  // A guard, not a timing assertion: should the agent never print what is awaited, kill it so
  // that the test fails with the output so far instead of hanging.
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    const [, port] = await readUntil(/^listening: jaeger\.compact udp:\/\/127\.0\.0\.1:(\d+)$/m);
    const [, ui] = await readUntil(/^listening: ui (http:\/\/127\.0\.0\.1:\d+)$/m);
    assert.match(output, /^listening: jaeger\.binary udp:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(output, /^listening: otlp http:\/\/127\.0\.0\.1:\d+$/m);
    const packet = await Deno.readFile(new URL("packet-0.bin", FIXTURE));
    await sendUdp(Number(port), [packet]);
    // Both traces have their root: the agent draws them by itself once they go quiet.
    await readUntil(/traces 2 · dropped 0\n/);
    const services = await (await fetch(`${ui}/api/services`)).json();
    assert.deepEqual(services.data, ["ruby-peer"]);
    child.kill("SIGINT");
    await readUntil(/Stopped\. packets 1 · spans 4 · malformed 0 · traces 2 · dropped 0\n/);
  } finally {
    clearTimeout(guard);
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    const stderr = new Response(child.stderr);
    const status = await child.status;
    const errors = await stderr.text();
    assert.equal(status.code, 0, `${output}\n${errors}`);
  }
  assert.match(output, /^trace 0000000000000000b64dbbb2e948d7db {2}ruby-peer {2}2 spans/m);
  assert.match(output, /^trace 000000000000000006c064726d863a1c {2}ruby-peer {2}2 spans/m);
  assert.ok(!output.includes("\x1b["), "no colour: not a terminal, NO_COLOR set");
  for (const line of output.split("\n")) {
    assert.ok([...line].length <= 80, `${[...line].length} columns: ${line}`);
  }
});
