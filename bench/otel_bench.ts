// The OpenTelemetry pipeline benchmark under Deno: the standard span recorded with the same
// @opentelemetry/api calls (bench/_otel_pipeline.mjs) by
//
//   - spanwire's tracer (`./otel`) into spanwire's pipeline: AsyncExporter, Jaeger compact
//     Thrift, UDP packets of 65000 bytes (tracingFromEnv);
//   - OpenTelemetry's SDK: BasicTracerProvider + BatchSpanProcessor (@opentelemetry/sdk-trace-base 2.12, as bench/record_bench.ts) (queue large enough that
//     nothing is dropped) + OTLPTraceExporter (protobuf over HTTP, concurrencyLimit 1000);
//
// each to a sink in another process, interleaved in one run; process CPU per span, medians.
// (bench/pipeline_bench.ts, the protocol-neutral pipeline bench, was not on main when this was
// written; this file measures the same way, side by side.)
//
// Run: deno run -A bench/otel_bench.ts [--rounds 7] [--spans 20000]

import * as api from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { cpuUsage } from "node:process";
import { tracingFromEnv } from "../exporters/tracing_from_env.ts";
import { SpanwirePropagator, SpanwireTracerProvider } from "../otel/mod.ts";
import {
  incomingContexts,
  nativeParents,
  recordStandardSpanNative,
  report,
  runRounds,
  startSinks,
} from "./_otel_pipeline.mjs";
import * as spanwireTrace from "../trace/mod.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

if (import.meta.main) {
  const rounds = arg("--rounds", 7);
  const spansPerRound = arg("--spans", 20_000);
  const sinks = await startSinks();

  const tracing = tracingFromEnv({
    TRACES_EXPORTER: "jaeger",
    TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
    TRACES_EXPORTER_JAEGER_AGENT_PORT: String(sinks.udpPort),
    TRACES_EXPORTER_JAEGER_SERVICE_NAME: "iox-conductor",
    TRACES_JAEGER_MAX_MSGS_PER_SECOND: "100000",
  })!;
  const spanwire = new SpanwireTracerProvider({ collector: tracing.collector });
  const withScope = new SpanwireTracerProvider({
    collector: tracing.collector,
    recordScope: true,
  });

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
      record: (parent: unknown, n: number) => recordStandardSpanNative(spanwireTrace, parent, n),
      flush: () => tracing.collector.drain(),
    },
    {
      name: "OpenTelemetry SDK (BatchSpanProcessor + OTLP proto HTTP)",
      tracer: sdk.getTracer("bench"),
      parents: incomingContexts(api, new W3CTraceContextPropagator(), 1024),
      flush: () => sdk.forceFlush(),
    },
  ], { rounds, spansPerRound, cpuUsage });

  const stats = tracing.collector.stats();
  const received = await sinks.received();
  report(
    results,
    "OpenTelemetry SDK (BatchSpanProcessor + OTLP proto HTTP)",
    `Deno ${Deno.version.deno}: the standard span through @opentelemetry/api, whole pipeline ` +
      `to a sink process, ${rounds} rounds of ${spansPerRound} spans (median CPU per span)`,
  );
  console.log(
    `  spanwire exporter: ${stats.exported} exported, ${stats.droppedQueueFull} dropped (queue), ` +
      `${stats.droppedTooLarge} too large, ${stats.failedToSend} failed, ${stats.packets} ` +
      `packets; sink received ${received.udpBytes} UDP bytes, ${received.httpBytes} HTTP bytes`,
  );
  await tracing.shutdown();
  await sdk.shutdown();
  sinks.stop();
}
