// The all-in-one under Node, as `npx spanwire-allinone` runs it: the package's bin starts, prints
// one `listening: <name> <url>` line a listener, stores what a Jaeger client sent (the Ruby
// client's captured packet, replayed over UDP), answers Jaeger's query API and serves the UI,
// and stops cleanly on SIGINT.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import dgram from "node:dgram";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const repo = process.env.SPANWIRE_REPO;
const packet = readFileSync(
  join(repo, "tests", "fixtures", "jaeger-compact", "ruby-jaeger-client", "packet-0.bin"),
);

test("spanwire-allinone (the package's bin) under Node", async () => {
  const bin = join(process.cwd(), "node_modules", ".bin", "spanwire-allinone");
  const child = spawn(bin, [
    "--compact-port=0",
    "--binary-port=0",
    "--otlp-port=0",
    "--ui-port=0",
  ], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    const until = async (re) => {
      for (let i = 0; i < 1000; i++) {
        const m = out.match(re);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no ${re} in:\n${out}\n${err}`);
    };
    const [, compact] = await until(/^listening: jaeger\.compact udp:\/\/127\.0\.0\.1:(\d+)$/m);
    await until(/^listening: jaeger\.binary udp:\/\/127\.0\.0\.1:\d+$/m);
    await until(/^listening: otlp http:\/\/127\.0\.0\.1:\d+$/m);
    const [, ui] = await until(/^listening: ui (http:\/\/127\.0\.0\.1:\d+)$/m);
    const socket = dgram.createSocket("udp4");
    await new Promise((resolve, reject) =>
      socket.send(packet, Number(compact), "127.0.0.1", (e) => (e ? reject(e) : resolve()))
    );
    socket.close();
    let services = [];
    for (let i = 0; i < 500 && services.length === 0; i++) {
      services = (await (await fetch(`${ui}/api/services`)).json()).data;
      if (services.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(services, ["ruby-peer"]);
    const traces = (await (await fetch(`${ui}/api/traces?service=ruby-peer`)).json()).data;
    assert.equal(traces.length, 2);
    assert.equal(traces[0].spans.length, 2);
    const page = await fetch(`${ui}/search`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script src="\/static\/app\.js">/);
    await until(/traces 2 · dropped 0\n/);
    child.kill("SIGINT");
    assert.equal(await exited, 0, err);
    assert.match(out, /Stopped\. packets 1 · spans 4 · malformed 0 · traces 2 · dropped 0\n/);
  } finally {
    clearTimeout(guard);
    child.kill("SIGKILL");
  }
});
