// Jaeger's query API over HTTP (the `ui` listener of a running all-in-one), checked against the
// JSON Jaeger documents and its UI reads (jaegertracing/jaeger model/json: Trace {traceID,
// spans, processes, warnings}; Span {traceID, spanID, flags, operationName, references,
// startTime, duration, tags, logs, processID, warnings}; KeyValue {key, type, value} with type
// one of string, bool, int64, float64, binary; Reference {refType CHILD_OF | FOLLOWS_FROM,
// traceID, spanID}; the envelope {data, total, limit, offset, errors}).

import assert from "node:assert/strict";
import { parseDuration, parseTags, startAllInOne } from "../../allinone/mod.ts";
import { ioxQuery } from "./_synthetic.ts";

const T0 = BigInt(Date.now()) * 1000n;
const id = (low: bigint): string => "0af7651916cd43dd" + low.toString(16).padStart(16, "0");

const SPAN_KEYS = [
  "traceID",
  "spanID",
  "flags",
  "operationName",
  "references",
  "startTime",
  "duration",
  "tags",
  "logs",
  "processID",
  "warnings",
].sort();

function checkTraceShape(t: Record<string, unknown>): void {
  assert.deepEqual(Object.keys(t).sort(), ["processes", "spans", "traceID", "warnings"]);
  assert.match(t.traceID as string, /^[0-9a-f]{32}$/);
  const processes = t.processes as Record<string, { serviceName: string; tags: unknown[] }>;
  for (const p of Object.values(processes)) {
    assert.deepEqual(Object.keys(p).sort(), ["serviceName", "tags"]);
    assert.equal(typeof p.serviceName, "string");
  }
  for (const s of t.spans as Record<string, unknown>[]) {
    assert.deepEqual(Object.keys(s).sort(), SPAN_KEYS);
    assert.equal(s.traceID, t.traceID);
    assert.match(s.spanID as string, /^[0-9a-f]{16}$/);
    assert.ok(Number.isSafeInteger(s.startTime) && Number.isSafeInteger(s.duration));
    assert.ok(processes[s.processID as string], `process ${s.processID} listed`);
    for (const r of s.references as Record<string, string>[]) {
      assert.deepEqual(Object.keys(r).sort(), ["refType", "spanID", "traceID"]);
      assert.ok(r.refType === "CHILD_OF" || r.refType === "FOLLOWS_FROM");
    }
    const kvs = [
      ...(s.tags as Record<string, unknown>[]),
      ...(s.logs as { timestamp: number; fields: Record<string, unknown>[] }[]).flatMap((l) => {
        assert.ok(Number.isSafeInteger(l.timestamp));
        return l.fields;
      }),
    ];
    for (const kv of kvs) {
      assert.deepEqual(Object.keys(kv).sort(), ["key", "type", "value"]);
      const type = kv.type as string;
      assert.ok(["string", "bool", "int64", "float64", "binary"].includes(type), type);
      const expect = type === "bool"
        ? "boolean"
        : type === "int64" || type === "float64"
        ? "number"
        : "string";
      assert.equal(typeof kv.value, expect, `${kv.key}: ${type}`);
    }
  }
}

Deno.test("query API: services, operations, search and trace in Jaeger's JSON", async () => {
  const aio = await startAllInOne({
    ports: { "jaeger.compact": null, "jaeger.binary": null, otlp: null, ui: 0 },
  });
  try {
    for (const b of ioxQuery(1n, T0, 3, 0)) aio.ingest(b, "jaeger.compact");
    for (const b of ioxQuery(2n, T0 + 1000n, 3, 1)) aio.ingest(b, "jaeger.compact");
    const base = aio.listener("ui")!.url;
    const get = async (path: string, status = 200) => {
      const r = await fetch(base + path);
      assert.equal(r.status, status, path);
      assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
      const body = await r.json();
      assert.deepEqual(Object.keys(body).sort(), ["data", "errors", "limit", "offset", "total"]);
      return body;
    };
    assert.deepEqual((await get("/api/services")).data, [
      "influx-cli",
      "iox-querier",
      "iox-router",
    ]);
    assert.deepEqual((await get("/api/services/iox-querier/operations")).data, [
      "execute",
      "plan",
      "scan partition",
    ]);
    assert.deepEqual((await get("/api/operations?service=iox-router")).data, [
      { name: "GET /api/v2/query", spanKind: "" },
    ]);
    const all = await get("/api/traces?service=iox-querier&limit=20");
    assert.equal(all.total, 2);
    assert.deepEqual(all.data.map((t: { traceID: string }) => t.traceID), [id(2n), id(1n)]);
    for (const t of all.data) checkTraceShape(t);
    // Jaeger's UI sends tags as JSON; its search form takes logfmt.
    const tags = encodeURIComponent(JSON.stringify({ error: "true" }));
    const errs = await get(`/api/traces?service=iox-querier&tags=${tags}`);
    assert.deepEqual(errs.data.map((t: { traceID: string }) => t.traceID), [id(2n)]);
    const logfmt = await get(
      `/api/traces?service=iox-querier&operation=scan+partition&tags=${
        encodeURIComponent("partition=1002")
      }&minDuration=1ms&maxDuration=1s&limit=1`,
    );
    assert.equal(logfmt.data.length, 1);
    const start = Number(T0) + 500;
    assert.deepEqual(
      (await get(`/api/traces?service=influx-cli&start=${start}&end=${start + 1_000_000}`)).data
        .map((t: { traceID: string }) => t.traceID),
      [id(2n)],
    );
    const one = await get(`/api/traces/${id(2n)}`);
    assert.equal(one.data.length, 1);
    checkTraceShape(one.data[0]);
    assert.equal(one.data[0].spans.length, 8);
    const missing = await get(`/api/traces/${"f".repeat(32)}`, 404);
    assert.deepEqual(missing.errors, [{ code: 404, msg: "trace not found" }]);
    const bad = await get("/api/traces?service=x&minDuration=fast", 400);
    assert.match(bad.errors[0].msg, /Cannot parse duration "fast"/);
    assert.equal((await fetch(base + "/api/services", { method: "POST" })).status, 405);
    const stats = await (await fetch(base + "/api/stats")).json();
    assert.equal(stats.spans, 16);
    assert.equal(stats.droppedTraces, 0);
  } finally {
    await aio.close();
  }
});

Deno.test("query API: durations in Go's syntax and tags in JSON or logfmt", () => {
  assert.equal(parseDuration("100us"), 100);
  assert.equal(parseDuration("100µs"), 100);
  assert.equal(parseDuration("2s"), 2_000_000);
  assert.equal(parseDuration("1h2m"), 3_720_000_000);
  assert.equal(parseDuration("500ns"), 0.5);
  assert.throws(() => parseDuration("1 ms"), SyntaxError);
  assert.throws(() => parseDuration(""), SyntaxError);
  assert.deepEqual(parseTags('{"a":1,"b":"x"}'), { a: "1", b: "x" });
  assert.deepEqual(parseTags('a=1 b="x \\"y\\""'), { a: "1", b: 'x "y"' });
  assert.throws(() => parseTags("[1]"), SyntaxError);
  assert.throws(() => parseTags("novalue"), SyntaxError);
});

Deno.test("UI: pages, assets and a redirect, with no external reference", async () => {
  const aio = await startAllInOne({
    ports: { "jaeger.compact": null, "jaeger.binary": null, otlp: null, ui: 0 },
  });
  try {
    const base = aio.listener("ui")!.url;
    const root = await fetch(base + "/", { redirect: "manual" });
    await root.body?.cancel();
    assert.equal(root.status, 302);
    assert.equal(root.headers.get("location"), "/search");
    for (const path of ["/search", `/trace/${id(1n)}`, "/static/app.js", "/static/app.css"]) {
      const r = await fetch(base + path);
      assert.equal(r.status, 200, path);
      const text = await r.text();
      // No CDN, nothing fetched from elsewhere: the machine may be offline.
      assert.doesNotMatch(text, /https?:\/\/(?!127\.0\.0\.1)/, path);
    }
    const nf = await fetch(base + "/nope");
    await nf.body?.cancel();
    assert.equal(nf.status, 404);
  } finally {
    await aio.close();
  }
});
