// examples/node/server.mjs runs under Node against the built package: started as a child
// process with the agent address in IOx's environment variables, it serves a traced request,
// and on SIGTERM drains its spans to a MockJaegerAgent and exits 0.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const { MockJaegerAgent } = await import("spanwire/exporters/jaeger/testing");

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

test("examples/node/server.mjs: a traced request reaches the Jaeger agent", async () => {
  const agent = await MockJaegerAgent.start();
  const script = fileURLToPath(new URL("../../examples/node/server.mjs", import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      PORT: "0",
      TRACES_EXPORTER: "jaeger",
      TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
      TRACES_EXPORTER_JAEGER_AGENT_PORT: String(agent.port),
      TRACES_EXPORTER_JAEGER_SERVICE_NAME: "example-under-test",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    let output = "";
    child.stdout.setEncoding("utf8");
    const url = await new Promise((resolve, reject) => {
      child.stdout.on("data", (text) => {
        output += text;
        const found = /listening on (http:\/\/\S+)/.exec(output);
        if (found) resolve(found[1]);
      });
      child.once("exit", (code) => reject(new Error(`example exited (${code}): ${output}`)));
    });

    const response = await fetch(`${url}/api/v2/query?q=mem`, {
      headers: { "uber-trace-id": `${TRACE}:${SPAN}:0:1` },
    });
    assert.deepEqual(await response.json(), { table: "mem", rows: 3000 });
    assert.equal(response.headers.get("trace-id"), TRACE);
    const missing = await fetch(`${url}/nope`);
    assert.equal(missing.status, 404);
    await missing.text();

    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = await exited;
    assert.equal(code, 0, output);
    assert.match(output, /spans exported: 6, packets: [1-6]\n/);

    const spans = await agent.waitForSpans(6);
    const names = spans.map((s) => s.operationName).sort();
    assert.deepEqual(names, [
      "example-under-test",
      "execute",
      "plan",
      "scan partition 0",
      "scan partition 1",
      "scan partition 2",
    ]);
    const server = spans.find((s) => s.operationName === "example-under-test");
    assert.equal(server.parentSpanId, BigInt(`0x${SPAN}`));
    assert.equal(agent.batches[0].process.serviceName, "example-under-test");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await agent.close();
  }
});
