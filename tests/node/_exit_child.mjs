// deno-lint-ignore-file explicit-module-boundary-types explicit-function-return-type
// The program the exit tests run in a child process (Deno, or Node over the npm build): spans
// through tracingFromEnv to the agent port given, then one kind of exit. Shared by
// tests/exporters/exit_test.ts and tests/node/exit.mjs.

/** The child's source; `exporters` and `trace` are the module specifiers to import. */
export function exitChildSource(exporters, trace) {
  return `
const { tracingFromEnv } = await import(${JSON.stringify(exporters)});
const { SpanContext, SpanRecorder } = await import(${JSON.stringify(trace)});
const [mode, port, count] = (globalThis.Deno ? Deno.args : process.argv.slice(2));
const tracing = tracingFromEnv({
  TRACES_EXPORTER: "jaeger",
  TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
  TRACES_EXPORTER_JAEGER_AGENT_PORT: port,
  HOSTNAME: "exit-test",
});
const root = SpanContext.root(tracing.collector);
let n = 0;
const record = () => {
  const r = new SpanRecorder(root.child("op " + n++));
  r.setMetadata("pad", "x".repeat(100)).ok();
  r.finish();
};
if (mode === "return") {
  for (let i = 0; i < Number(count); i++) record();
} else if (mode === "exit") {
  for (let i = 0; i < Number(count); i++) record();
  await new Promise((r) => setTimeout(r, 0)); // let a packet or two start going
  process.exit(0);
} else if (mode === "server" || mode === "server-app-handler") {
  const onRequest = () => {
    record();
    return "ok";
  };
  let stop;
  if (globalThis.Deno) {
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: ({ port }) => console.log("listening " + port) }, () => new Response(onRequest()));
    stop = () => server.shutdown();
  } else {
    const http = await import("node:http");
    const server = http.createServer((req, res) => res.end(onRequest()));
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    console.log("listening " + server.address().port);
    stop = () => server.close();
  }
  if (mode === "server-app-handler") {
    const handler = () => {
      console.log("app handled SIGTERM");
      stop();
    };
    if (globalThis.Deno) Deno.addSignalListener("SIGTERM", handler);
    else process.on("SIGTERM", handler);
  }
}
`;
}
