// End to end under Node, through the built npm package: spans recorded with `spanwire`, exported
// by tracingFromEnv with TRACES_EXPORTER=otlp (OtlpExporter: fetch, gzip by CompressionStream)
// to a MockOtlpReceiver on 127.0.0.1, protobuf and JSON; and a 503 that is retried.

import { test } from "node:test";
import assert from "node:assert/strict";

const { tracingFromEnv } = await import("spanwire/exporters");
const { OtlpExporter } = await import("spanwire/exporters/otlp");
const { MockOtlpReceiver } = await import("spanwire/exporters/otlp/testing");
const { SpanContext, SpanId, TraceId, SpanRecorder, float } = await import("spanwire/trace");

for (const protocol of ["http/protobuf", "http/json"]) {
  test(`TRACES_EXPORTER=otlp (${protocol}, gzip) delivers every span with its fields`, async () => {
    const receiver = await MockOtlpReceiver.start();
    try {
      const tracing = tracingFromEnv({
        TRACES_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
        OTEL_SERVICE_NAME: "node-service",
        OTEL_RESOURCE_ATTRIBUTES: "env=test",
      }, { exitHooks: false });
      assert.ok(tracing.collector instanceof OtlpExporter);
      const parent = new SpanContext({
        traceId: TraceId.parse("4bf92f3577b34da6a3ce929d0e0e4736"),
        spanId: SpanId.parse("00f067aa0ba902b7"),
        collector: tracing.collector,
      });
      for (let i = 0; i < 50; i++) {
        const span = new SpanRecorder(parent.child(`op ${i}`));
        span.setMetadata("n", i).setMetadata("ratio", float(0.5)).event("e", { k: "v" }).ok();
        span.finish();
      }
      await tracing.shutdown();
      const spans = await receiver.waitForSpans(50);
      assert.equal(spans.length, 50);
      assert.deepEqual(spans.map((s) => s.name), Array.from({ length: 50 }, (_, i) => `op ${i}`));
      const s = spans[7];
      assert.equal(s.traceId, "4bf92f3577b34da6a3ce929d0e0e4736");
      assert.equal(s.parentSpanId, "00f067aa0ba902b7");
      assert.equal(s.serviceName, "node-service");
      assert.equal(s.resource.attributes.env, "test");
      assert.equal(s.attributes.n, 7n);
      assert.equal(s.attributes.ratio, 0.5);
      assert.equal(s.events[0].attributes.k, "v");
      assert.equal(s.status.code, 1);
      assert.ok(receiver.requests.every((r) => r.contentEncoding === "gzip"));
      assert.equal(tracing.collector.stats().exported, 50);
    } finally {
      await receiver.close();
    }
  });
}

test("a 503 with Retry-After is retried, nothing lost or doubled", async () => {
  const receiver = await MockOtlpReceiver.start();
  try {
    receiver.respondNext({ status: 503, retryAfter: "0" });
    const exporter = new OtlpExporter({ serviceName: "svc", url: `${receiver.url}/v1/traces` });
    const root = SpanContext.root(exporter);
    for (let i = 0; i < 10; i++) new SpanRecorder(root.child(`s${i}`)).finish();
    await exporter.close();
    assert.equal((await receiver.waitForSpans(10)).length, 10);
    assert.equal(receiver.spans.length, 10);
    assert.equal(exporter.stats().retries, 1);
    assert.equal(exporter.stats().exported, 10);
  } finally {
    await receiver.close();
  }
});

test("through tracingFromEnv on Node (node:http): a 503 is retried after Retry-After, a slow receiver times out, a partial success is counted", async () => {
  const receiver = await MockOtlpReceiver.start();
  try {
    receiver.respondNext(
      { status: 503, retryAfter: "0" },
      { rejectedSpans: 1, errorMessage: "old" },
      { delayMs: 1000 },
    );
    const tracing = tracingFromEnv({
      TRACES_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      OTEL_EXPORTER_OTLP_TIMEOUT: "100",
    }, { exitHooks: false, warn: () => {} });
    const root = SpanContext.root(tracing.collector);
    for (let i = 0; i < 3; i++) new SpanRecorder(root.child(`a${i}`)).finish();
    await tracing.collector.drain();
    let stats = tracing.collector.stats();
    assert.equal(stats.exported, 3);
    assert.equal(stats.retries, 1);
    assert.equal(stats.rejectedSpans, 1);
    // The next body meets a receiver slower than the timeout: aborted, retried, delivered.
    for (let i = 0; i < 2; i++) new SpanRecorder(root.child(`b${i}`)).finish();
    await tracing.shutdown();
    stats = tracing.collector.stats();
    assert.equal(stats.exported + stats.failedToSend, 5);
    assert.equal(stats.retries >= 2, true);
  } finally {
    await receiver.close();
  }
});
