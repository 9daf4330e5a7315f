// Requests per second of a small Deno.serve app with and without traceLayer, side by side in
// one run, driven by wrk (every request carries a sampled uber-trace-id, so every traced
// request makes, records and exports a server span to a RingBufferTraceCollector).
//
// Usage: deno run -A scripts/http_bench.ts [--duration 5] [--rounds 3] [--connections 32]
// Needs `wrk` on PATH (Debian: apt-get install -y wrk); without it the script says so and
// exits 0.

import { traceLayer } from "../http/mod.ts";
import { RingBufferTraceCollector } from "../trace/mod.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(Deno.args[i + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const duration = arg("duration", 5);
const rounds = arg("rounds", 3);
const connections = arg("connections", 32);

async function hasWrk(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("wrk", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return success || true;
  } catch {
    return false;
  }
}

if (!(await hasWrk())) {
  console.log("http_bench: skipped: `wrk` is not installed (Debian: apt-get install -y wrk)");
  Deno.exit(0);
}

// The app: a small JSON answer, as an API server gives.
const payload = JSON.stringify({ status: "ok", rows: 12345, partition: "partition-42" });
const app = (_request: Request): Response =>
  new Response(payload, { headers: { "content-type": "application/json" } });

const collector = new RingBufferTraceCollector(1024);
const plain = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(): void {} }, app);
const traced = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen(): void {} },
  traceLayer(app, { collector, name: "GET /api/v2/query" }),
);

const header = "uber-trace-id: 4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1";

async function wrk(port: number, seconds: number): Promise<number> {
  const { stdout, success } = await new Deno.Command("wrk", {
    args: [
      "-t1",
      `-c${connections}`,
      `-d${seconds}s`,
      "-H",
      header,
      `http://127.0.0.1:${port}/api/v2/query?org=26f7e5a4b7be365b&q=1`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout);
  const match = /Requests\/sec:\s+([\d.]+)/.exec(text);
  if (!success || match === null) throw new Error(`wrk failed:\n${text}`);
  if (/Non-2xx|Socket errors/.test(text)) console.warn(text);
  return Number(match[1]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// Warm both up (JIT, connection set-up), then alternate so that noise hits both alike.
await wrk(plain.addr.port, 2);
await wrk(traced.addr.port, 2);
const without: number[] = [];
const withTracing: number[] = [];
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ["plain", "traced"] : ["traced", "plain"];
  for (const which of order) {
    const rps = await wrk(which === "plain" ? plain.addr.port : traced.addr.port, duration);
    (which === "plain" ? without : withTracing).push(rps);
    console.log(`round ${round + 1}: ${which.padEnd(6)} ${rps.toFixed(0)} req/s`);
  }
}
await plain.shutdown();
await traced.shutdown();

const a = median(without);
const b = median(withTracing);
const cost = (1 - b / a) * 100;
console.log(`\nDeno.serve, wrk -t1 -c${connections}, ${rounds} rounds of ${duration}s (median):`);
console.log(`  without traceLayer: ${a.toFixed(0)} req/s`);
console.log(`  with traceLayer:    ${b.toFixed(0)} req/s (every request sampled and exported)`);
console.log(
  `  ratio traced/plain: ${(b / a).toFixed(3)} (tracing costs ${
    cost.toFixed(1)
  }% of throughput; goal < 5%)`,
);
console.log(`  spans recorded: ${collector.size} kept of the last ${collector.capacity}`);
