// The OpenTelemetry pipeline benchmark of bench/otel_bench.ts under Node, through the npm build:
// the standard span recorded with the same @opentelemetry/api calls by spanwire's tracer
// (`spanwire/otel`, into tracingFromEnv's Jaeger UDP pipeline) and by OpenTelemetry's SDK
// (BatchSpanProcessor + OTLP proto over HTTP), each to a sink in another process, interleaved in
// one run; process CPU per span, medians.
//
// Setup (once; versions as pinned in deno.json):
//   deno run -A scripts/build_npm.ts                      # the npm build, into npm/
//   mkdir -p /tmp/spanwire-otel-bench && cd /tmp/spanwire-otel-bench && npm init -y >/dev/null
//   npm pack <repo>/npm      # a tarball, not a link: spanwire/otel must resolve its peer here
//   npm i --legacy-peer-deps ./spanwire-0.1.0.tgz @opentelemetry/api@1.10.0 \
//     @opentelemetry/core@2.12.1 @opentelemetry/sdk-trace-base@2.12.1 \
//     @opentelemetry/exporter-trace-otlp-proto@0.223.1
//   (--legacy-peer-deps: the 2.x SDK declares @opentelemetry/api <1.10; it runs on 1.10, as Deno
//   resolves it too)
// Run (from that directory, so that the packages resolve from it):
//   node <repo>/bench/otel_bench_node.mjs [--rounds 7] [--spans 20000]

import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  incomingContexts,
  nativeParents,
  recordStandardSpanNative,
  report,
  runRounds,
  startSinks,
} from "./_otel_pipeline.mjs";

const require = createRequire(join(process.cwd(), "bench.js"));
const load = (specifier) => import(pathToFileURL(require.resolve(specifier)).href);

const api = await load("@opentelemetry/api");
const { W3CTraceContextPropagator } = await load("@opentelemetry/core");
const { OTLPTraceExporter } = await load("@opentelemetry/exporter-trace-otlp-proto");
const { BasicTracerProvider, BatchSpanProcessor } = await load("@opentelemetry/sdk-trace-base");
const { SpanwirePropagator, SpanwireTracerProvider } = await load("spanwire/otel");
const { tracingFromEnv } = await load("spanwire/exporters");
const spanwireTrace = await load("spanwire/trace");

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = arg("--rounds", 7);
const spansPerRound = arg("--spans", 20_000);
const sinks = await startSinks(process.execPath);

const tracing = tracingFromEnv({
  TRACES_EXPORTER: "jaeger",
  TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
  TRACES_EXPORTER_JAEGER_AGENT_PORT: String(sinks.udpPort),
  TRACES_EXPORTER_JAEGER_SERVICE_NAME: "iox-conductor",
  TRACES_JAEGER_MAX_MSGS_PER_SECOND: "100000",
});
const spanwire = new SpanwireTracerProvider({ collector: tracing.collector });
const withScope = new SpanwireTracerProvider({ collector: tracing.collector, recordScope: true });
const sdk = new BasicTracerProvider({
  spanProcessors: [
    new BatchSpanProcessor(
      new OTLPTraceExporter({
        url: `http://127.0.0.1:${sinks.httpPort}/v1/traces`,
        concurrencyLimit: 1000,
      }),
      { maxQueueSize: 4 * spansPerRound, maxExportBatchSize: 512 },
    ),
  ],
});

const SDK = "OpenTelemetry SDK (BatchSpanProcessor + OTLP proto HTTP)";
const results = await runRounds(api, [
  {
    name: "OpenTelemetry API -> spanwire (Jaeger compact UDP)",
    tracer: spanwire.getTracer("bench"),
    parents: incomingContexts(api, new SpanwirePropagator(), 1024),
    flush: () => tracing.collector.drain(),
  },
  {
    name: "OpenTelemetry API -> spanwire, recordScope: true",
    tracer: withScope.getTracer("bench"),
    parents: incomingContexts(api, new SpanwirePropagator(), 1024),
    flush: () => tracing.collector.drain(),
  },
  {
    name: "spanwire's own API (SpanRecorder), same pipeline: reference",
    parents: nativeParents(spanwireTrace, tracing.collector, 1024),
    record: (parent, n) => recordStandardSpanNative(spanwireTrace, parent, n),
    flush: () => tracing.collector.drain(),
  },
  {
    name: SDK,
    tracer: sdk.getTracer("bench"),
    parents: incomingContexts(api, new W3CTraceContextPropagator(), 1024),
    flush: () => sdk.forceFlush(),
  },
], { rounds, spansPerRound, cpuUsage: (before) => process.cpuUsage(before) });

const stats = tracing.collector.stats();
const received = await sinks.received();
report(
  results,
  SDK,
  `Node ${process.version}: the standard span through @opentelemetry/api, whole pipeline to a ` +
    `sink process, ${rounds} rounds of ${spansPerRound} spans (median CPU per span)`,
);
console.log(
  `  spanwire exporter: ${stats.exported} exported, ${stats.droppedQueueFull} dropped (queue), ` +
    `${stats.droppedTooLarge} too large, ${stats.failedToSend} failed, ${stats.packets} packets; ` +
    `sink received ${received.udpBytes} UDP bytes, ${received.httpBytes} HTTP bytes`,
);
await tracing.shutdown();
await sdk.shutdown();
sinks.stop();
