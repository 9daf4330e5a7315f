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
//   deno task demo --ui [--ui-port 16686]              # then keep the embedded all-in-one and
//                                                      # its web UI running: open the links

import { getter, runDemo } from "./_demo.ts";
import { startLocalAgent } from "./_agent.ts";
import { runDemoServer } from "./_demo_server.ts";
import { terminalStyle, writeStdout } from "./_term.ts";

const USAGE = `Usage: deno task demo [--serve [--port PORT]] [--ui [--ui-port PORT]]

Runs the traced IOx-like query service, sends it a write and three queries (one failing), each
with a generated trace id, and draws the exported traces (embedded agent), or sends them to the
Jaeger agent named by TRACES_EXPORTER=jaeger and TRACES_EXPORTER_JAEGER_AGENT_HOST/PORT.

Options:
  --serve       keep serving on 127.0.0.1 instead (send requests with deno task client);
                Ctrl-C stops
  --port PORT   the port for --serve (default 8080)
  --ui          send the spans to an embedded all-in-one (allinone/, as deno task agent runs)
                and keep it running afterwards: the printed /trace links open in its web UI;
                Ctrl-C stops
  --ui-port P   the port of its web UI (default 16686; 0 for a free one)
  -h, --help    show this help

Environment: TRACES_EXPORTER, TRACES_EXPORTER_JAEGER_AGENT_HOST, ..._AGENT_PORT,
..._SERVICE_NAME, ..._TRACE_CONTEXT_HEADER_NAME, ..._DEBUG_NAME, ..._TAGS,
TRACES_JAEGER_MAX_MSGS_PER_SECOND, INFLUXDB_IOX_PER_PARTITION_TRACING (1/true/yes).
`;

async function main(args: string[]): Promise<number> {
  let serve = false;
  let ui = false;
  let uiPort = 16686;
  let port = 8080;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--serve") serve = true;
    else if (arg === "--ui") ui = true;
    else if (arg === "--ui-port" || arg.startsWith("--ui-port=")) {
      const text = arg === "--ui-port" ? args[++i] ?? "" : arg.slice("--ui-port=".length);
      uiPort = /^[0-9]+$/.test(text) ? Number(text) : NaN;
      if (!(uiPort >= 0 && uiPort <= 65535)) {
        console.error(
          `error: --ui-port ${JSON.stringify(text)} is not from 0 to 65535\n\n${USAGE}`,
        );
        return 2;
      }
    } else if (arg === "--help" || arg === "-h") {
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
  if (ui) return await runWithUi(uiPort, style);
  const result = await runDemo({
    env: Deno.env,
    write: writeStdout,
    color: style.color,
    width: style.width,
  });
  return result.exitCode;
}

/** `--ui`: the demo's spans go to an embedded all-in-one, which keeps running afterwards. */
async function runWithUi(
  uiPort: number,
  style: { color: boolean; width: number },
): Promise<number> {
  let agent;
  try {
    agent = await startLocalAgent({
      port: 0,
      ports: { ui: uiPort, "jaeger.binary": 0, otlp: 0 },
      write: writeStdout,
      quiet: true,
    });
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : error}`);
    return 1;
  }
  const uiUrl = agent.aio.listener("ui")!.url;
  for (const l of agent.aio.listeners) writeStdout(`listening: ${l.name} ${l.url}\n`);
  writeStdout("\n");
  const get = getter(Deno.env);
  const overrides: Record<string, string> = {
    TRACES_EXPORTER: "jaeger",
    TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
    TRACES_EXPORTER_JAEGER_AGENT_PORT: String(agent.port),
  };
  const result = await runDemo({
    env: { get: (key) => overrides[key] ?? get(key) },
    write: writeStdout,
    color: style.color,
    width: style.width,
    jaegerUiUrl: uiUrl,
  });
  const sent = result.exporter?.exported ?? 0;
  await agent.waitForSpans(sent, 10_000).catch(() => {});
  const c = agent.counts();
  writeStdout(
    `\nThe all-in-one received ${c.spans} of ${sent} spans (${c.malformed} malformed) and keeps ` +
      `running:\n  ${uiUrl}/search\nCtrl-C to stop.\n`,
  );
  const stopped = Promise.withResolvers<void>();
  const stop = (): void => stopped.resolve();
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
  await stopped.promise;
  await agent.close();
  writeStdout("Stopped.\n");
  return c.spans < sent ? 1 : result.exitCode;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
