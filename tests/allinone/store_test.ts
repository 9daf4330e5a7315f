// TraceStore: bounded in spans and bytes, oldest traces dropped first and counted; searches as
// Jaeger's query API defines them; the JSON shape of a trace (processes by id, CHILD_OF from the
// Thrift parent).

import assert from "node:assert/strict";
import { spansFromThrift, TraceStore } from "../../allinone/mod.ts";
import { bigTrace, ioxQuery } from "./_synthetic.ts";

const T0 = 1_700_000_000_000_000n;

function load(store: TraceStore, batches: ReturnType<typeof ioxQuery>): void {
  for (const b of batches) store.add(spansFromThrift(b));
}

const id = (low: bigint): string => "0af7651916cd43dd" + low.toString(16).padStart(16, "0");

Deno.test("store: the span bound drops whole traces, oldest first, and counts them", () => {
  const store = new TraceStore({ maxSpans: 250 });
  load(store, ioxQuery(1n, T0, 100)); // 105 spans
  load(store, ioxQuery(2n, T0 + 1000n, 100));
  assert.deepEqual(store.stats().droppedTraces, 0);
  load(store, ioxQuery(3n, T0 + 2000n, 100)); // 315 > 250: trace 1 goes
  const s = store.stats();
  assert.equal(s.traces, 2);
  assert.equal(s.spans, 210);
  assert.equal(s.droppedTraces, 1);
  assert.equal(s.droppedSpans, 105);
  assert.equal(store.trace(id(1n)), undefined);
  assert.equal(store.trace(id(3n))?.spans.length, 105);
  // The services and operations of dropped spans go with them.
  assert.deepEqual(store.services(), ["influx-cli", "iox-querier", "iox-router"]);
});

Deno.test("store: the byte bound counts each span's JSON as the API serves it", () => {
  const probe = new TraceStore();
  load(probe, ioxQuery(1n, T0, 10));
  const json = JSON.stringify(probe.trace(id(1n))!.spans.map(({ processID: _, ...s }) => s));
  // The byte count is the served JSON of the spans (without processID, with warnings).
  const bytes = probe.stats().bytes;
  assert.ok(Math.abs(bytes - json.length) < 15 * 30, `${bytes} vs ${json.length}`);
  const store = new TraceStore({ maxBytes: Math.floor(bytes * 2.5) });
  for (let i = 1n; i <= 5n; i++) load(store, ioxQuery(i, T0 + i, 10));
  assert.equal(store.stats().traces, 2);
  assert.equal(store.stats().droppedTraces, 3);
  assert.ok(store.stats().bytes <= bytes * 2.5);
  assert.throws(() => new TraceStore({ maxBytes: 0 }), RangeError);
});

Deno.test("store: search by service, operation, tags, durations, times, limit", () => {
  const store = new TraceStore();
  load(store, ioxQuery(1n, T0, 5, 0));
  load(store, ioxQuery(2n, T0 + 60_000_000n, 5, 2));
  load(store, bigTrace(3n, T0 + 120_000_000n, 200));
  const ids = (q: Parameters<TraceStore["find"]>[0]) => store.find(q).map((t) => t.traceID);
  assert.deepEqual(ids({}), [id(3n), id(2n), id(1n)], "newest first");
  assert.deepEqual(ids({ limit: 1 }), [id(3n)]);
  assert.deepEqual(ids({ service: "iox-router" }), [id(2n), id(1n)]);
  assert.deepEqual(ids({ service: "iox-querier", operation: "plan" }), [id(2n), id(1n)]);
  assert.deepEqual(ids({ service: "iox-querier", tags: { error: "true" } }), [id(2n)]);
  assert.deepEqual(ids({ tags: { partition: "1001", table: "cpu" } }), [id(2n), id(1n)]);
  assert.deepEqual(ids({ tags: { hostname: "compactor-0" } }), [id(3n)], "process tags");
  assert.deepEqual(ids({ tags: { path: "p/1000" } }), [id(2n)], "log fields");
  assert.deepEqual(ids({ minDuration: 1_000_000 }), [id(3n)]);
  assert.deepEqual(ids({ service: "influx-cli", maxDuration: 1000 }), []);
  assert.deepEqual(ids({ start: Number(T0) + 50_000, end: Number(T0) + 100_000_000 }), [id(2n)]);
  // Trace ids: 32 digits, or without leading zeros, any case.
  assert.equal(store.trace(id(1n).toUpperCase())?.traceID, id(1n));
  assert.equal(store.trace("nothex"), undefined);
});

Deno.test("store: a trace's JSON: processes by id, CHILD_OF from the parent, FOLLOWS_FROM kept", () => {
  const store = new TraceStore();
  load(store, ioxQuery(1n, T0, 2));
  const t = store.trace(id(1n))!;
  assert.deepEqual(Object.keys(t.processes), ["p1", "p2", "p3"]);
  const byName = new Map(t.spans.map((s) => [s.operationName, s]));
  const router = byName.get("GET /api/v2/query")!;
  const http = byName.get("HTTP GET")!;
  assert.deepEqual(router.references, [{
    refType: "CHILD_OF",
    traceID: t.traceID,
    spanID: http.spanID,
  }]);
  assert.equal(t.processes[router.processID]!.serviceName, "iox-router");
  assert.deepEqual(byName.get("cli query")!.references, []);
  store.add(spansFromThrift({
    process: { serviceName: "x" },
    spans: [{
      traceIdHigh: 0,
      traceIdLow: 9,
      spanId: 2,
      parentSpanId: 1,
      operationName: "linked",
      flags: 1,
      startTime: 1,
      duration: 1,
      references: [{ refType: 1, traceIdHigh: 0, traceIdLow: 8, spanId: 5 }],
    }],
  }));
  assert.deepEqual(store.trace("9")!.spans[0]!.references, [
    {
      refType: "CHILD_OF",
      traceID: "00000000000000000000000000000009",
      spanID: "0000000000000001",
    },
    {
      refType: "FOLLOWS_FROM",
      traceID: "00000000000000000000000000000008",
      spanID: "0000000000000005",
    },
  ]);
});
