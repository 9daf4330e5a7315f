// `deno task agent`: a local Jaeger agent that prints what Jaeger clients send. It listens on
// UDP (port 6831 unless `--port` says otherwise), decodes every `Agent.emitBatch` packet (Thrift
// compact) and prints each trace as a waterfall once it is complete, with running counts of
// packets, spans and malformed packets. Ctrl-C stops it cleanly.
//
//   deno task agent                       # then, in another terminal:
//   TRACES_EXPORTER=jaeger TRACES_EXPORTER_JAEGER_AGENT_HOST=127.0.0.1 \
//     TRACES_EXPORTER_JAEGER_AGENT_PORT=6831 deno task demo

import { AGENT_USAGE, formatCounts, parseAgentArgs, startLocalAgent } from "./_agent.ts";
import { paint, terminalStyle, writeStdout } from "./_term.ts";

async function main(): Promise<number> {
  let args;
  try {
    args = parseAgentArgs(Deno.args);
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : error}\n\n${AGENT_USAGE}`);
    return 2;
  }
  if (args.help) {
    writeStdout(AGENT_USAGE);
    return 0;
  }
  const style = terminalStyle();
  let agent;
  try {
    agent = await startLocalAgent({
      port: args.port,
      host: args.host,
      write: writeStdout,
      color: style.color,
      width: style.width,
      progress: style.terminal,
    });
  } catch (error) {
    console.error(
      `error: cannot listen on udp ${args.host}:${args.port}: ${
        error instanceof Error ? error.message : error
      }`,
    );
    return 1;
  }
  writeStdout(
    paint(style.color, "1", `Listening for Jaeger spans on udp ${args.host}:${agent.port}`) +
      "\n(Thrift compact Agent.emitBatch, as Jaeger clients send to port 6831).\n" +
      "Each trace is drawn when complete. Ctrl-C to stop.\n\n",
  );
  const stopped = Promise.withResolvers<void>();
  const stop = (): void => stopped.resolve();
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
  await stopped.promise;
  await agent.close();
  writeStdout(`Stopped. ${formatCounts(agent.counts())}\n`);
  return 0;
}

if (import.meta.main) Deno.exit(await main());
