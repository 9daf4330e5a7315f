// `deno task agent`: the local all-in-one (allinone/cli.ts; `npx spanwire-allinone` under Node).
// It listens for Jaeger compact (UDP 6831) and binary (UDP 6832) Thrift, OTLP/HTTP (4318), and
// serves the web UI with Jaeger's query API (HTTP 16686); each trace is also drawn in the
// terminal when complete. Ctrl-C stops it cleanly. `--help` lists the options.
//
//   deno task agent                       # then, in another terminal:
//   TRACES_EXPORTER=jaeger TRACES_EXPORTER_JAEGER_AGENT_HOST=127.0.0.1 \
//     TRACES_EXPORTER_JAEGER_AGENT_PORT=6831 deno task demo
//   # and open http://127.0.0.1:16686/search

import "../allinone/cli.ts";
