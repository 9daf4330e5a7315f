// deno-lint-ignore-file explicit-function-return-type explicit-module-boundary-types
// The OpenTelemetry pipeline benchmark, shared by its Deno runner (bench/otel_bench.ts) and its
// Node runner (bench/otel_bench_node.mjs): the standard span of the design notes recorded with
// the very same @opentelemetry/api calls by each contender's tracer, through the whole pipeline
// to a sink in another process, measured as process CPU (process.cpuUsage(), all threads) per
// span, contenders interleaved round by round in one run.
//
// A contender is { name, tracer, parents, flush, record? }: `tracer` is an API Tracer, `parents`
// a list of API contexts (incoming requests, extracted ahead of time by the contender's own
// propagator), `flush()` resolves when everything recorded so far has left the process. A
// reference row that records the same span without the API gives `record(parent, n)` instead.

import { spawn } from "node:child_process";

const OPERATION = "GET /api/v2/query";

/** The standard span through the OpenTelemetry API (design notes), number `n`. */
export function recordStandardSpan(api, tracer, parent, n) {
  const span = tracer.startSpan(OPERATION, undefined, parent);
  span.setAttribute("http.method", "GET");
  span.setAttribute(
    "http.target",
    `/api/v2/query?org=26f7e5a4b7be365b&bucket=917b97a92e883afc&q=${n}`,
  );
  span.setAttribute("http.status_code", 200);
  span.setAttribute("component", "trace_http");
  span.setAttribute("cached", true);
  span.setAttribute("ratio", 0.25);
  span.setAttribute("db.rows", 12345);
  span.setAttribute("peer.address", `127.0.0.1:${40000 + (n % 20000)}`);
  span.addEvent("cache miss", { key: "partition-42" });
  span.setStatus({ code: api.SpanStatusCode.OK });
  span.end();
}

/**
 * The same span with spanwire's own API (a SpanRecorder), the reference row: `trace` is the
 * `spanwire/trace` module, `parent` a spanwire SpanContext exporting to the pipeline.
 */
export function recordStandardSpanNative(trace, parent, n) {
  const r = new trace.SpanRecorder(parent.child(OPERATION));
  r.setMetadata("http.method", "GET")
    .setMetadata("http.target", `/api/v2/query?org=26f7e5a4b7be365b&bucket=917b97a92e883afc&q=${n}`)
    .setMetadata("http.status_code", 200)
    .setMetadata("component", "trace_http")
    .setMetadata("cached", true)
    .setMetadata("ratio", 0.25)
    .setMetadata("db.rows", 12345)
    .setMetadata("peer.address", `127.0.0.1:${40000 + (n % 20000)}`)
    .event("cache miss", { key: "partition-42" })
    .ok();
  r.finish();
}

/** `count` spanwire root contexts with random ids exporting to `collector` (native parents). */
export function nativeParents(trace, collector, count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(
      new trace.SpanContext({
        traceId: trace.TraceId.random(),
        spanId: trace.SpanId.random(),
        collector,
      }),
    );
  }
  return out;
}

/** `count` incoming W3C contexts with random ids, extracted by `propagator`. */
export function incomingContexts(api, propagator, count) {
  const hex = (digits) => {
    let s = "";
    while (s.length < digits) {
      s += Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, "0");
    }
    return s.slice(0, digits);
  };
  const out = [];
  for (let i = 0; i < count; i++) {
    const headers = { traceparent: `00-${hex(32)}-${hex(16)}-01` };
    out.push(propagator.extract(api.ROOT_CONTEXT, headers, api.defaultTextMapGetter));
  }
  return out;
}

// The sinks run in a child Node process, so that receiving costs nothing in the measured one.
const SINK_SCRIPT = `
const dgram = require("node:dgram");
const http = require("node:http");
let udpBytes = 0, httpBytes = 0;
const udp = dgram.createSocket("udp4");
udp.on("message", (m) => { udpBytes += m.length; });
udp.bind(0, "127.0.0.1", () => {
  try { udp.setRecvBufferSize(8 * 1024 * 1024); } catch {}
  const server = http.createServer((req, res) => {
    req.on("data", (c) => { httpBytes += c.length; });
    req.on("end", () => { res.writeHead(200, { "content-type": "application/x-protobuf" }); res.end(); });
  });
  server.keepAliveTimeout = 60000;
  server.listen(0, "127.0.0.1", () => {
    process.stdout.write(JSON.stringify({ udp: udp.address().port, http: server.address().port }) + "\\n");
  });
});
process.stdin.on("data", () => process.stdout.write(JSON.stringify({ udpBytes, httpBytes }) + "\\n"));
process.stdin.on("end", () => process.exit(0));
`;

/** Starts the sink process; resolves with its ports, a byte-count query and a stop function. */
export async function startSinks(node = "node") {
  const child = spawn(node, ["-e", SINK_SCRIPT], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = [];
  const waiters = [];
  let pending = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    pending += chunk;
    let cut;
    while ((cut = pending.indexOf("\n")) >= 0) {
      const line = JSON.parse(pending.slice(0, cut));
      pending = pending.slice(cut + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const next = () =>
    lines.length > 0 ? Promise.resolve(lines.shift()) : new Promise((r) => waiters.push(r));
  const ports = await next();
  return {
    udpPort: ports.udp,
    httpPort: ports.http,
    async received() {
      child.stdin.write("?\n");
      return await next();
    },
    stop() {
      child.stdin.end();
    },
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/**
 * Runs the contenders in interleaved rounds of `spansPerRound` spans (one warm-up round each),
 * and returns each one's median CPU µs per span and its samples.
 */
export async function runRounds(api, contenders, { rounds = 7, spansPerRound = 20_000, cpuUsage }) {
  const samples = new Map(contenders.map((c) => [c.name, []]));
  let n = 0;
  for (let round = -1; round < rounds; round++) {
    // Rotate the order, so that no contender always runs right after the same one.
    const order = contenders.map((_, i) =>
      contenders[(i + round + contenders.length) % contenders.length]
    );
    for (const c of order) {
      const before = cpuUsage();
      const parents = c.parents;
      const mask = parents.length - 1;
      if (c.record !== undefined) {
        for (let i = 0; i < spansPerRound; i++, n++) c.record(parents[n & mask], n);
      } else {
        for (let i = 0; i < spansPerRound; i++, n++) {
          recordStandardSpan(api, c.tracer, parents[n & mask], n);
        }
      }
      await c.flush();
      const used = cpuUsage(before);
      if (round >= 0) samples.get(c.name).push((used.user + used.system) / spansPerRound);
    }
  }
  return contenders.map((c) => ({
    name: c.name,
    median: median(samples.get(c.name)),
    samples: samples.get(c.name),
  }));
}

/** Prints the results with each contender's ratio to `baseline` (how many times cheaper). */
export function report(results, baseline, title) {
  const base = results.find((r) => r.name === baseline);
  console.log(title);
  for (const r of results) {
    const ratio = base ? (base.median / r.median).toFixed(2) : "-";
    console.log(
      `  ${r.name.padEnd(58)} ${r.median.toFixed(2).padStart(7)} µs CPU/span   ` +
        `${ratio}x vs ${baseline}   [${r.samples.map((s) => s.toFixed(1)).join(" ")}]`,
    );
  }
}
