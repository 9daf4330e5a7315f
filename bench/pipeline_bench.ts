// The pipeline benchmark on Deno (the headline figure of the README): record the standard span,
// export it, send it to a receiver in another process, drain; process CPU per span, interleaved
// rounds, spanwire (js and wasm encoders) against OpenTelemetry JS (BatchSpanProcessor + OTLP
// protobuf over HTTP, and + its Jaeger exporter over UDP); plus heap per queued span. The
// contenders and the measurement are in bench/_pipeline.mjs, shared with the Node runner.
//
// Run: deno run -A --v8-flags=--expose-gc bench/pipeline_bench.ts [--spans N] [--rounds R]
//      [--only NAME-SUBSTRING]
// (Not a `deno bench` file: it measures process CPU around whole rounds, not iterations.)

import process from "node:process";
import * as api from "@opentelemetry/api";
import * as sdk from "@opentelemetry/sdk-trace-base";
import * as otlpProto from "@opentelemetry/exporter-trace-otlp-proto";
import * as jaeger from "@opentelemetry/exporter-jaeger";
import * as trace from "../trace/mod.ts";
import * as exporters from "../exporters/mod.ts";
import * as spanwireOtel from "../otel/mod.ts";
// @ts-types="./_pipeline.d.ts"
import {
  formatRows,
  otelJaeger,
  otelOtlpProto,
  ourJaeger,
  ourOtelApi,
  ourOtlp,
  runPipeline,
} from "./_pipeline.mjs";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

/** Starts the receiver process; resolves its ports and a stop function. */
async function startSink(): Promise<
  { ports: { udp: number; http: number }; stop: () => Promise<void> }
> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./_pipeline_sink.mjs", import.meta.url).pathname],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the sink process ended before listening");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const ports = JSON.parse(text.split("\n")[0]!);
  return {
    ports,
    stop: async () => {
      await child.stdin.close();
      await child.stdout.cancel();
      await child.status;
    },
  };
}

if (import.meta.main) {
  const otel = { api, sdk, otlpProto, jaeger };
  const lib = { trace, exporters, otel: spanwireOtel };
  const only = Deno.args.includes("--only") ? Deno.args[Deno.args.indexOf("--only") + 1]! : "";
  const contenders = [
    ourJaeger(lib, "js"),
    ourJaeger(lib, "wasm"),
    ourOtelApi(lib, otel, "js"),
    ourOtlp(lib),
    otelOtlpProto(otel),
    otelJaeger(otel),
  ].filter((c) => c.name.includes(only));
  const sink = await startSink();
  try {
    const gc = (globalThis as { gc?: () => void }).gc;
    const rows = await runPipeline(contenders, sink.ports, {
      cpuUsage: () => process.cpuUsage(),
      memoryUsage: () => process.memoryUsage(),
      gc,
      log: (m: string) => console.log(m),
    }, { spans: arg("--spans", 20_000), rounds: arg("--rounds", 5) });
    const count = await (await fetch(`http://127.0.0.1:${sink.ports.http}/count`)).json();
    console.log(formatRows(rows, `Pipeline, Deno ${Deno.version.deno} (process CPU per span)`));
    console.log(`\nreceiver: ${JSON.stringify(count)}`);
  } finally {
    await sink.stop();
  }
}
