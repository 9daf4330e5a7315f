// The pipeline benchmark on Deno (the headline figure of the README): record the standard span,
// export it, send it to a receiver in another process, drain; process CPU per span, each
// contender in processes of its own, passes interleaved (runPipeline), spanwire (js and wasm encoders) against OpenTelemetry JS (BatchSpanProcessor + OTLP
// protobuf over HTTP, and + its Jaeger exporter over UDP); plus heap per queued span. The
// contenders and the measurement are in bench/_pipeline.mjs, shared with the Node runner.
//
// Run: deno run -A bench/pipeline_bench.ts [--spans N] [--rounds R] [--blocks B] [--warm W]
//      [--only NAME-SUBSTRING]
// (Not a `deno bench` file: it measures process CPU around whole rounds, not iterations.)

import { spawn } from "node:child_process";
import * as api from "@opentelemetry/api";
import * as sdk from "@opentelemetry/sdk-trace-base";
import * as otlpProto from "@opentelemetry/exporter-trace-otlp-proto";
import * as jaeger from "@opentelemetry/exporter-jaeger";
import * as trace from "../trace/mod.ts";
import * as exporters from "../exporters/mod.ts";
import * as spanwireOtel from "../otel/mod.ts";
// @ts-types="./_pipeline.d.ts"
import { allContenders, denoOtel, formatRows, runPipeline, serveContender } from "./_pipeline.mjs";
import { startSink } from "./_sink_process.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

/**
 * V8 flags of the contenders' processes: `gc()` for the heap figure, and no memory reducer. A
 * process that waits while the others run its rounds looks idle to V8, whose memory reducer then
 * runs full collections whose concurrent sweeping lands in the next measured round (a busy
 * service never triggers it); every contender runs with the same flags.
 */
const CHILD_V8_FLAGS = "--expose-gc,--no-memory-reducer";

if (import.meta.main) {
  const otel = { api, sdk, otlpProto, jaeger };
  const lib = { trace, exporters, otel: spanwireOtel };
  // Deno's built-in OpenTelemetry is a peer here only (Node has none).
  const all = [...allContenders(lib, otel, "js"), denoOtel(otel)];
  if (Deno.args.includes("--child")) {
    // One contender's process (runPipeline starts it): serve it until `close`.
    const ports = JSON.parse(Deno.args[Deno.args.indexOf("--ports") + 1]!);
    await serveContender(all[arg("--child", 0)]!, ports);
    Deno.exit(0);
  }
  const only = Deno.args.includes("--only") ? Deno.args[Deno.args.indexOf("--only") + 1]! : "";
  const sink = await startSink();
  try {
    const script = new URL(import.meta.url).pathname;
    const rows = await runPipeline(
      all.map((c, index) => ({ index, name: c.name })).filter((c) => c.name.includes(only)),
      (index: number) =>
        spawn(Deno.execPath(), [
          "run",
          "-A",
          `--v8-flags=${CHILD_V8_FLAGS}`,
          script,
          "--child",
          String(index),
          "--ports",
          JSON.stringify(sink.ports),
        ], {
          stdio: ["pipe", "pipe", "inherit"],
          env: { ...Deno.env.toObject(), ...(all[index]!.env?.(sink.ports) ?? {}) },
        }),
      {
        spans: arg("--spans", 20_000),
        rounds: arg("--rounds", 4),
        blocks: arg("--blocks", 3),
        warmRounds: arg("--warm", 15),
        log: (m: string) => console.log(m),
      },
    );
    const count = await (await fetch(`http://127.0.0.1:${sink.ports.http}/count`)).json();
    console.log(formatRows(rows, `Pipeline, Deno ${Deno.version.deno} (process CPU per span)`));
    console.log(`\nreceiver: ${JSON.stringify(count)}`);
  } finally {
    await sink.stop();
  }
}
