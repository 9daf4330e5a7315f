// JaegerAgentExporter over real UDP on 127.0.0.1: delivery, real send failures (EMSGSIZE from
// the kernel), no agent listening (no crash; refusals counted where the runtime reports them),
// recovery when the agent starts, close(), and that neither its socket nor AsyncExporter's
// timers keep a process alive.

import assert from "node:assert/strict";
import dgram from "node:dgram";
import { JaegerAgentExporter } from "../../../exporters/jaeger/agent_exporter.ts";
import { BatchEncoder } from "../../../exporters/jaeger/batch_encoder.ts";
import { MockJaegerAgent } from "../../../exporters/jaeger/testing.ts";
import { DecodeError } from "../../../exporters/jaeger/decode_error.ts";
import { Span } from "../../../trace/mod.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";

/** A UDP port on 127.0.0.1 that nothing listens on (bound once, then released). */
async function freePort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function packetOf(name: string): Uint8Array {
  return new BatchEncoder({ serviceName: "svc" }).encode([Span.root(name)])[0]!;
}

Deno.test("JaegerAgentExporter: packets reach the agent", async () => {
  const agent = await MockJaegerAgent.start();
  const exporter = new JaegerAgentExporter({ port: agent.port });
  try {
    assert.equal(await exporter.send(packetOf("one")), true);
    assert.equal(await exporter.send(packetOf("two")), true);
    const spans = await agent.waitForSpans(2);
    assert.deepEqual(spans.map((s) => s.operationName), ["one", "two"]);
    const stats = exporter.stats();
    assert.equal(stats.packetsSent, 2);
    assert.equal(stats.packetsFailed, 0);
    assert.equal(stats.bytesSent, agent.packets.reduce((n, p) => n + p.length, 0));
    assert.equal(agent.malformed, 0);
  } finally {
    await exporter.close();
    await agent.close();
  }
});

Deno.test("JaegerAgentExporter: EMSGSIZE is counted and warned about once", async () => {
  const agent = await MockJaegerAgent.start();
  const warnings: string[] = [];
  const exporter = new JaegerAgentExporter({ port: agent.port, warn: (m) => warnings.push(m) });
  try {
    const tooBig = new Uint8Array(70_000); // over the 65507-byte UDP payload limit
    assert.equal(await exporter.send(tooBig), false);
    assert.equal(await exporter.send(tooBig), false);
    assert.equal(exporter.stats().packetsFailed, 2);
    assert.equal(warnings.length, 1, "rate-limited: one warning");
    assert.match(warnings[0]!, /EMSGSIZE/);
    // The socket still works afterwards.
    assert.equal(await exporter.send(packetOf("after")), true);
    assert.equal((await agent.waitForSpans(1))[0]!.operationName, "after");
  } finally {
    await exporter.close();
    await agent.close();
  }
});

Deno.test("JaegerAgentExporter: no agent listening, then the agent starts", async () => {
  const port = await freePort();
  const warnings: string[] = [];
  const exporter = new JaegerAgentExporter({ port, warn: (m) => warnings.push(m) });
  let late = 0;
  exporter.onLateFailure(() => late++);
  let agent: MockJaegerAgent | undefined;
  try {
    // Nobody listens: sending never throws.
    for (let i = 0; i < 3; i++) await exporter.send(packetOf(`lost ${i}`));
    if (!isDeno) {
      // Node reports the ICMP port-unreachable as ECONNREFUSED on the connected socket.
      for (let i = 0; i < 500 && exporter.stats().refused === 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok(exporter.stats().refused > 0, "refusal counted");
      assert.ok(late > 0, "owner told of the lost packet");
      assert.match(warnings[0]!, /ECONNREFUSED/);
    }
    // The agent comes up on that port: sending resumes without any intervention.
    agent = await MockJaegerAgent.start({ port });
    assert.equal(await exporter.send(packetOf("back")), true);
    const spans = await agent.waitForSpans(1);
    assert.deepEqual(spans.map((s) => s.operationName), ["back"]);
  } finally {
    await exporter.close();
    await agent?.close();
  }
});

Deno.test("JaegerAgentExporter: after close(), sends fail (counted), never throw", async () => {
  const exporter = new JaegerAgentExporter({ port: await freePort(), warn: () => {} });
  await exporter.send(packetOf("x"));
  await exporter.close();
  assert.equal(await exporter.send(packetOf("y")), false);
  assert.equal(exporter.stats().packetsFailed, 1);
  await exporter.close(); // twice is fine
});

Deno.test("JaegerAgentExporter: options are checked", () => {
  assert.throws(() => new JaegerAgentExporter({ port: 0 }), RangeError);
  assert.throws(() => new JaegerAgentExporter({ port: 70000 }), RangeError);
  const e = new JaegerAgentExporter();
  assert.equal(e.host, "127.0.0.1");
  assert.equal(e.port, 6831);
});

/** Runs a TypeScript program in a child Deno; a safety net kills it if it hangs. */
async function runChild(
  program: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", program],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const guard = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, 60_000);
  const out = await child.output();
  clearTimeout(guard);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(killed, false, `the process was kept alive: ${stderr}`);
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout).trim(), stderr };
}

function imports(): string {
  const mod = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
  return `
    import { AsyncExporter } from ${mod("../../../exporters/async_exporter.ts")};
    import { BatchEncoder } from ${mod("../../../exporters/jaeger/batch_encoder.ts")};
    import { JaegerAgentExporter } from ${mod("../../../exporters/jaeger/agent_exporter.ts")};
    import { Span } from ${mod("../../../trace/mod.ts")};
  `;
}

Deno.test("the exporter's socket and timers do not keep a process alive", async () => {
  if (!isDeno) return; // the child process is a Deno one
  const port = await freePort();
  // Sends through the whole pipeline, leaves a span queued behind a long flush timer, and
  // never closes anything: the program must still end by itself.
  const { code, stdout, stderr } = await runChild(`${imports()}
    const sink = new JaegerAgentExporter({ port: ${port}, warn: () => {} });
    await sink.send(new BatchEncoder({ serviceName: "svc" }).encode([Span.root("a")])[0]);
    const exporter = new AsyncExporter({
      packer: new BatchEncoder({ serviceName: "svc" }), sink, flushIntervalMs: 3_600_000,
    });
    exporter.export(Span.root("queued"));
    console.log("done");
  `);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "done");
});

Deno.test("MockJaegerAgent: malformed packets are counted, the last DecodeError kept", async () => {
  const agent = await MockJaegerAgent.start();
  const exporter = new JaegerAgentExporter({ port: agent.port });
  try {
    const good = packetOf("good");
    await exporter.send(good.subarray(0, good.length - 3)); // truncated
    await exporter.send(new Uint8Array([0x82, 0x21, 0x00, 0x05])); // wrong message type
    await exporter.send(good);
    await agent.waitForSpans(1);
    // Datagrams arrive in order on loopback: the good one came last.
    assert.equal(agent.packets.length, 3);
    assert.equal(agent.malformed, 2);
    assert.ok(agent.lastError instanceof DecodeError);
    assert.equal(typeof (agent.lastError as DecodeError).offset, "number");
    assert.equal(agent.batches.length, 1);
  } finally {
    await exporter.close();
    await agent.close();
  }
});

Deno.test("MockJaegerAgent: waitForSpans rejects on timeout and on close", async () => {
  const agent = await MockJaegerAgent.start();
  await assert.rejects(agent.waitForSpans(1, 20), /0 of 1 spans arrived/);
  const pending = assert.rejects(agent.waitForSpans(5), /closed/);
  await agent.close();
  await pending;
  await assert.rejects(agent.waitForSpans(1), /closed/);
});

Deno.test("JaegerAgentExporter: a host that does not resolve is named, with the error", async () => {
  // `.invalid` never resolves (RFC 6761). The failed connect used to be taken for a success,
  // and the send then failed as ERR_SOCKET_BAD_PORT, naming neither the host nor the cause.
  const warnings: string[] = [];
  const exporter = new JaegerAgentExporter({
    host: "nosuchhost.invalid",
    warn: (m) => warnings.push(m),
  });
  try {
    assert.equal(await exporter.send(packetOf("lost")), false);
    assert.equal(exporter.stats().packetsFailed, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /"nosuchhost\.invalid"/);
    assert.match(warnings[0]!, /ENOTFOUND|EAI_|getaddrinfo|not known|resolve/i);
    assert.doesNotMatch(warnings[0]!, /ERR_SOCKET_BAD_PORT/);
  } finally {
    await exporter.close();
  }
});
