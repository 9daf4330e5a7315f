// deno-lint-ignore-file explicit-function-return-type
// Micro-benchmark (one step of the encoders, not the pipeline): writing an ASCII string's UTF-8
// bytes into a buffer, by a loop over its chars against one `TextEncoder.encodeInto` call, for
// fresh strings of several lengths (made per call as a service makes its request targets, so V8
// flattens each on first read, as in the pipeline). It places ProtoWriter's ENCODE_INTO_FROM
// (exporters/otlp/_proto_writer.ts).
//
//   deno run bench/string_write_bench.mjs
//   node bench/string_write_bench.mjs

const buf = new Uint8Array(4096);
const encoder = new TextEncoder();

function loopWrite(s, p) {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    buf[p++] = c;
  }
  return p;
}

function encodeIntoWrite(s, p) {
  return p + encoder.encodeInto(s, buf.subarray(p)).written;
}

/** ns per string of `length` chars (a fresh one per call: a prefix and a changing number). */
function measure(write, length, calls) {
  const prefix = "/api/v2/query?org=26f7e5a4b7be365b&bucket=917b97a92e883afc&q=".repeat(4)
    .slice(0, Math.max(0, length - 6));
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < calls; i++) sink += write(`${prefix}${100000 + (i % 900000)}`, 8);
  const ns = (performance.now() - start) * 1e6 / calls;
  if (sink === 0) throw new Error("nothing written");
  return ns;
}

/** The same, with no write: what making the fresh string costs, to subtract. */
function measureNone(length, calls) {
  return measure((s, p) => p + s.length, length, calls);
}

const calls = 400_000;
const runtime = typeof Deno === "object" ? `Deno ${Deno.version.deno}` : `Node ${process.version}`;
console.log(`String write, ${runtime} (ns per fresh ASCII string, string making subtracted)\n`);
console.log("| chars | charCodeAt loop | encodeInto |");
console.log("|---|---|---|");
for (const length of [8, 16, 24, 32, 48, 64, 96, 128]) {
  const rows = { loop: [], into: [] };
  for (let r = 0; r < 7; r++) {
    const none = measureNone(length, calls);
    rows.loop.push(measure(loopWrite, length, calls) - none);
    rows.into.push(measure(encodeIntoWrite, length, calls) - none);
  }
  const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1].toFixed(0);
  console.log(`| ${length} | ${med(rows.loop)} | ${med(rows.into)} |`);
}
