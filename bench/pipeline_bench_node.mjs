// The pipeline benchmark under Node, over the npm build (bench/pipeline_bench.ts is the Deno
// runner; both run bench/_pipeline.mjs): record the standard span, export, send to a receiver in
// another process, drain; process CPU per span, each contender in processes of its own, passes
// interleaved (bench/_pipeline.mjs, runPipeline), spanwire (js and wasm encoders) against
// OpenTelemetry JS (BatchSpanProcessor + OTLP protobuf, and + Jaeger).
//
// Setup (once):
//   deno run -A scripts/build_npm.ts                      # the npm build, into npm/
//   mkdir -p /tmp/spanwire-bench && cd /tmp/spanwire-bench && npm init -y >/dev/null
//   npm pack <repo>/npm   # a tarball, not a link: spanwire/otel resolves @opentelemetry/api here
//   npm i --legacy-peer-deps @opentelemetry/api@1.10.0 @opentelemetry/sdk-trace-base@2.12.1 \
//     @opentelemetry/exporter-trace-otlp-proto@0.223.1 @opentelemetry/exporter-jaeger@2.11.0 \
//     ./spanwire-0.1.0.tgz
// Run (from that directory, so that the packages resolve from it):
//   node <repo>/bench/pipeline_bench_node.mjs [--spans N] [--rounds R] [--blocks B] [--warm W] [--only NAME]

import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { allContenders, formatRows, runPipeline, serveContender } from "./_pipeline.mjs";

const require = createRequire(join(process.cwd(), "bench.js"));
const load = (specifier) => import(pathToFileURL(require.resolve(specifier)).href);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};

const lib = {
  trace: await load("spanwire/trace"),
  exporters: await load("spanwire/exporters"),
  otel: await load("spanwire/otel"),
};
const otel = {
  api: require("@opentelemetry/api"),
  sdk: require("@opentelemetry/sdk-trace-base"),
  otlpProto: require("@opentelemetry/exporter-trace-otlp-proto"),
  jaeger: require("@opentelemetry/exporter-jaeger"),
};

const all = allContenders(lib, otel, "js");
if (process.argv.includes("--child")) {
  // One contender's process (runPipeline starts it): serve it until `close`.
  await serveContender(all[Number(arg("--child", 0))], JSON.parse(arg("--ports", "{}")));
  process.exit(0);
}

const sinkPath = fileURLToPath(new URL("./_pipeline_sink.mjs", import.meta.url));
const sink = spawn(process.execPath, [sinkPath], { stdio: ["pipe", "pipe", "inherit"] });
const ports = await new Promise((resolve, reject) => {
  let text = "";
  sink.stdout.on("data", (d) => {
    text += d;
    if (text.includes("\n")) resolve(JSON.parse(text.split("\n")[0]));
  });
  sink.on("exit", () => reject(new Error("the sink process ended before listening")));
});

const only = arg("--only", "");
const script = fileURLToPath(import.meta.url);
try {
  const rows = await runPipeline(
    all.map((c, index) => ({ index, name: c.name })).filter((c) => c.name.includes(only)),
    (index) =>
      // the same V8 flags as the Deno runner's contenders (see CHILD_V8_FLAGS there)
      spawn(process.execPath, [
        "--expose-gc",
        "--no-memory-reducer",
        script,
        "--child",
        String(index),
        "--ports",
        JSON.stringify(ports),
      ], { stdio: ["pipe", "pipe", "inherit"] }),
    {
      spans: Number(arg("--spans", 20_000)),
      rounds: Number(arg("--rounds", 4)),
      blocks: Number(arg("--blocks", 3)),
      warmRounds: Number(arg("--warm", 15)),
      log: (m) => console.log(m),
    },
  );
  const count = await (await fetch(`http://127.0.0.1:${ports.http}/count`)).json();
  console.log(formatRows(rows, `Pipeline, Node ${process.version} (process CPU per span)`));
  console.log(`\nreceiver: ${JSON.stringify(count)}`);
} finally {
  sink.stdin.end();
}
