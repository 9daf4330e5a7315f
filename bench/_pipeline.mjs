// deno-lint-ignore-file explicit-function-return-type explicit-module-boundary-types require-await
// The pipeline benchmark, shared by the Deno runner (bench/pipeline_bench.ts, on the source) and
// the Node runner (bench/pipeline_bench_node.mjs, on the npm build). What a service pays per
// span: record the standard span (design notes), export it, send it to a receiver in another
// process (bench/_pipeline_sink.mjs: UDP for Jaeger, HTTP for OTLP), drain. The figure is process
// CPU time (process.cpuUsage(): all threads, GC included) per span, each contender in a process
// of its own, in interleaved rounds; plus the heap (and array buffers) a queued span holds.
//
// A contender is one object: { name, setup(ports) -> { record(n), drain(), close(), check?() } }.
// Adding one is one small function returning that (see ourJaeger, ourOtelApi, otelOtlpProto,
// otelJaeger).

import dgram from "node:dgram";
import process from "node:process";
import readline from "node:readline";

const OPERATION = "GET /api/v2/query";
const target = (n) => `/api/v2/query?org=26f7e5a4b7be365b&bucket=917b97a92e883afc&q=${n}`;
const peer = (n) => `127.0.0.1:${40000 + (n % 20000)}`;

let seq = 0;

/** tracingFromEnv's Jaeger exporter to the receiver's UDP port, with `backend`. */
export function jaegerConfig(ports, backend) {
  return {
    env: {
      TRACES_EXPORTER: "jaeger",
      TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
      TRACES_EXPORTER_JAEGER_AGENT_PORT: String(ports.udp),
      HOSTNAME: "bench-host",
    },
    options: { backend, exitHooks: false },
  };
}

/**
 * spanwire through tracingFromEnv (what a service runs): the Jaeger exporter over UDP with the
 * given encoder backend. `lib` = { trace, exporters } (the modules).
 */
export function ourJaeger(lib, backend, label = `spanwire → Jaeger UDP (${backend})`) {
  return ours(lib, label, (ports) => jaegerConfig(ports, backend), viaSpanRecorder(lib));
}

/** tracingFromEnv's OTLP/protobuf exporter to the receiver's HTTP port. */
export function otlpConfig(ports) {
  return {
    env: {
      TRACES_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.http}`,
      HOSTNAME: "bench-host",
    },
    options: { exitHooks: false },
  };
}

/** spanwire through tracingFromEnv with TRACES_EXPORTER=otlp: OTLP/protobuf over HTTP. */
export function ourOtlp(lib, label = "spanwire → OTLP/proto HTTP") {
  return ours(lib, label, otlpConfig, viaSpanRecorder(lib));
}

/**
 * spanwire through tracingFromEnv with the environment `configure(ports)` gives; spans are made
 * by `makeRecord(collector)`'s function, and every one must have been exported at the end.
 */
function ours(lib, label, configure, makeRecord) {
  return {
    name: label,
    async setup(ports) {
      const { env, options } = configure(ports);
      const tracing = lib.exporters.tracingFromEnv(env, options);
      const collector = tracing.collector;
      const recordSpans = makeRecord(collector);
      let recorded = 0;
      return {
        record(n) {
          recordSpans(n);
          recorded += n;
        },
        drain: () => collector.drain(),
        close: () => tracing.shutdown(),
        check() {
          const s = collector.stats();
          return s.exported === recorded
            ? undefined
            : `exported ${s.exported} of ${recorded}: ${JSON.stringify(s)}`;
        },
      };
    },
  };
}

/** The standard span through spanwire's own API (`SpanRecorder`) under a remote parent. */
export function viaSpanRecorder(lib) {
  return (collector) => {
    const { SpanContext, SpanId, TraceId, SpanRecorder, float } = lib.trace;
    const ratio = float(0.25);
    return (n) => {
      for (let i = 0; i < n; i++) {
        const k = seq++;
        const parent = new SpanContext({
          traceId: TraceId.random(),
          spanId: SpanId.random(),
          collector,
        });
        const r = new SpanRecorder(parent.child(OPERATION));
        r.setMetadata("http.method", "GET")
          .setMetadata("http.target", target(k))
          .setMetadata("http.status_code", 200)
          .setMetadata("component", "trace_http")
          .setMetadata("cached", true)
          .setMetadata("ratio", ratio)
          .setMetadata("db.rows", 12345)
          .setMetadata("peer.address", peer(k))
          .event("cache miss", { key: "partition-42" })
          .ok();
        r.finish();
      }
    };
  };
}

/** Two hex digits per byte value: the harness makes the remote parent's ids cheaply. */
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
/** Random bytes for the harness's ids, drawn a pool at a time (one call costs ~4 µs in Node). */
const POOL = new Uint8Array(24 * 2730);
let poolAt = POOL.length;

/** Random ids as the hex strings the OpenTelemetry API carries (16 + 8 bytes from the pool). */
function randomHexIds() {
  if (poolAt === POOL.length) {
    crypto.getRandomValues(POOL);
    poolAt = 0;
  }
  const at = poolAt;
  poolAt += 24;
  let traceId = "";
  for (let i = 0; i < 16; i++) traceId += HEX2[POOL[at + i]];
  let spanId = "";
  for (let i = 16; i < 24; i++) spanId += HEX2[POOL[at + i]];
  return { traceId, spanId };
}

/**
 * Records the standard span with an OpenTelemetry tracer under a remote parent. The parent's
 * ids are made as cheaply as the harness can (a pool of random bytes, a table), since that cost is
 * the same for every OpenTelemetry-API row and only dilutes their ratios.
 */
export function otelRecorder(api, tracer) {
  const { ROOT_CONTEXT, SpanStatusCode, trace } = api;
  return (n) => {
    for (let i = 0; i < n; i++) {
      const k = seq++;
      const { traceId, spanId } = randomHexIds();
      const ctx = trace.setSpanContext(ROOT_CONTEXT, {
        traceId,
        spanId,
        traceFlags: 1,
        isRemote: true,
      });
      const span = tracer.startSpan(OPERATION, undefined, ctx);
      span.setAttribute("http.method", "GET");
      span.setAttribute("http.target", target(k));
      span.setAttribute("http.status_code", 200);
      span.setAttribute("component", "trace_http");
      span.setAttribute("cached", true);
      span.setAttribute("ratio", 0.25);
      span.setAttribute("db.rows", 12345);
      span.setAttribute("peer.address", peer(k));
      span.addEvent("cache miss", { key: "partition-42" });
      span.setStatus({ code: SpanStatusCode.OK });
      span.end();
    }
  };
}

function otelContender(name, otel, makeExporter, processorOptions = {}) {
  return {
    name,
    async setup(ports) {
      const { BasicTracerProvider, BatchSpanProcessor } = otel.sdk;
      const exporter = makeExporter(ports);
      const processor = new BatchSpanProcessor(exporter, {
        maxQueueSize: 100_000,
        ...processorOptions,
      });
      const provider = new BasicTracerProvider({ spanProcessors: [processor] });
      const record = otelRecorder(otel.api, provider.getTracer("bench"));
      return {
        record,
        drain: () => provider.forceFlush(),
        close: () => provider.shutdown(),
      };
    },
  };
}

/**
 * The OpenTelemetry API's calls (the same `otelRecorder` as the OpenTelemetry JS rows) into
 * spanwire's tracer (`spanwire/otel`'s SpanwireTracerProvider) over tracingFromEnv's Jaeger
 * exporter: what code instrumented with @opentelemetry/api costs on spanwire. `lib` = { otel,
 * exporters } (the modules), `otel` = { api }.
 */
export function ourOtelApi(lib, otel, backend) {
  return ours(
    lib,
    `OpenTelemetry API → spanwire → Jaeger UDP (${backend})`,
    (ports) => jaegerConfig(ports, backend),
    viaOtelApi(lib, otel),
  );
}

/**
 * The same OpenTelemetry API calls into spanwire's tracer over tracingFromEnv's OTLP/protobuf
 * exporter: the row to set beside OpenTelemetry JS + OTLP, the same calls and the same protocol.
 */
export function ourOtelApiOtlp(lib, otel) {
  return ours(
    lib,
    "OpenTelemetry API → spanwire → OTLP/proto HTTP",
    otlpConfig,
    viaOtelApi(lib, otel),
  );
}

/** Spans made by `otelRecorder` on spanwire's tracer (`spanwire/otel`) over `collector`. */
function viaOtelApi(lib, otel) {
  return (collector) =>
    otelRecorder(otel.api, new lib.otel.SpanwireTracerProvider({ collector }).getTracer("bench"));
}

/**
 * OpenTelemetry JS: BatchSpanProcessor + OTLP/HTTP protobuf exporter (concurrencyLimit high, so
 * a forced flush is not refused). `otel` = { api, sdk, otlpProto }.
 */
export function otelOtlpProto(otel) {
  return otelContender(
    "OpenTelemetry JS → OTLP/proto HTTP",
    otel,
    (ports) =>
      new otel.otlpProto.OTLPTraceExporter({
        url: `http://127.0.0.1:${ports.http}/v1/traces`,
        concurrencyLimit: 10_000,
      }),
  );
}

/**
 * OpenTelemetry JS: BatchSpanProcessor + its Jaeger exporter (UDP). `otel` = { api, sdk, jaeger }.
 * One export batch per flush: with the default 512, a forced flush runs its exports at once into
 * the exporter's one UDP sender (jaeger-client), which then, depending on when the sends
 * complete, builds datagrams over the UDP limit (EMSGSIZE) and leaves the export unfinished
 * until its 30 s timeout. One batch is also the cheaper setting for it.
 */
export function otelJaeger(otel) {
  return otelContender(
    "OpenTelemetry JS → Jaeger UDP",
    otel,
    (ports) => new otel.jaeger.JaegerExporter({ host: "127.0.0.1", port: ports.udp }),
    { maxExportBatchSize: 100_000 },
  );
}

/**
 * Deno's built-in OpenTelemetry (`OTEL_DENO=true`: a tracer provider in the runtime, behind the
 * same `@opentelemetry/api` calls, exporting OTLP/protobuf over HTTP from Rust): what a Deno user
 * picks today. Deno only; its process gets the environment `env(ports)` says. It has no flush
 * call, so `drain` waits until the receiver has counted the spans (polling every 10 ms, a few
 * tenths of a µs a span of its CPU; its
 * batches leave every OTEL_BSP_SCHEDULE_DELAY ms, set to 20 here, and its queue is set to hold a
 * round). `otel` = { api }.
 */
export function denoOtel(otel) {
  return {
    name: "Deno built-in OpenTelemetry → OTLP/proto HTTP",
    // Its spans wait in the runtime's Rust memory, which V8's heap figures do not see.
    heapOutsideV8: true,
    env: (ports) => ({
      OTEL_DENO: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.http}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_SERVICE_NAME: "iox-conductor",
      OTEL_BSP_SCHEDULE_DELAY: "20",
      OTEL_BSP_MAX_QUEUE_SIZE: "100000",
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "2048",
    }),
    async setup(ports) {
      const count = async () =>
        (await (await fetch(`http://127.0.0.1:${ports.http}/count`)).json()).otlpSpans;
      const record = otelRecorder(otel.api, otel.api.trace.getTracer("bench"));
      let expected = await count();
      let lost = false;
      return {
        record(n) {
          record(n);
          expected += n;
        },
        async drain() {
          const deadline = Date.now() + 30_000;
          while ((await count()) < expected) {
            if (Date.now() > deadline) {
              lost = true;
              expected = await count(); // go on with the next round
              return;
            }
            await new Promise((r) => setTimeout(r, 10));
          }
        },
        close: async () => {},
        check: () => (lost ? "some spans did not arrive within 30 s of a round" : undefined),
      };
    },
  };
}

/**
 * Every contender, in the table's order; both runners index it (`--child i`). `apiBackend` is the
 * encoder of the OpenTelemetry-API row (the default, "js").
 */
export function allContenders(lib, otel, apiBackend) {
  return [
    ourJaeger(lib, "js"),
    ourJaeger(lib, "wasm"),
    ourOtelApi(lib, otel, apiBackend),
    ourOtelApiOtlp(lib, otel),
    ourOtlp(lib),
    otelOtlpProto(otel),
    otelJaeger(otel),
  ];
}

/** Datagrams each contender's process sends to the receiver before measuring (warmUdpSend). */
const UDP_WARM_DATAGRAMS = 800;

/**
 * Sends UDP_WARM_DATAGRAMS datagrams of 65000 bytes to the receiver through `node:dgram`, so that
 * the runtime's send path is in its steady state before anything is measured. Deno 2.9.6's
 * `node:dgram` copies each datagram in JavaScript that V8 optimizes only after some 600 sends
 * (`new Uint8Array(Buffer.concat(...))` in its udp_wrap.ts): until then a 65 KB send costs about
 * 0.5 ms of CPU, after that 20-40 µs (bench/udp_send_bench.mjs shows both). A service pays that
 * once, about 0.3 s of CPU over its first ~250,000 spans; the rows are the steady state.
 * Returns the CPU µs the warm-up took.
 */
async function warmUdpSend(port) {
  const socket = dgram.createSocket("udp4");
  await new Promise((resolve) => socket.connect(port, "127.0.0.1", resolve));
  const payload = new Uint8Array(65000);
  const before = cpuMicros();
  for (let i = 0; i < UDP_WARM_DATAGRAMS; i++) {
    await new Promise((resolve) => socket.send(payload, resolve));
  }
  const used = cpuMicros() - before;
  await new Promise((resolve) => socket.close(resolve));
  return used;
}

/**
 * The contender process: sets `contender` up, warms the UDP send path, then answers one JSON
 * line on stdout for each command line on stdin: `round` (record `spans`, drain; the process
 * CPU µs a span), `heap` (the heap and array buffers a queued span holds, with --expose-gc) and
 * `close` (the contender's own check, then close). Run by the runners' `--child` mode.
 */
export async function serveContender(contender, ports) {
  const reply = (o) => process.stdout.write(JSON.stringify(o) + "\n");
  // A contender's stray rejection (OpenTelemetry's Jaeger exporter rejects with EMSGSIZE when
  // its UDP sender builds a datagram over 65507 bytes) is reported, not fatal to the run.
  let rejections = 0;
  process.on("unhandledRejection", (e) => {
    if (rejections++ === 0) console.error(`(${contender.name}: unhandled rejection: ${e})`);
  });
  const warm = await warmUdpSend(ports.udp);
  const run = await contender.setup(ports);
  reply({ ready: true, warmMicros: warm });
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const m = JSON.parse(line);
    if (m.cmd === "rounds") {
      // back to back: no idle gap between them
      const cpu = [];
      for (let r = 0; r < m.rounds; r++) {
        const before = cpuMicros();
        run.record(m.spans);
        await run.drain();
        cpu.push((cpuMicros() - before) / m.spans);
      }
      reply({ cpu });
    } else if (m.cmd === "heap") {
      const gc = globalThis.gc;
      if (gc === undefined || contender.heapOutsideV8 === true) {
        reply({ heap: null });
        continue;
      }
      // A fresh tracer of the same kind: memory an exporter keeps for reuse after the rounds
      // (emptied queue chunks) must not hide what queued spans take.
      const fresh = await contender.setup(ports);
      await new Promise((r) => setTimeout(r, 100)); // sends settle
      gc();
      gc();
      const m0 = process.memoryUsage();
      fresh.record(m.spans); // without yielding: nothing is sent meanwhile
      gc();
      gc();
      const m1 = process.memoryUsage();
      // heapUsed plus external (array buffers: our queue's chunks live there)
      reply({ heap: (m1.heapUsed + m1.external - m0.heapUsed - m0.external) / m.spans });
      await fresh.drain();
      await fresh.close();
    } else if (m.cmd === "close") {
      const problem = run.check?.();
      await run.close();
      reply({ problem: problem ?? null });
      lines.close();
      break;
    }
  }
}

function cpuMicros() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Talks to one contender process: `ask(cmd)` writes a line and resolves the next reply. */
function connect(child) {
  const waiting = [];
  const lines = readline.createInterface({ input: child.stdout });
  lines.on("line", (line) => waiting.shift()?.resolve(JSON.parse(line)));
  child.on("exit", (code) => {
    for (const w of waiting.splice(0)) {
      w.reject(new Error(`a contender process ended (exit code ${code})`));
    }
  });
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  return {
    next,
    ask(cmd) {
      const p = next();
      child.stdin.write(JSON.stringify(cmd) + "\n");
      return p;
    },
  };
}

/**
 * Runs the contenders, each in processes of its own (`spawnChild(i)` starts the runner in its
 * `--child i` mode): in each of `blocks` passes, every contender in turn gets a fresh process
 * that warms up (UDP, then `warmRounds` rounds: V8 grows a fresh process's young generation
 * step by step up to 16 MB, and each step faults in new memory, about 4,000 page faults and a
 * round at twice the CPU under Deno, `--trace-gc` shows the last step near spanwire's 240,000th
 * span) and runs `rounds` measured rounds back to back, as a busy
 * service would. Passes interleave the contenders in time, so all see the same machine, while
 * none pays for another's garbage or sits idle between its rounds (a service runs one tracer,
 * not six). The heap figure comes from the first pass.
 * Returns rows { name, cpu: [µs/span per round], median, heapPerSpan, warmMicros, firstRounds }.
 */
export async function runPipeline(
  contenders,
  spawnChild,
  { spans = 20_000, rounds = 4, blocks = 3, warmRounds = 15, heapSpans = 20_000, log = () => {} } =
    {},
) {
  const rows = contenders.map(({ name }) => ({
    name,
    cpu: [],
    median: NaN,
    heapPerSpan: undefined,
    warmMicros: NaN,
    firstRounds: [],
  }));
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < contenders.length; i++) {
      const row = rows[i];
      const child = spawnChild(contenders[i].index);
      const io = connect(child);
      const ready = await io.next();
      if (b === 0) row.warmMicros = ready.warmMicros;
      const warm = (await io.ask({ cmd: "rounds", rounds: warmRounds, spans })).cpu; // not counted
      row.firstRounds.push(warm.reduce((a, x) => a + x, 0) / warm.length);
      row.cpu.push(...(await io.ask({ cmd: "rounds", rounds, spans })).cpu);
      if (b === 0) {
        row.heapPerSpan = (await io.ask({ cmd: "heap", spans: heapSpans })).heap ?? undefined;
      }
      const { problem } = await io.ask({ cmd: "close" });
      if (problem !== null) log(`!! ${row.name}: ${problem}`);
      child.stdin.end();
      await new Promise((resolve) =>
        child.exitCode !== null ? resolve() : child.once("exit", resolve)
      );
    }
  }
  for (const row of rows) row.median = median(row.cpu);
  return rows;
}

/** The result table (markdown), ratios against the first row. */
export function formatRows(rows, title) {
  const base = rows[0].median;
  const lines = [
    `${title}`,
    "",
    "| contender | CPU µs/span (median) | rounds | vs first | heap B/queued span |",
    "|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const ratio = r === rows[0] ? "1x" : `${(r.median / base).toFixed(1)}x`;
    lines.push(
      `| ${r.name} | ${r.median.toFixed(2)} | ${
        r.cpu.map((x) => x.toFixed(2)).join(", ")
      } | ${ratio} | ${r.heapPerSpan === undefined ? "n/a" : Math.round(r.heapPerSpan)} |`,
    );
  }
  const warm = rows.map((r) => (r.warmMicros / UDP_WARM_DATAGRAMS).toFixed(0)).join(", ");
  const first = rows.map((r) => median(r.firstRounds).toFixed(2)).join(", ");
  lines.push(
    "",
    `Not counted: each process first sent ${UDP_WARM_DATAGRAMS} datagrams of 65000 bytes through ` +
      `node:dgram (warm-up), at ${warm} µs of CPU each, then ran its warm-up rounds, at ${first} ` +
      "µs a span (medians over the processes; rows in order).",
  );
  return lines.join("\n");
}
