// deno-lint-ignore-file explicit-function-return-type
// The encode benchmark of bench/encode_bench.ts under Node, the peers' home: 10,000 standard
// spans into 65000-byte packets, spanwire's BatchEncoder ("js" and "wasm", from the npm build)
// against Apache Thrift's TCompactProtocol (same bytes, checked) and jaeger-client's UDP sender,
// in one run, interleaved. Prints the median time per span of each and the ratios.
//
// Setup (once):
//   deno run -A scripts/build_npm.ts                      # the npm build, into npm/
//   mkdir -p /tmp/spanwire-bench && cd /tmp/spanwire-bench && npm init -y >/dev/null
//   npm i thrift@0.24.0 jaeger-client@3.19.0 <repo>/npm
// Run (from that directory, so that the packages resolve from it):
//   node <repo>/bench/encode_bench_node.mjs [--seconds 3]

import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { hostname } from "node:os";
import {
  apacheThriftEncoder,
  assertSamePackets,
  jaegerClientEncoder,
  makeStandardSpans,
  packetLayout,
} from "./_encode_peers.mjs";

const require = createRequire(join(process.cwd(), "bench.js"));
const load = (specifier) => import(pathToFileURL(require.resolve(specifier)).href);

const trace = await load("spanwire/trace");
const jaegerExporter = await load("spanwire/exporters/jaeger");
const thrift = require("thrift");
const jaeger = require("jaeger-client");
const ThriftUtils = require("jaeger-client/dist/src/thrift.js").default;
const UDPSender = require("jaeger-client/dist/src/reporters/udp_sender.js").default;

const { BatchEncoder, decodeEmitBatch, spanToJaeger } = jaegerExporter;
const COUNT = 10_000;
const HOST = hostname();
const secondsArg = process.argv.indexOf("--seconds");
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 3;

const spans = makeStandardSpans(trace, COUNT);
const ours = {
  js: new BatchEncoder({ serviceName: "iox-conductor", hostname: HOST, backend: "js" }),
  wasm: new BatchEncoder({ serviceName: "iox-conductor", hostname: HOST, backend: "wasm" }),
};
const reference = new BatchEncoder({ serviceName: "iox-conductor", hostname: HOST }).encode(spans);
const apache = apacheThriftEncoder(
  thrift,
  spanToJaeger,
  ours.js.process,
  packetLayout(reference, decodeEmitBatch),
);
assertSamePackets(reference, apache.encode(spans), "Apache Thrift TCompactProtocol");
assertSamePackets(
  reference,
  new BatchEncoder({ serviceName: "iox-conductor", hostname: HOST, backend: "wasm" }).encode(spans),
  "wasm backend",
);
const jc = jaegerClientEncoder(jaeger, ThriftUtils, UDPSender, COUNT, HOST);
const jcOut = jc.encode();

const contenders = [
  ["spanwire BatchEncoder (js)", () => ours.js.encode(spans)],
  ["spanwire BatchEncoder (wasm)", () => ours.wasm.encode(spans)],
  ["Apache Thrift TCompactProtocol", () => apache.encode(spans)],
  ["jaeger-client UDPSender (thriftrw)", () => jc.encode()],
];

// The machine may be shared and noisy: contenders are measured in interleaved rounds (each
// round times every contender for a slice of the time), after a warm-up of each, and the median
// of all their timed iterations is reported.
function warm(fn) {
  const until = performance.now() + SECONDS * 200;
  do fn(); while (performance.now() < until);
}
for (const [, fn] of contenders) warm(fn);
const ROUNDS = 6;
const times = contenders.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  contenders.forEach(([, fn], c) => {
    const until = performance.now() + (SECONDS * 1000) / ROUNDS;
    do {
      const t0 = performance.now();
      fn();
      times[c].push(performance.now() - t0);
    } while (performance.now() < until);
  });
}

console.log(
  `node ${process.version}: ${COUNT} standard spans -> ours ${reference.length} packets, ${
    reference.reduce((n, p) => n + p.length, 0)
  } bytes (compact, same bytes as Apache's); jaeger-client ${jcOut.packets} packets, ${jcOut.bytes} bytes (binary)`,
);
const results = contenders.map(([name], c) => {
  const t = times[c].sort((a, b) => a - b);
  return { name, median: t[t.length >> 1], runs: t.length };
});
for (const r of results) {
  console.log(
    `${r.name.padEnd(36)} ${(r.median / COUNT * 1000).toFixed(3).padStart(9)} µs/span  (${
      r.median.toFixed(1)
    } ms per 10,000, median of ${r.runs})`,
  );
}
const base = results[0].median;
console.log("ratios (time / spanwire js):");
for (const r of results.slice(1)) {
  console.log(`  ${r.name.padEnd(36)} ${(r.median / base).toFixed(1)}x`);
}
