// deno-lint-ignore-file explicit-function-return-type
// The pipeline benchmark's receiver, run as a separate process (Deno or Node): a UDP socket
// (Jaeger agent packets) and an HTTP server (OTLP/HTTP bodies), counting what arrives. It
// prints `{"udp":PORT,"http":PORT}` on stdout once listening; GET /count answers the counts
// (with the spans in the OTLP/protobuf bodies, which a contender that cannot flush waits for).
// It asks for a large UDP receive buffer (the kernel caps it at net.core.rmem_max).

import dgram from "node:dgram";
import http from "node:http";
import { Buffer } from "node:buffer";

const counts = { udpPackets: 0, udpBytes: 0, httpRequests: 0, httpBytes: 0, otlpSpans: 0 };

/** Reads a varint at `at` of `b`: [value, next]. */
function varint(b, at) {
  let v = 0;
  let shift = 1;
  for (;;) {
    const x = b[at++];
    v += (x & 0x7f) * shift;
    if (x < 0x80) return [v, at];
    shift *= 128;
  }
}

/**
 * Counts the elements of field `path[depth]` at the protobuf message `b[from..to)`, descending
 * into the fields `path` names (OTLP: resource_spans = 1, scope_spans = 2, spans = 2).
 */
function countNested(b, from, to, path, depth) {
  let n = 0;
  let at = from;
  while (at < to) {
    let key;
    [key, at] = varint(b, at);
    const wire = key & 7;
    const field = Math.floor(key / 8);
    if (wire === 0) [, at] = varint(b, at);
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      let len;
      [len, at] = varint(b, at);
      if (field === path[depth]) {
        n += depth === path.length - 1 ? 1 : countNested(b, at, at + len, path, depth + 1);
      }
      at += len;
    } else return n; // groups: not in OTLP
  }
  return n;
}
const udp = dgram.createSocket("udp4");
udp.on("message", (msg) => {
  counts.udpPackets++;
  counts.udpBytes += msg.length;
});
await new Promise((resolve) => udp.bind(0, "127.0.0.1", resolve));
try {
  udp.setRecvBufferSize(64 * 1024 * 1024);
} catch {
  // best effort
}
const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/count") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(counts));
    return;
  }
  let bytes = 0;
  const chunks = [];
  req.on("data", (chunk) => {
    bytes += chunk.length;
    chunks.push(chunk);
  });
  req.on("end", () => {
    counts.httpRequests++;
    counts.httpBytes += bytes;
    if (req.url === "/v1/traces" && !req.headers["content-type"]?.includes("json")) {
      const body = Buffer.concat(chunks);
      counts.otlpSpans += countNested(body, 0, body.length, [1, 2, 2], 0);
    }
    res.writeHead(200, { "content-type": req.headers["content-type"] ?? "application/x-protobuf" });
    res.end();
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
process.stdout.write(
  JSON.stringify({ udp: udp.address().port, http: server.address().port }) + "\n",
);
process.stdin.on("data", () => {});
process.stdin.on("end", () => process.exit(0));
