// The pipeline benchmark's receiver, run as a separate process (Deno or Node): a UDP socket
// (Jaeger agent packets) and an HTTP server (OTLP/HTTP bodies), counting what arrives. It
// prints `{"udp":PORT,"http":PORT}` on stdout once listening; GET /count answers the counts.
// It asks for a large UDP receive buffer (the kernel caps it at net.core.rmem_max).

import dgram from "node:dgram";
import http from "node:http";

const counts = { udpPackets: 0, udpBytes: 0, httpRequests: 0, httpBytes: 0 };
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
  req.on("data", (chunk) => (bytes += chunk.length));
  req.on("end", () => {
    counts.httpRequests++;
    counts.httpBytes += bytes;
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
