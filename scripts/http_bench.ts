// Requests per second of a small Deno.serve app with and without traceLayer, side by side in
// one run, driven by wrk (every request carries a sampled uber-trace-id, so every traced
// request makes, records and exports a server span; then the same with an unsampled context,
// and with no context header at all). The implicit context is on (`./context` imported:
// AsyncLocalStorage), so every request with a context runs its handler inside the server
// span's frame, as a service using currentSpanContext() runs it.
//
// Where the spans go (--collector): `ring` (the default) keeps the last 1,024 in a
// RingBufferTraceCollector in the server's process; `jaeger` and `otlp` export them through
// tracingFromEnv (Jaeger over UDP, OTLP/protobuf over HTTP) to the benchmarks' receiver, a process
// of its own (bench/_pipeline_sink.mjs), as a service exports them. The server CPU per request is
// the server process's alone.
//
// Usage: deno run -A scripts/http_bench.ts [--duration 5] [--rounds 3] [--connections 32]
//          [--collector ring|jaeger|otlp]
// Needs `wrk` on PATH (Debian: apt-get install -y wrk); without it the script says so and
// exits 0.

import "../context/mod.ts";
import { tracingFromEnv } from "../exporters/mod.ts";
import { traceLayer } from "../http/mod.ts";
import { RingBufferTraceCollector, type TraceCollector } from "../trace/mod.ts";
// @ts-types="../bench/_pipeline.d.ts"
import { jaegerConfig, otlpConfig } from "../bench/_pipeline.mjs";
import { startSink } from "../bench/_sink_process.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(Deno.args[i + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const duration = arg("duration", 5);
const rounds = arg("rounds", 3);
const connections = arg("connections", 32);
const collectorIndex = Deno.args.indexOf("--collector");
const collectorKind = collectorIndex >= 0 ? Deno.args[collectorIndex + 1] : "ring";
if (collectorKind !== "ring" && collectorKind !== "jaeger" && collectorKind !== "otlp") {
  console.error(`http_bench: --collector ${collectorKind} is not ring, jaeger or otlp`);
  Deno.exit(2);
}

async function hasWrk(): Promise<boolean> {
  try {
    // `wrk --version` exits non-zero; that it runs at all is what counts.
    await new Deno.Command("wrk", { args: ["--version"], stdout: "null", stderr: "null" }).output();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
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

// What any middleware that reads one request header and sets one response header costs
// under Deno.serve, tracing or not (traceLayer must do both: read the context, answer with
// `trace-id`): the floor under which no trace layer can go.
const floorApp = (request: Request): Response => {
  request.headers.get("uber-trace-id");
  const response = app(request);
  response.headers.set("trace-id", "4bf92f3577b34da6a3ce929d0e0e4736");
  return response;
};

const ring = new RingBufferTraceCollector(1024);
const sink = collectorKind === "ring" ? undefined : await startSink();
const config = sink === undefined
  ? undefined
  : collectorKind === "jaeger"
  ? jaegerConfig(sink.ports, "js")
  : otlpConfig(sink.ports);
const tracing = config === undefined ? undefined : tracingFromEnv(config.env, config.options);
if (config !== undefined && tracing === undefined) {
  throw new Error("tracingFromEnv made no exporter");
}
const collector: TraceCollector = tracing?.collector ?? ring;
const listen = { hostname: "127.0.0.1", port: 0, onListen(): void {} };
const servers = {
  plain: Deno.serve(listen, app),
  floor: Deno.serve(listen, floorApp),
  traced: Deno.serve(listen, traceLayer(app, { collector, name: "GET /api/v2/query" })),
};

const SAMPLED = "uber-trace-id: 4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1";
const UNSAMPLED = "uber-trace-id: 4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:0";

/** This process's CPU time in microseconds (user + system), where Linux tells it. */
function cpuMicros(): number | undefined {
  try {
    const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10_000; // clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

interface Sample {
  rps: number;
  /** Server CPU time per request in microseconds (Linux only). */
  cpu: number | undefined;
}

async function wrk(port: number, seconds: number, header: string | undefined): Promise<Sample> {
  const cpu0 = cpuMicros();
  const { stdout, success } = await new Deno.Command("wrk", {
    args: [
      "-t1",
      `-c${connections}`,
      `-d${seconds}s`,
      ...(header === undefined ? [] : ["-H", header]),
      `http://127.0.0.1:${port}/api/v2/query?org=26f7e5a4b7be365b&q=1`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const cpu1 = cpuMicros();
  const text = new TextDecoder().decode(stdout);
  const match = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const count = /(\d+) requests in/.exec(text);
  if (!success || match === null || count === null) throw new Error(`wrk failed:\n${text}`);
  if (/Non-2xx|Socket errors/.test(text)) console.warn(text);
  const cpu = cpu0 === undefined || cpu1 === undefined
    ? undefined
    : (cpu1 - cpu0) / Number(count[1]);
  return { rps: Number(match[1]), cpu };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

type Run = "plain" | "floor" | "sampled" | "unsampled" | "none";
const runs: Record<Run, () => Promise<Sample>> = {
  plain: () => wrk(servers.plain.addr.port, duration, SAMPLED),
  floor: () => wrk(servers.floor.addr.port, duration, SAMPLED),
  sampled: () => wrk(servers.traced.addr.port, duration, SAMPLED),
  unsampled: () => wrk(servers.traced.addr.port, duration, UNSAMPLED),
  none: () => wrk(servers.traced.addr.port, duration, undefined),
};

// Warm up (JIT, connections), then rotate the order every round so that drifts in the
// machine's speed hit every configuration alike.
await wrk(servers.plain.addr.port, 2, SAMPLED);
await wrk(servers.traced.addr.port, 2, SAMPLED);
const results: Record<Run, Sample[]> = {
  plain: [],
  floor: [],
  sampled: [],
  unsampled: [],
  none: [],
};
const order: Run[] = ["plain", "floor", "sampled", "unsampled", "none"];
for (let round = 0; round < rounds; round++) {
  const shift = round % order.length;
  const rotated = [...order.slice(shift), ...order.slice(0, shift)];
  for (const which of rotated) {
    const sample = await runs[which]();
    results[which].push(sample);
    console.log(
      `round ${round + 1}: ${which.padEnd(9)} ${sample.rps.toFixed(0)} req/s${
        sample.cpu === undefined ? "" : `, ${sample.cpu.toFixed(2)} us CPU/request`
      }`,
    );
  }
}
for (const server of Object.values(servers)) await server.shutdown();

// The machine's speed drifts (a shared 2-core host): each configuration is compared with the
// plain app of the same round, and the medians of those per-round comparisons are reported.
const rps = (run: Run): number => median(results[run].map((r) => r.rps));
const ratio = (run: Run): number =>
  median(results[run].map((r, i) => r.rps / results.plain[i]!.rps));
const cpu = (run: Run): number | undefined =>
  results[run][0]?.cpu === undefined ? undefined : median(results[run].map((r) => r.cpu!));
const cpuDelta = (run: Run): number | undefined =>
  results[run][0]?.cpu === undefined
    ? undefined
    : median(results[run].map((r, i) => r.cpu! - results.plain[i]!.cpu!));
const line = (label: string, run: Run): string => {
  const q = ratio(run);
  const c = cpu(run);
  const d = cpuDelta(run);
  const cpuText = c === undefined || d === undefined
    ? ""
    : `  | ${c.toFixed(2)} us CPU/request (${d < 0 ? "" : "+"}${d.toFixed(2)})`;
  return `  ${label.padEnd(34)} ${rps(run).toFixed(0).padStart(7)} req/s  ratio ${
    q.toFixed(3)
  }  cost ${((1 - q) * 100).toFixed(1).padStart(5)}%${cpuText}`;
};
console.log(
  `\nDeno.serve, wrk -t1 -c${connections}, ${rounds} rounds of ${duration}s, medians ` +
    "(ratio and added CPU: per round against the plain app, then the median):",
);
console.log(line("without traceLayer", "plain"));
console.log(line("floor: read 1 header, set 1 header", "floor"));
console.log(line("traceLayer, every request sampled", "sampled"));
console.log(line("traceLayer, unsampled context", "unsampled"));
console.log(line("traceLayer, no context header", "none"));
if (tracing !== undefined) await tracing.collector.drain();
const where = tracing === undefined
  ? `spans kept: ${ring.size} (ring buffer)`
  : `spans exported (${collectorKind}): ${JSON.stringify(tracing.collector.stats())}`;
console.log(`  (goals: sampled >= 0.8 of plain, unsampled >= 0.9; ${where})`);
await tracing?.shutdown();
await sink?.stop();
