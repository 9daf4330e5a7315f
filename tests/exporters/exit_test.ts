// Nothing lost at exit: real Deno child processes export spans through tracingFromEnv to a
// MockJaegerAgent (a real decoder counting spans), then end in each way a process ends: the
// script returns without shutdown(); a Deno.serve server is stopped by SIGTERM (with and
// without its own handler); process.exit() cuts the queue (the loss is counted and said once on
// stderr). The Node twin is tests/node/exit.mjs.

import assert from "node:assert/strict";
import { MockJaegerAgent } from "../../exporters/jaeger/testing.ts";
// @ts-types="../node/_exit_child.d.ts"
import { exitChildSource } from "../node/_exit_child.mjs";

const exportersUrl = new URL("../../exporters/mod.ts", import.meta.url).href;
const traceUrl = new URL("../../trace/mod.ts", import.meta.url).href;

async function childFile(): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".mjs" });
  await Deno.writeTextFile(file, exitChildSource(exportersUrl, traceUrl));
  return file;
}

function spawn(file: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", file, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}

/** Waits until the agent has seen no new span for `quietMs`. */
async function settled(agent: MockJaegerAgent, quietMs = 300): Promise<number> {
  let last = -1;
  while (agent.spans.length !== last) {
    last = agent.spans.length;
    await new Promise((r) => setTimeout(r, quietMs));
  }
  return last;
}

Deno.test("exit: a script that returns without shutdown() delivers all 5,000 spans", async () => {
  const agent = await MockJaegerAgent.start();
  const file = await childFile();
  try {
    const child = spawn(file, ["return", String(agent.port), "5000"]);
    const [status, , err] = await Promise.all([
      child.status,
      text(child.stdout),
      text(child.stderr),
    ]);
    assert.equal(status.code, 0, err);
    await agent.waitForSpans(5000);
    assert.equal(await settled(agent), 5000);
    assert.equal(new Set(agent.spans.map((s) => s.operationName)).size, 5000);
  } finally {
    await agent.close();
    await Deno.remove(file);
  }
});

for (const appHandler of [false, true]) {
  Deno.test(`exit: Deno.serve stopped by SIGTERM ${appHandler ? "(the app handles it)" : "(no handler)"}: 200 of 200 server spans`, async () => {
    const agent = await MockJaegerAgent.start();
    const file = await childFile();
    try {
      const child = spawn(file, [appHandler ? "server-app-handler" : "server", String(agent.port)]);
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let out = "";
      while (!/listening \d+/.test(out)) {
        const { value, done } = await reader.read();
        if (done) break;
        out += value;
      }
      const port = Number(/listening (\d+)/.exec(out)![1]);
      for (let i = 0; i < 200; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        assert.equal(await res.text(), "ok");
      }
      child.kill("SIGTERM");
      const rest = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          out += value;
        }
      })();
      const [status, err] = await Promise.all([child.status, text(child.stderr), rest]);
      if (appHandler) {
        assert.equal(status.code, 0, err); // the app ended it its way
        assert.match(out, /app handled SIGTERM/);
      } else {
        assert.equal(status.signal, "SIGTERM", `${JSON.stringify(status)} ${err}`); // as without us
      }
      assert.equal(await settled(agent), 200);
    } finally {
      await agent.close();
      await Deno.remove(file);
    }
  });
}

Deno.test("exit: process.exit() mid-flight: sent + counted on stderr = all spans, said once", async () => {
  const agent = await MockJaegerAgent.start();
  const file = await childFile();
  try {
    const child = spawn(file, ["exit", String(agent.port), "5000"]);
    const [status, , err] = await Promise.all([
      child.status,
      text(child.stdout),
      text(child.stderr),
    ]);
    assert.equal(status.code, 0);
    const said = [...err.matchAll(/exited with (\d+) span\(s\) not yet sent/g)];
    assert.equal(said.length, 1, err);
    const received = await settled(agent);
    assert.equal(received + Number(said[0]![1]), 5000, `${received} received; ${err}`);
  } finally {
    await agent.close();
    await Deno.remove(file);
  }
});
