// OTLP/HTTP delivery as the OTLP specification asks: retries of 429/502/503/504 with backoff
// and Retry-After, no retry of 400, partial success counted, timeouts, an absent receiver,
// gzip and JSON; every span arrives once, checked with the official .proto files.

import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { makeStandardSpans } from "../../_standard_span.ts";
import {
  decodeOtlpJson,
  OtlpExporter,
  type OtlpExporterOptions,
  OtlpHttpSink,
} from "../../../exporters/otlp/mod.ts";
import { MockOtlpReceiver } from "../../../exporters/otlp/testing.ts";
import { officialDecode } from "./_reference.ts";

// deno-lint-ignore no-explicit-any
type Obj = any;

/** Span ids of the bodies the receiver accepted, decoded with the official .proto files. */
function officialSpanIds(receiver: MockOtlpReceiver): string[] {
  const ids: string[] = [];
  for (const r of receiver.requests) {
    if (r.status !== 200) continue;
    const body = r.contentEncoding === "gzip" ? new Uint8Array(gunzipSync(r.body)) : r.body;
    const decoded = officialDecode(body);
    for (const rs of decoded.resourceSpans) {
      for (const ss of rs.scopeSpans) for (const s of ss.spans as Obj[]) ids.push(s.spanId);
    }
  }
  return ids;
}

function fast(url: string, extra: Partial<OtlpExporterOptions> = {}): OtlpExporterOptions {
  return {
    serviceName: "svc",
    url,
    initialBackoffMs: 5,
    maxBackoffMs: 20,
    maxBatchBytes: 16 * 1024,
    maxMessagesPerSecond: 1e6,
    warn: () => {},
    ...extra,
  };
}

Deno.test("a 503 storm: every span arrives exactly once, intact for the official .proto files", async () => {
  const receiver = await MockOtlpReceiver.start();
  try {
    const storm = Array.from({ length: 6 }, (_, i) => ({
      status: [503, 502, 504, 429][i % 4],
      retryAfter: i % 2 === 0 ? "0" : undefined,
    }));
    receiver.respondNext(...storm);
    const exporter = new OtlpExporter(
      fast(`${receiver.url}/v1/traces`, { compression: "gzip", maxAttempts: 10 }),
    );
    const spans = makeStandardSpans(500);
    for (const s of spans) exporter.export(s);
    await exporter.close();
    const ids = officialSpanIds(receiver);
    assert.deepEqual(ids, spans.map((s) => s.ctx.spanId.toString()));
    assert.equal(new Set(ids).size, 500);
    const stats = exporter.stats();
    assert.equal(stats.exported, 500);
    assert.equal(stats.failedToSend, 0);
    assert.equal(stats.retries, 6);
    assert.ok(receiver.requests.every((r) => r.contentEncoding === "gzip"));
    assert.ok(receiver.requests.every((r) => r.body.length <= 16 * 1024));
    // Intact: names, attributes, events as sent.
    const first = receiver.spans[0]!;
    assert.equal(first.name, "GET /api/v2/query");
    assert.equal(first.attributes["http.target"], spans[0]!.metadata.get("http.target"));
    assert.equal(first.events[0]?.attributes.key, "partition-42");
  } finally {
    await receiver.close();
  }
});

Deno.test("400 and other non-retryable statuses are not retried; the spans are counted as failed", async () => {
  const receiver = await MockOtlpReceiver.start();
  try {
    receiver.respondNext({ status: 400 });
    const exporter = new OtlpExporter(fast(`${receiver.url}/v1/traces`));
    for (const s of makeStandardSpans(3)) exporter.export(s);
    await exporter.drain();
    assert.equal(receiver.requests.length, 1);
    assert.deepEqual(exporter.stats(), {
      exported: 0,
      droppedQueueFull: 0,
      droppedTooLarge: 0,
      failedToSend: 3,
      packets: 0,
      retries: 0,
      rejectedSpans: 0,
    });
    receiver.respondNext({ status: 401 }, { status: 500 });
    for (const s of makeStandardSpans(2)) exporter.export(s);
    await exporter.drain();
    for (const s of makeStandardSpans(2)) exporter.export(s);
    await exporter.drain();
    for (const s of makeStandardSpans(1)) exporter.export(s);
    await exporter.close();
    assert.equal(receiver.requests.length, 4);
    assert.equal(exporter.stats().failedToSend, 7);
    assert.equal(exporter.stats().exported, 1);
    assert.equal(exporter.stats().retries, 0);
  } finally {
    await receiver.close();
  }
});

Deno.test("Retry-After is honoured; a partial success's rejected spans are counted and warned about", async () => {
  const receiver = await MockOtlpReceiver.start();
  try {
    receiver.respondNext({ status: 429, retryAfter: "1" }, {
      rejectedSpans: 2,
      errorMessage: "too old",
    });
    const warnings: string[] = [];
    const sink = new OtlpHttpSink({
      url: `${receiver.url}/v1/traces`,
      initialBackoffMs: 1,
      warn: (m) => warnings.push(m),
    });
    const exporter = new OtlpExporter({
      ...fast(`${receiver.url}/v1/traces`),
      initialBackoffMs: 1,
      warn: (m: string) => warnings.push(m),
    });
    void sink;
    for (const s of makeStandardSpans(3)) exporter.export(s);
    const started = performance.now();
    await exporter.close();
    assert.ok(performance.now() - started >= 900, "waited for Retry-After");
    const stats = exporter.stats();
    assert.equal(stats.exported, 3);
    assert.equal(stats.retries, 1);
    assert.equal(stats.rejectedSpans, 2);
    assert.ok(warnings.some((w) => /rejected 2 span\(s\): too old/.test(w)));
  } finally {
    await receiver.close();
  }
});

Deno.test("a slow receiver: each request times out; then the receiver is taken as down and bodies fail at once", async () => {
  const receiver = await MockOtlpReceiver.start();
  try {
    receiver.respondNext({ delayMs: 400 }, { delayMs: 400 }, { delayMs: 400 });
    const exporter = new OtlpExporter(
      fast(`${receiver.url}/v1/traces`, { timeoutMs: 50, maxAttempts: 2, maxBatchBytes: 4096 }),
    );
    const spans = makeStandardSpans(100);
    for (const s of spans) exporter.export(s);
    await exporter.close();
    const stats = exporter.stats();
    assert.equal(stats.exported, 0);
    assert.equal(stats.failedToSend, 100);
    assert.equal(stats.retries, 1);
    assert.equal(exporter.sink.stats().requests, 2); // the rest failed without a request
  } finally {
    await receiver.close();
  }
});

Deno.test("an absent receiver: export never throws, drain() ends, every span is counted", async () => {
  const receiver = await MockOtlpReceiver.start();
  const url = `${receiver.url}/v1/traces`;
  await receiver.close(); // nothing listens there now
  const exporter = new OtlpExporter(fast(url, { maxBatchBytes: 4096 }));
  const spans = makeStandardSpans(1000);
  for (const s of spans) exporter.export(s);
  await exporter.drain();
  await exporter.close();
  const stats = exporter.stats();
  assert.equal(stats.failedToSend + stats.exported, 1000);
  assert.equal(stats.exported, 0);
  assert.ok(exporter.sink.stats().requests <= 10, `${exporter.sink.stats().requests} requests`);
});

Deno.test("JSON: content type and body as OTLP/JSON, every span once", async () => {
  const receiver = await MockOtlpReceiver.start();
  try {
    const exporter = new OtlpExporter(fast(`${receiver.url}/v1/traces`, { format: "json" }));
    const spans = makeStandardSpans(200);
    for (const s of spans) exporter.export(s);
    await exporter.close();
    assert.ok(receiver.requests.every((r) => r.contentType === "application/json"));
    const ids = receiver.requests.flatMap((r) => decodeOtlpJson(r.body).spans.map((s) => s.spanId));
    assert.deepEqual(ids, spans.map((s) => s.ctx.spanId.toString()));
    assert.equal(exporter.stats().exported, 200);
  } finally {
    await receiver.close();
  }
});

Deno.test("OtlpHttpSink: bounded concurrent requests; headers sent; bad options are named errors", async () => {
  let inFlight = 0;
  let most = 0;
  const seen: Headers[] = [];
  const sink = new OtlpHttpSink({
    url: "http://127.0.0.1:9/v1/traces",
    headers: { authorization: "Bearer t" },
    maxConcurrentRequests: 3,
    fetch: async (_url, init) => {
      seen.push(new Headers(init?.headers));
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return new Response(null, { status: 200 });
    },
  });
  const results = await Promise.all(
    Array.from({ length: 10 }, () => sink.send(new Uint8Array([1]))),
  );
  assert.ok(results.every((r) => r));
  assert.equal(most, 3);
  assert.equal(seen[0]?.get("authorization"), "Bearer t");
  assert.equal(seen[0]?.get("content-type"), "application/x-protobuf");
  assert.throws(() => new OtlpHttpSink({ url: "ftp://x" }), TypeError);
  assert.throws(() => new OtlpHttpSink({ url: "not a url" }), TypeError);
  assert.throws(() => new OtlpHttpSink({ compression: "br" as never }), TypeError);
  assert.throws(() => new OtlpHttpSink({ timeoutMs: -1 }), RangeError);
  sink.close();
  assert.equal(await sink.send(new Uint8Array([1])), false);
});
