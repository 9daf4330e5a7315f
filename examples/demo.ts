// `deno task demo`: the seed's workflow end to end. An IOx-like query service traced with
// traceLayer and configured by tracingFromEnv gets a few requests, each with a generated trace
// id ("Trace ID set to ..."); then every trace is drawn as a waterfall from what a Jaeger agent
// received over UDP.
//
//   deno task demo                                     # embedded agent, waterfalls here
//   INFLUXDB_IOX_PER_PARTITION_TRACING=1 deno task demo   # plus a span per partition scanned
//   TRACES_EXPORTER=jaeger TRACES_EXPORTER_JAEGER_AGENT_HOST=localhost \
//     TRACES_EXPORTER_JAEGER_AGENT_PORT=6831 deno task demo   # to Jaeger; prints UI links
//   deno task demo --serve [--port 8080]               # keep serving; send your own requests

import { runDemo } from "./_demo.ts";
import { runDemoServer } from "./_demo_server.ts";
import { terminalStyle, writeStdout } from "./_term.ts";

const USAGE = `Usage: deno task demo [--serve [--port PORT]]

Runs the traced IOx-like query service, sends it a write and three queries (one failing), each
with a generated trace id, and draws the exported traces (embedded agent), or sends them to the
Jaeger agent named by TRACES_EXPORTER=jaeger and TRACES_EXPORTER_JAEGER_AGENT_HOST/PORT.

Options:
  --serve       keep serving on 127.0.0.1 instead (send requests with deno task client);
                Ctrl-C stops
  --port PORT   the port for --serve (default 8080)
  -h, --help    show this help

Environment: TRACES_EXPORTER, TRACES_EXPORTER_JAEGER_AGENT_HOST, ..._AGENT_PORT,
..._SERVICE_NAME, ..._TRACE_CONTEXT_HEADER_NAME, ..._DEBUG_NAME, ..._TAGS,
TRACES_JAEGER_MAX_MSGS_PER_SECOND, INFLUXDB_IOX_PER_PARTITION_TRACING (1/true/yes).
`;

async function main(args: string[]): Promise<number> {
  let serve = false;
  let port = 8080;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--serve") serve = true;
    else if (arg === "--help" || arg === "-h") {
      writeStdout(USAGE);
      return 0;
    } else if (arg === "--port" || arg.startsWith("--port=")) {
      const text = arg === "--port" ? args[++i] ?? "" : arg.slice("--port=".length);
      port = /^[0-9]+$/.test(text) ? Number(text) : NaN;
      if (!(port >= 0 && port <= 65535)) {
        console.error(`error: --port ${JSON.stringify(text)} is not from 0 to 65535\n\n${USAGE}`);
        return 2;
      }
    } else {
      console.error(`error: unknown argument ${arg}\n\n${USAGE}`);
      return 2;
    }
  }
  const style = terminalStyle();
  if (serve) {
    const stop = new AbortController();
    const abort = (): void => stop.abort();
    Deno.addSignalListener("SIGINT", abort);
    if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", abort);
    return await runDemoServer({
      env: Deno.env,
      port,
      signal: stop.signal,
      write: writeStdout,
      color: style.color,
      width: style.width,
    });
  }
  const result = await runDemo({
    env: Deno.env,
    write: writeStdout,
    color: style.color,
    width: style.width,
  });
  return result.exitCode;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
