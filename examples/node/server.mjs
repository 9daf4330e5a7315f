// A node:http server traced with spanwire's Node adapter, exporting its spans to a Jaeger agent
// (Thrift compact over UDP, port 6831) as IOx configures it: from the environment.
//
//   deno task build:npm               # builds npm/ and links examples/node/node_modules/spanwire
//   node examples/node/server.mjs     # listens on http://127.0.0.1:8080 (PORT to change)
//   curl -H 'jaeger-debug-id: try-1' http://127.0.0.1:8080/api/v2/query?q=cpu
//
// A request is traced when it carries a sampled trace context (uber-trace-id, traceparent, b3)
// or the Jaeger debug header; its spans then show in Jaeger (http://localhost:16686) under the
// service "node-example". Any of IOx's TRACES_* variables override the defaults below, for
// instance TRACES_EXPORTER_JAEGER_AGENT_HOST, TRACES_EXPORTER_JAEGER_AGENT_PORT,
// TRACES_EXPORTER_JAEGER_SERVICE_NAME; TRACES_EXPORTER=none turns tracing off.
//
// In your own project, after `npm install spanwire`, write static imports instead:
//   import { tracingFromEnv } from "spanwire/exporters";
// (This file imports dynamically only so that the repository's Deno type check does not need
// the built package.)

import { createServer } from "node:http";

const { tracingFromEnv } = await import("spanwire/exporters");
const { spanContextOf, traceNodeListener } = await import("spanwire/http/node");
const { SpanRecorder } = await import("spanwire/trace");

const tracing = tracingFromEnv({
  TRACES_EXPORTER: "jaeger",
  TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
  TRACES_EXPORTER_JAEGER_SERVICE_NAME: "node-example",
  ...process.env,
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The application: plain node:http code, with a child span per step when traced. */
const app = async (req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname !== "/api/v2/query") {
    res.statusCode = 404;
    res.end("not found\n");
    return;
  }
  const ctx = spanContextOf(req); // the server span's context, or undefined when untraced
  const table = url.searchParams.get("q") ?? "cpu";

  const plan = new SpanRecorder(ctx?.child("plan"));
  plan.setMetadata("table", table);
  await sleep(2);
  plan.ok();
  plan.finish();

  const execute = new SpanRecorder(ctx?.child("execute"));
  let rows = 0;
  for (let partition = 0; partition < 3; partition++) {
    const scan = execute.child(`scan partition ${partition}`);
    await sleep(1);
    rows += 1000;
    scan.setMetadata("rows", 1000).ok();
    scan.finish();
  }
  execute.setMetadata("db.rows", rows).ok();
  execute.finish();

  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ table, rows }) + "\n");
};

const server = createServer(traceNodeListener(app, {
  collector: tracing?.collector,
  parser: tracing?.parser,
  name: tracing?.config.serviceName ?? "node-example",
}));

server.listen(Number(process.env.PORT ?? 8080), "127.0.0.1", () => {
  const { port } = server.address();
  console.log(`listening on http://127.0.0.1:${port}`);
  console.log(
    tracing
      ? `exporting to the Jaeger agent at ${tracing.config.agentHost}:${tracing.config.agentPort} ` +
        `as "${tracing.config.serviceName}"`
      : "tracing is off (TRACES_EXPORTER=none)",
  );
});

// Stop cleanly: close the server, then send every span still queued.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    (tracing?.shutdown() ?? Promise.resolve()).then(() => {
      const stats = tracing?.collector.stats();
      if (stats) console.log(`spans exported: ${stats.exported}, packets: ${stats.packets}`);
    });
  });
}
