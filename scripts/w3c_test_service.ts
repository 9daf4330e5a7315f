// The test service the official W3C Trace Context suite (github.com/w3c/trace-context,
// `test/`) drives: `traceLayer` + `tracedFetch` with the implicit context and a sampler that
// starts traces, nothing hand-written. For each `{url, arguments}` of the POSTed JSON array it
// POSTs `arguments` to `url`, with no context passed explicitly.
//
//   deno run -A scripts/w3c_test_service.ts [port]        (default 5000, on 127.0.0.1)
//   cd trace-context/test && STRICT_LEVEL=2 SPEC_LEVEL=2 python3 test.py http://127.0.0.1:5000/test

import "../context/mod.ts";
import { tracedFetch, TraceHeaderParser, traceLayer } from "../http/mod.ts";
import { alwaysOn, parentBased, RingBufferTraceCollector } from "../trace/mod.ts";

const port = Number(Deno.args[0] ?? 5000);
const fetchTraced = tracedFetch({ formats: ["w3c"] });

interface Step {
  url: string;
  arguments: unknown;
}

const handler = traceLayer(async (request: Request) => {
  const steps = (await request.json()) as Step[];
  for (const step of steps) {
    const response = await fetchTraced(step.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(step.arguments),
    });
    await response.body?.cancel();
  }
  return new Response("ok");
}, {
  collector: new RingBufferTraceCollector(100),
  parser: new TraceHeaderParser({ formats: ["w3c"], sampler: parentBased(alwaysOn()) }),
});

Deno.serve({ hostname: "127.0.0.1", port }, handler);
