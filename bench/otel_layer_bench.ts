// What the OpenTelemetry API layer costs over spanwire's own API, in one process: the standard
// span recorded through `SpanRecorder` and through the same `@opentelemetry/api` calls as the
// pipeline bench (`otelRecorder` of bench/_pipeline.mjs: a remote parent from hex ids, then
// startSpan, eight setAttribute, addEvent, setStatus, end) into `SpanwireTracerProvider`, both
// encoded for OTLP when they finish (no I/O), in alternating rounds so that both see the same
// machine. A third row runs only the harness's part of the OpenTelemetry rows (hex ids and
// `trace.setSpanContext`), which the SDK's row of the pipeline bench pays as well.
//
// Run: deno run -A bench/otel_layer_bench.ts [--rounds R] [--only NAME]   (process CPU µs a span,
// medians; --only runs the rows whose name contains NAME, alone in the process, so that V8's
// `--v8-flags=--trace-gc-nvp` figures are theirs: `--only harness` shows V8 promoting about 8 MB
// a young collection for the harness's OpenTelemetry contexts alone, see README)
// (Not a `deno bench` file: it measures process CPU around whole rounds.)

import process from "node:process";
import * as api from "@opentelemetry/api";
import * as trace from "../trace/mod.ts";
import { OtlpEncoder } from "../exporters/otlp/mod.ts";
import { SpanwireTracerProvider } from "../otel/mod.ts";
// @ts-types="./_pipeline.d.ts"
import { median, otelRecorder, viaSpanRecorder } from "./_pipeline.mjs";

const SPANS = 20_000;

/** A collector that encodes each span for OTLP as the pipeline's exporter does, and drops it. */
function encodingCollector(): trace.TraceCollector {
  const encoder = new OtlpEncoder({ serviceName: "iox-conductor" }).encoder;
  return { export: (span) => void encoder.encode(span) };
}

/**
 * Only the OpenTelemetry rows' harness: the same calls on a tracer whose spans do nothing, so what
 * is left is the remote parent's hex ids and `trace.setSpanContext`, per span.
 */
function harnessOnly(): (n: number) => void {
  const span = {
    setAttribute: () => span,
    addEvent: () => span,
    setStatus: () => span,
    end: () => {},
  };
  return otelRecorder(api, { startSpan: () => span });
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--rounds");
  const rounds = i >= 0 ? Number(Deno.args[i + 1]) : 40;
  const o = Deno.args.indexOf("--only");
  const only = o >= 0 ? Deno.args[o + 1] ?? "" : "";
  const all: [string, (n: number) => void][] = [
    ["spanwire SpanRecorder → OTLP encoder", viaSpanRecorder({ trace })(encodingCollector())],
    [
      "OpenTelemetry API → spanwire → OTLP encoder",
      otelRecorder(
        api,
        new SpanwireTracerProvider({ collector: encodingCollector() }).getTracer("bench"),
      ),
    ],
    ["harness only (hex ids, setSpanContext)", harnessOnly()],
  ];
  const rows = all.filter(([name]) => name.includes(only));
  const cpu: number[][] = rows.map(() => []);
  const warm = Math.min(10, rounds >> 2);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < rows.length; k++) {
      const before = process.cpuUsage();
      rows[k]![1](SPANS);
      const used = process.cpuUsage(before);
      if (r >= warm) cpu[k]!.push((used.user + used.system) / SPANS);
    }
  }
  console.log(`OpenTelemetry API layer, Deno ${Deno.version.deno} (process CPU µs a span, median)`);
  for (let k = 0; k < rows.length; k++) {
    console.log(`${rows[k]![0].padEnd(46)} ${median(cpu[k]!).toFixed(2)}`);
  }
}
