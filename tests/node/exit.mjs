// deno-lint-ignore-file explicit-function-return-type
// Nothing lost at exit, under Node over the npm build: child processes export spans through
// tracingFromEnv to a MockJaegerAgent (a real decoder counting spans), then end: the script
// returns without shutdown() (beforeExit drains); a node:http server is stopped by SIGTERM
// (with and without its own handler); process.exit() mid-flight (the UDP sink sends the rest
// synchronously, so nothing is lost; under Deno the loss is counted and said, see the twin). Twin of
// tests/exporters/exit_test.ts (Deno).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exitChildSource } from "./_exit_child.mjs";

const { MockJaegerAgent } = await import("spanwire/exporters/jaeger/testing");

async function childFile(name) {
  // In the consumer project, so that `spanwire` resolves from it.
  const file = join(process.cwd(), `_exit_child_${process.pid}_${name}.mjs`);
  await writeFile(file, exitChildSource("spanwire/exporters", "spanwire/trace"));
  return file;
}

function run(file, args, onStdout) {
  const child = spawn(process.execPath, [file, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => {
    out += d;
    onStdout?.(out, child);
  });
  child.stderr.on("data", (d) => (err += d));
  const done = new Promise((resolve) =>
    child.on(
      "close",
      (code, signal) => resolve({ code, signal, out, err: () => err, all: () => out }),
    )
  );
  return { child, done };
}

async function settled(agent, quietMs = 300) {
  let last = -1;
  while (agent.spans.length !== last) {
    last = agent.spans.length;
    await new Promise((r) => setTimeout(r, quietMs));
  }
  return last;
}

test("exit: a script that returns without shutdown() delivers all 5,000 spans", async () => {
  const agent = await MockJaegerAgent.start();
  const file = await childFile("return");
  try {
    const { done } = run(file, ["return", String(agent.port), "5000"]);
    const r = await done;
    assert.equal(r.code, 0, r.err());
    await agent.waitForSpans(5000);
    assert.equal(await settled(agent), 5000);
  } finally {
    await agent.close();
    await rm(file);
  }
});

for (const appHandler of [false, true]) {
  test(`exit: node:http server stopped by SIGTERM ${appHandler ? "(the app handles it)" : "(no handler)"}: 200 of 200`, async () => {
    const agent = await MockJaegerAgent.start();
    const file = await childFile(appHandler ? "app" : "server");
    try {
      let port;
      let resolveListening;
      const listening = new Promise((resolve) => (resolveListening = resolve));
      const { child, done } = run(
        file,
        [appHandler ? "server-app-handler" : "server", String(agent.port)],
        (out) => {
          const m = /listening (\d+)/.exec(out);
          if (m && port === undefined) {
            port = Number(m[1]);
            resolveListening();
          }
        },
      );
      await listening;
      for (let i = 0; i < 200; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        assert.equal(await res.text(), "ok");
      }
      child.kill("SIGTERM");
      const r = await done;
      if (appHandler) {
        assert.equal(r.code, 0, r.err());
        assert.match(r.all(), /app handled SIGTERM/);
      } else {
        assert.equal(r.signal, "SIGTERM", `${r.code} ${r.err()}`);
      }
      assert.equal(await settled(agent), 200);
    } finally {
      await agent.close();
      await rm(file);
    }
  });
}

test("exit: process.exit() mid-flight: sent + counted on stderr = all spans, said once", async () => {
  const agent = await MockJaegerAgent.start();
  const file = await childFile("exit");
  try {
    const { done } = run(file, ["exit", String(agent.port), "5000"]);
    const r = await done;
    assert.equal(r.code, 0);
    const said = [...r.err().matchAll(/exited with (\d+) span\(s\) not yet sent/g)];
    const received = await settled(agent);
    // Node's UDP sink hands the rest to the kernel synchronously: nothing is lost.
    assert.equal(said.length, 0, r.err());
    assert.equal(received, 5000, r.err());
  } finally {
    await agent.close();
    await rm(file);
  }
});
