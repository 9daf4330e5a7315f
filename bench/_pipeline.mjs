// deno-lint-ignore-file explicit-function-return-type explicit-module-boundary-types require-await
// The pipeline benchmark, shared by the Deno runner (bench/pipeline_bench.ts, on the source) and
// the Node runner (bench/pipeline_bench_node.mjs, on the npm build). What a service pays per
// span: record the standard span (design notes), export it, send it to a receiver in another
// process (bench/_pipeline_sink.mjs: UDP for Jaeger, HTTP for OTLP), drain. The figure is process
// CPU time (process.cpuUsage(): all threads, GC included) per span, in interleaved rounds; plus
// the heap (and array buffers) a queued span holds.
//
// A contender is one object: { name, setup(ports) -> { record(n), drain(), close(), check?() } }.
// Adding one is one small function returning that (see ourJaeger, ourOtelApi, otelOtlpProto,
// otelJaeger).

const OPERATION = "GET /api/v2/query";
const target = (n) => `/api/v2/query?org=26f7e5a4b7be365b&bucket=917b97a92e883afc&q=${n}`;
const peer = (n) => `127.0.0.1:${40000 + (n % 20000)}`;

let seq = 0;

/**
 * spanwire through tracingFromEnv (what a service runs): the Jaeger exporter over UDP with the
 * given encoder backend. `lib` = { trace, exporters } (the modules).
 */
export function ourJaeger(lib, backend, label = `spanwire → Jaeger UDP (${backend})`) {
  return ours(lib, label, (ports) => ({
    env: {
      TRACES_EXPORTER: "jaeger",
      TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
      TRACES_EXPORTER_JAEGER_AGENT_PORT: String(ports.udp),
      HOSTNAME: "bench-host",
    },
    options: { backend, exitHooks: false },
  }));
}

/** spanwire through tracingFromEnv with TRACES_EXPORTER=otlp: OTLP/protobuf over HTTP. */
export function ourOtlp(lib, label = "spanwire → OTLP/proto HTTP") {
  return ours(lib, label, (ports) => ({
    env: {
      TRACES_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.http}`,
      HOSTNAME: "bench-host",
    },
    options: { exitHooks: false },
  }));
}

/** spanwire through tracingFromEnv with the environment `configure(ports)` gives. */
function ours(lib, label, configure) {
  return {
    name: label,
    async setup(ports) {
      const { env, options } = configure(ports);
      const tracing = lib.exporters.tracingFromEnv(env, options);
      const { SpanContext, SpanId, TraceId, SpanRecorder, float } = lib.trace;
      const collector = tracing.collector;
      const ratio = float(0.25);
      let recorded = 0;
      return {
        record(n) {
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

/** Records the standard span with an OpenTelemetry tracer under a remote parent. */
function otelRecorder(api, tracer) {
  const { ROOT_CONTEXT, SpanStatusCode, trace } = api;
  const hex = (bytes) => {
    let s = "";
    for (let i = 0; i < bytes; i++) {
      s += Math.floor(Math.random() * 256).toString(16).padStart(2, "0");
    }
    return s;
  };
  return (n) => {
    for (let i = 0; i < n; i++) {
      const k = seq++;
      const ctx = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: hex(16),
        spanId: hex(8),
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

function otelContender(name, otel, makeExporter) {
  return {
    name,
    async setup(ports) {
      const { BasicTracerProvider, BatchSpanProcessor } = otel.sdk;
      const exporter = makeExporter(ports);
      const processor = new BatchSpanProcessor(exporter, { maxQueueSize: 100_000 });
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
  return {
    name: `OpenTelemetry API → spanwire → Jaeger UDP (${backend})`,
    async setup(ports) {
      const tracing = lib.exporters.tracingFromEnv({
        TRACES_EXPORTER: "jaeger",
        TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
        TRACES_EXPORTER_JAEGER_AGENT_PORT: String(ports.udp),
        HOSTNAME: "bench-host",
      }, { backend, exitHooks: false });
      const collector = tracing.collector;
      const provider = new lib.otel.SpanwireTracerProvider({ collector });
      const recordSpans = otelRecorder(otel.api, provider.getTracer("bench"));
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

/** OpenTelemetry JS: BatchSpanProcessor + its Jaeger exporter (UDP). `otel` = { api, sdk, jaeger }. */
export function otelJaeger(otel) {
  return otelContender(
    "OpenTelemetry JS → Jaeger UDP",
    otel,
    (ports) => new otel.jaeger.JaegerExporter({ host: "127.0.0.1", port: ports.udp }),
  );
}

function cpuMicros(cpuUsage) {
  const u = cpuUsage();
  return u.user + u.system;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs the contenders in interleaved rounds. `env` = { cpuUsage, memoryUsage, gc?, log }.
 * Returns rows { name, cpu: [µs/span per round], median, heapPerSpan }.
 */
export async function runPipeline(
  contenders,
  ports,
  env,
  { spans = 20_000, rounds = 5, heapSpans = 20_000 } = {},
) {
  const live = [];
  for (const c of contenders) live.push({ c, run: await c.setup(ports), cpu: [], heap: undefined });
  // warm up: two rounds each, not counted (the JIT settles)
  for (let r = 0; r < 2; r++) {
    for (const l of live) {
      l.run.record(spans);
      await l.run.drain();
    }
  }
  for (let r = 0; r < rounds; r++) {
    for (const l of live) {
      const before = cpuMicros(env.cpuUsage);
      l.run.record(spans);
      await l.run.drain();
      l.cpu.push((cpuMicros(env.cpuUsage) - before) / spans);
    }
  }
  // Heap a queued span holds: record without yielding (nothing is sent meanwhile).
  if (env.gc !== undefined) {
    for (const l of live) {
      await new Promise((r) => setTimeout(r, 100)); // sends settle
      env.gc();
      env.gc();
      const m0 = env.memoryUsage();
      l.run.record(heapSpans);
      env.gc();
      env.gc();
      const m1 = env.memoryUsage();
      // heapUsed plus external (array buffers: our queue's chunks live there)
      l.heap = (m1.heapUsed + m1.external - m0.heapUsed - m0.external) / heapSpans;
      await l.run.drain();
    }
  }
  const rows = [];
  for (const l of live) {
    const problem = l.run.check?.();
    if (problem !== undefined) env.log(`!! ${l.c.name}: ${problem}`);
    await l.run.close();
    rows.push({ name: l.c.name, cpu: l.cpu, median: median(l.cpu), heapPerSpan: l.heap });
  }
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
  return lines.join("\n");
}
