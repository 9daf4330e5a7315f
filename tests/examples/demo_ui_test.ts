// `deno task demo --ui`: the demo's spans go to an embedded all-in-one that keeps running; every
// `/trace/<traceID>` link it prints answers in its query API with that trace, and SIGINT stops it.

import assert from "node:assert/strict";

Deno.test("demo --ui: the printed trace links work in the embedded all-in-one", {
  ignore: Deno.build.os === "windows",
}, async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../examples/demo.ts", import.meta.url).pathname,
      "--ui",
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
      if (done) throw new Error(`demo output ended before ${pattern}:\n${output}`);
      output += decoder.decode(value, { stream: true });
    }
  };
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    const [, ui] = await readUntil(/^listening: ui (http:\/\/127\.0\.0\.1:\d+)$/m);
    await readUntil(/keeps running:\n {2}(\S+)\/search\nCtrl-C to stop\.\n/);
    assert.match(output, /received (\d+) of \1 spans \(0 malformed\)/);
    const links = [...output.matchAll(/ (http:\/\/\S+)\/trace\/([0-9a-f]{32})$/gm)];
    assert.equal(links.length, 4, output);
    for (const [, base, traceId] of links) {
      assert.equal(base, ui);
      const page = await fetch(`${base}/trace/${traceId}`);
      assert.equal(page.status, 200);
      await page.body?.cancel();
      const body = await (await fetch(`${base}/api/traces/${traceId}`)).json();
      assert.equal(body.data[0].traceID, traceId);
      assert.ok(body.data[0].spans.length >= 2);
    }
    const services = await (await fetch(`${ui}/api/services`)).json();
    assert.deepEqual(services.data, ["iox-conductor"]);
    child.kill("SIGINT");
    await readUntil(/Stopped\.\n/);
  } finally {
    clearTimeout(guard);
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    const stderr = await new Response(child.stderr).text();
    const status = await child.status;
    assert.equal(status.code, 0, `${output}\n${stderr}`);
  }
});
