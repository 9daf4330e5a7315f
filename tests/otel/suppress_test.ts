// Suppressed tracing, seen from OpenTelemetry with spanwire registered: spanwire's
// withTracingSuppressed is the SDK's SUPPRESS_TRACING key in context.active() (checked with
// @opentelemetry/core's own isTracingSuppressed, the function instrumentations and the SDK's
// propagator call), a context made with core's suppressTracing entered through context.with is a
// suppressed spanwire frame, the tracer makes no span and the propagator injects nothing there,
// and every request OtlpHttpSink makes (retries included) runs with tracing suppressed.

import assert from "node:assert/strict";
import {
  context,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  trace,
} from "@opentelemetry/api";
import { isTracingSuppressed as otelSuppressed, suppressTracing } from "@opentelemetry/core";
import { register } from "../../otel/mod.ts";
import {
  currentSpanContext,
  isTracingSuppressed,
  withSpanContext,
  withTracingSuppressed,
} from "../../context/mod.ts";
import { OtlpHttpSink } from "../../exporters/otlp/mod.ts";
import { RingBufferTraceCollector } from "../../trace/ring_buffer_collector.ts";
import { SpanContext } from "../../trace/span_context.ts";

const tick = (ms = 1): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function registered(
  fn: (collector: RingBufferTraceCollector) => Promise<void>,
): Promise<void> {
  const collector = new RingBufferTraceCollector(100);
  const registration = register({ collector });
  try {
    await fn(collector);
  } finally {
    registration.unregister();
  }
}

Deno.test("withTracingSuppressed is the SDK's SUPPRESS_TRACING key in context.active()", async () => {
  await registered(async () => {
    assert.equal(otelSuppressed(context.active()), false);
    const tracer = trace.getTracer("t");
    await tracer.startActiveSpan("outer", async (outer) => {
      await withTracingSuppressed(async () => {
        await tick();
        assert.equal(otelSuppressed(context.active()), true);
        // The active span is still the enclosing one.
        assert.equal(trace.getActiveSpan()?.spanContext().spanId, outer.spanContext().spanId);
        // A spanwire frame made inside keeps the mark, in both views.
        withSpanContext(
          SpanContext.root(),
          () => assert.equal(otelSuppressed(context.active()), true),
        );
      });
      assert.equal(otelSuppressed(context.active()), false, "not after");
      outer.end();
    });
  });
});

Deno.test("core's suppressTracing entered with context.with: a suppressed spanwire frame, no span, no header", async () => {
  await registered(async (collector) => {
    const tracer = trace.getTracer("t");
    const parent = tracer.startSpan("parent");
    const base = trace.setSpan(ROOT_CONTEXT, parent);
    await context.with(suppressTracing(base), async () => {
      await tick();
      assert.equal(isTracingSuppressed(), true);
      assert.equal(currentSpanContext()?.spanId.toString(), parent.spanContext().spanId);
      assert.equal(otelSuppressed(context.active()), true);
      const child = tracer.startSpan("suppressed child");
      assert.equal(child.isRecording(), false);
      child.end();
      const headers: Record<string, string> = {};
      propagation.inject(context.active(), headers, defaultTextMapSetter);
      assert.deepEqual(headers, {});
    });
    // The control: the same outside.
    await context.with(base, () => {
      assert.equal(isTracingSuppressed(), false);
      const child = tracer.startSpan("child");
      assert.equal(child.isRecording(), true);
      child.end();
      const headers: Record<string, string> = {};
      propagation.inject(context.active(), headers, defaultTextMapSetter);
      assert.match(headers.traceparent ?? "", /^00-/);
    });
    parent.end();
    assert.deepEqual(collector.spans().map((s) => s.name).sort(), ["child", "parent"]);
  });
});

Deno.test("OtlpHttpSink: every request, retries included, runs with tracing suppressed", async () => {
  await registered(async () => {
    const seen: boolean[] = [];
    let calls = 0;
    const sink = new OtlpHttpSink({
      url: "http://127.0.0.1:9/v1/traces",
      initialBackoffMs: 1,
      maxBackoffMs: 2,
      fetch: async () => {
        // What an instrumentation patched into the transport sees, before and after an await.
        seen.push(otelSuppressed(context.active()));
        await tick();
        seen.push(otelSuppressed(context.active()));
        calls++;
        return calls === 1
          ? new Response("", { status: 503, headers: { "retry-after": "0" } })
          : new Response(new Uint8Array(0), {
            status: 200,
            headers: { "content-type": "application/x-protobuf" },
          });
      },
    });
    const tracer = trace.getTracer("t");
    // Sent from inside a span (as an exporter's flush may be): still suppressed.
    const delivered = await tracer.startActiveSpan("app", async (span) => {
      const ok = await sink.send(new Uint8Array([1]));
      span.end();
      return ok;
    });
    assert.equal(delivered, true);
    assert.equal(calls, 2);
    assert.deepEqual(seen, [true, true, true, true]);
    assert.equal(otelSuppressed(context.active()), false);
    await sink.close();
  });
});
