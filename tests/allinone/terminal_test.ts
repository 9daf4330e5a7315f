// The terminal view of a multi-service trace: headed by its root's service (not the first service
// whose spans arrived), each span naming its service; a single-service trace stays as it was.

import assert from "node:assert/strict";
import { formatWaterfall } from "../../exporters/jaeger/mod.ts";
import { TraceAssembler } from "../../allinone/_trace_assembler.ts";
import { ioxQuery } from "./_synthetic.ts";

Deno.test("terminal: a trace across services is labelled by its root's service, spans by theirs", () => {
  const batches = ioxQuery(1n, 1_700_000_000_000_000n, 2, 1);
  const assembler = new TraceAssembler();
  // Children end first, so the querier's and the router's batches arrive before the cli's root.
  for (const b of [batches[2]!, batches[1]!, batches[0]!]) {
    assembler.add(b.spans, b.process.serviceName, 0);
  }
  const [trace] = assembler.takeAll();
  assert.equal(trace!.serviceName, "influx-cli");
  const text = formatWaterfall(trace!.spans, {
    serviceName: trace!.serviceName,
    services: trace!.services,
    width: 100,
  });
  const lines = text.split("\n");
  assert.match(lines[0]!, /^trace 0af7651916cd43dd0000000000000001 {2}influx-cli {2}7 spans/);
  assert.match(lines[1]!, /^ {2}influx-cli: cli query +█/);
  assert.ok(lines.some((l) => /^ {4}influx-cli: HTTP GET /.test(l)), text);
  assert.ok(lines.some((l) => /^ {6}iox-router: GET \/api\/v2\/query /.test(l)), text);
  assert.ok(lines.some((l) => /^ {10}iox-querier: scan partition /.test(l)), text);
  // Given the services but only one of them: no per-span service names.
  const one = formatWaterfall(batches[2]!.spans, {
    services: batches[2]!.spans.map(() => "iox-querier"),
    width: 100,
  });
  assert.ok(!one.includes("iox-querier: "), one);
});
