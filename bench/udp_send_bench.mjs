// Micro-benchmark (one part alone): the process CPU that one 65000-byte UDP datagram costs the
// sender, through `node:dgram` and, under Deno with `--unstable-net`, through Deno's own
// `Deno.listenDatagram` socket. The receiver runs in another process. It shows what the Jaeger
// exporter's UDP sends cost per runtime, including Deno's node:dgram warm-up (its first ~600
// sends of a process cost about 0.5 ms each; bench/_pipeline.mjs warms it before measuring).
//
// Run: deno run -A --unstable-net bench/udp_send_bench.mjs
//      node bench/udp_send_bench.mjs

import dgram from "node:dgram";
import process from "node:process";
import { spawn } from "node:child_process";

const SIZE = 65000;
const PACKETS = 300;
const ROUNDS = Number(process.env.ROUNDS ?? 5);

if (process.argv.includes("--sink")) {
  const rx = dgram.createSocket("udp4");
  rx.on("message", () => {});
  rx.bind(0, "127.0.0.1", () => process.stdout.write(`${rx.address().port}\n`));
  process.stdin.on("data", () => {}).on("end", () => process.exit(0));
} else {
  const isDeno = typeof globalThis.Deno !== "undefined";
  const script = new URL(import.meta.url).pathname;
  const args = isDeno ? ["run", "-A", script, "--sink"] : [script, "--sink"];
  const sink = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise((resolve) => sink.stdout.once("data", (d) => resolve(Number(d))));
  const payload = new Uint8Array(SIZE);

  const node = dgram.createSocket("udp4");
  await new Promise((r) => node.connect(port, "127.0.0.1", r));
  const contenders = {
    "node:dgram send": () => new Promise((r) => node.send(payload, r)),
  };
  if (typeof globalThis.Deno?.listenDatagram === "function") {
    const conn = Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port: 0 });
    const to = { transport: "udp", hostname: "127.0.0.1", port };
    contenders["Deno.DatagramConn send"] = () => conn.send(payload, to);
  }
  const results = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, send] of Object.entries(contenders)) {
      const before = process.cpuUsage();
      for (let i = 0; i < PACKETS; i++) await send();
      const used = process.cpuUsage(before);
      results[name].push((used.user + used.system) / PACKETS);
    }
  }
  const runtime = isDeno ? `Deno ${Deno.version.deno}` : `Node ${process.versions.node}`;
  console.log(
    `UDP send of one ${SIZE}-byte datagram, ${runtime}: sender CPU µs (median of ${ROUNDS})`,
  );
  for (const [name, xs] of Object.entries(results)) {
    const sorted = [...xs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `  ${name.padEnd(24)} ${median.toFixed(1)} (rounds: ${
        xs.map((x) => x.toFixed(0)).join(", ")
      })`,
    );
  }
  node.close();
  sink.stdin.end();
  process.exit(0);
}
