// `deno task demo`: the seed's workflow end to end. An IOx-like query service traced with
// traceLayer and configured by tracingFromEnv gets a few requests, each with a generated trace
// id ("Trace ID set to ..."); then every trace is drawn as a waterfall from what a Jaeger agent
// received over UDP.
//
//   deno task demo                                     # embedded agent, waterfalls here
//   INFLUXDB_IOX_PER_PARTITION_TRACING=1 deno task demo   # plus a span per partition scanned
//   TRACES_EXPORTER=jaeger TRACES_EXPORTER_JAEGER_AGENT_HOST=localhost \
//     TRACES_EXPORTER_JAEGER_AGENT_PORT=6831 deno task demo   # to Jaeger; prints UI links

import { runDemo } from "./_demo.ts";
import { terminalStyle, writeStdout } from "./_term.ts";

if (import.meta.main) {
  const style = terminalStyle();
  const result = await runDemo({
    env: Deno.env,
    write: writeStdout,
    color: style.color,
    width: style.width,
  });
  Deno.exit(result.exitCode);
}
