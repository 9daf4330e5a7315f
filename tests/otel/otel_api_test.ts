// Code written only against @opentelemetry/api, with spanwire registered as its implementation:
// nesting across await, attributes, events, exceptions, links, status, kinds, times, sampling,
// inject/extract against the header specifications' own examples, and one shared active context
// with spanwire's own API. The expectations come from the API's documented semantics and the
// W3C / B3 / Jaeger header specifications, not from spanwire's output.

import assert from "node:assert/strict";
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span as OtelSpan,
  type SpanContext as SpanContextApi,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
} from "@opentelemetry/api";
import { register, type Registration } from "../../otel/mod.ts";
import { currentSpanContext, withSpanContext } from "../../context/mod.ts";
import { traceLayer } from "../../http/trace_layer.ts";
import { RingBufferTraceCollector } from "../../trace/ring_buffer_collector.ts";
import type { Span } from "../../trace/span.ts";
import { SpanContext } from "../../trace/span_context.ts";
import { SpanRecorder } from "../../trace/span_recorder.ts";
import { alwaysOff, parentBased, type Sampler } from "../../trace/sampler.ts";

const tick = (ms = 1): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers spanwire with a fresh collector around `fn`, and takes it back after. */
async function withRegistered(
  fn: (collector: RingBufferTraceCollector, registration: Registration) => Promise<void> | void,
  options: { sampler?: Sampler; recordScope?: boolean } = {},
): Promise<void> {
  const collector = new RingBufferTraceCollector(1000);
  const registration = register({ collector, ...options });
  try {
    await fn(collector, registration);
  } finally {
    registration.unregister();
  }
}

function byName(collector: RingBufferTraceCollector, name: string): Span {
  const found = collector.spans().filter((s) => s.name === name);
  assert.equal(found.length, 1, `exactly one span named ${name}`);
  return found[0]!;
}

Deno.test("nested startActiveSpan across await: parents, trace ids, concurrency", async () => {
  await withRegistered(async (collector) => {
    const tracer = trace.getTracer("test");
    const seenActive: string[] = [];
    await tracer.startActiveSpan("request", async (request) => {
      await tick();
      seenActive.push(trace.getActiveSpan()!.spanContext().spanId);
      await Promise.all(
        ["a", "b", "c"].map((name) =>
          tracer.startActiveSpan(`step ${name}`, async (step) => {
            await tick(Math.floor(Math.random() * 3));
            await tracer.startActiveSpan(`inner ${name}`, async (inner) => {
              await tick();
              assert.equal(trace.getActiveSpan(), inner);
              inner.end();
            });
            assert.equal(trace.getActiveSpan(), step);
            step.end();
          })
        ),
      );
      assert.equal(trace.getActiveSpan(), request);
      request.end();
    });
    assert.equal(trace.getActiveSpan(), undefined);
    const request = byName(collector, "request");
    assert.equal(seenActive[0], request.ctx.spanId.toString());
    assert.equal(request.ctx.parentSpanId, undefined);
    for (const name of ["a", "b", "c"]) {
      const step = byName(collector, `step ${name}`);
      const inner = byName(collector, `inner ${name}`);
      assert.ok(step.ctx.parentSpanId?.equals(request.ctx.spanId));
      assert.ok(inner.ctx.parentSpanId?.equals(step.ctx.spanId));
      assert.ok(inner.ctx.traceId.equals(request.ctx.traceId));
    }
    assert.equal(collector.spans().length, 7);
  });
});

Deno.test("startActiveSpan: every overload, its return value, explicit context and root", async () => {
  await withRegistered((collector) => {
    const tracer = trace.getTracer("test");
    const parent = tracer.startSpan("parent");
    const parentCtx = trace.setSpan(ROOT_CONTEXT, parent);
    assert.equal(tracer.startActiveSpan("one", (s) => (s.end(), 1)), 1);
    assert.equal(
      tracer.startActiveSpan("two", { kind: SpanKind.PRODUCER }, (s) => (s.end(), 2)),
      2,
    );
    assert.equal(
      tracer.startActiveSpan("three", {}, parentCtx, (s) => {
        assert.equal(trace.getActiveSpan(), s);
        s.end();
        return 3;
      }),
      3,
    );
    context.with(parentCtx, () => {
      tracer.startSpan("implicit child").end();
      tracer.startSpan("new root", { root: true }).end();
    });
    parent.end();
    const p = byName(collector, "parent");
    assert.equal(byName(collector, "one").ctx.parentSpanId, undefined);
    assert.equal(byName(collector, "two").kind, "producer");
    assert.ok(byName(collector, "three").ctx.parentSpanId?.equals(p.ctx.spanId));
    assert.ok(byName(collector, "implicit child").ctx.parentSpanId?.equals(p.ctx.spanId));
    const root = byName(collector, "new root");
    assert.equal(root.ctx.parentSpanId, undefined);
    assert.ok(!root.ctx.traceId.equals(p.ctx.traceId));
  });
});

Deno.test("attributes: scalars as they are, arrays and maps as JSON, bad values dropped and counted", async () => {
  await withRegistered((collector) => {
    const tracer = trace.getTracer("attrs", "1.2.3");
    const span = tracer.startSpan("attrs", {
      attributes: { "at.start": "yes", "nothing": undefined, "n": null },
    });
    span.setAttribute("http.method", "GET");
    span.setAttribute("http.status_code", 200);
    span.setAttribute("ratio", 0.25);
    span.setAttribute("cached", true);
    span.setAttribute("big", 12345678901234567890n);
    span.setAttribute("strings", ["a", "b"]);
    span.setAttribute("numbers", [1, 2.5, 3]);
    span.setAttribute("bools", [true, false]);
    span.setAttribute("with holes", ["a", null, undefined]);
    span.setAttribute("map", { k: 1, nested: [1] });
    span.setAttribute("bytes", new Uint8Array([104, 105]));
    span.setAttribute("", "empty key");
    span.setAttributes({ "x.a": 1, "x.b": "two", "x.c": undefined });
    span.setAttribute("http.method", "POST"); // last value wins, as the API says
    span.end();
    const s = collector.spans()[0]!;
    const m = s.metadata;
    assert.equal(m.get("at.start"), "yes");
    assert.equal(m.get("http.method"), "POST");
    assert.equal(m.get("http.status_code"), 200);
    assert.equal(m.get("ratio"), 0.25);
    assert.equal(m.get("cached"), true);
    assert.equal(m.get("big"), 12345678901234567890n);
    assert.equal(m.get("strings"), '["a","b"]');
    assert.equal(m.get("numbers"), "[1,2.5,3]");
    assert.equal(m.get("bools"), "[true,false]");
    assert.equal(m.get("with holes"), '["a",null,null]');
    assert.equal(m.get("map"), '{"k":1,"nested":[1]}');
    assert.equal(m.get("bytes"), btoa("hi"));
    assert.equal(m.get("x.a"), 1);
    assert.equal(m.get("x.b"), "two");
    assert.equal(m.has("nothing"), false);
    assert.equal(m.has(""), false);
    // nothing, n, "" and x.c.
    assert.equal(m.get("otel.dropped_attributes_count"), 4);
    assert.equal(m.get("otel.scope.name"), "attrs");
    assert.equal(m.get("otel.scope.version"), "1.2.3");
  }, { recordScope: true });
});

Deno.test("events, exceptions and times: TimeInput forms, exception conventions", async () => {
  await withRegistered((collector) => {
    const tracer = trace.getTracer("events");
    const epochMs = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const span = tracer.startSpan("times", { startTime: [epochMs / 1000 - 1, 500_000] });
    span.addEvent("ms", epochMs);
    span.addEvent("date", new Date(epochMs));
    span.addEvent("hrtime", [Math.floor(epochMs / 1000), 678_123_456]);
    span.addEvent("with attributes", { key: "partition-42", rows: 3 }, epochMs);
    span.addEvent("perf", performance.now());
    span.recordException(new RangeError("too many rows"), epochMs);
    span.recordException("a string");
    span.recordException({ code: "ECONNRESET", message: "socket hang up" });
    span.recordException({ name: "CustomError" });
    span.end(new Date(epochMs + 1000));
    const s = collector.spans()[0]!;
    const ev = (name: string) => s.events.find((e) => e.message === name)!;
    // HrTime [s, ns]: microseconds since the epoch.
    assert.equal(s.start, (epochMs / 1000 - 1) * 1e6 + 500);
    assert.equal(ev("ms").time, epochMs * 1000);
    assert.equal(ev("date").time, epochMs * 1000);
    assert.equal(ev("hrtime").time, Math.floor(epochMs / 1000) * 1e6 + 678_123.456);
    assert.equal(ev("with attributes").time, epochMs * 1000);
    assert.equal(ev("with attributes").metadata.get("key"), "partition-42");
    assert.equal(ev("with attributes").metadata.get("rows"), 3);
    // performance.now() readings are relative to performance.timeOrigin.
    assert.ok(Math.abs(ev("perf").time / 1000 - Date.now()) < 60_000);
    assert.equal(s.end, (epochMs + 1000) * 1000);

    const exceptions = s.events.filter((e) => e.message === "exception");
    assert.equal(exceptions.length, 4);
    const [range, str, coded, named] = exceptions.map((e) => e.metadata);
    assert.equal(range!.get("exception.type"), "RangeError");
    assert.equal(range!.get("exception.message"), "too many rows");
    assert.match(String(range!.get("exception.stacktrace")), /RangeError: too many rows/);
    assert.equal(exceptions[0]!.time, epochMs * 1000);
    assert.equal(str!.get("exception.message"), "a string");
    assert.equal(str!.has("exception.type"), false);
    assert.equal(coded!.get("exception.type"), "ECONNRESET");
    assert.equal(coded!.get("exception.message"), "socket hang up");
    assert.equal(named!.get("exception.type"), "CustomError");
    // recordException does not set the status (the API leaves that to the caller).
    assert.equal(s.status, "unknown");
  });
});

Deno.test("end: once, never before the start; nothing changes after it", async () => {
  await withRegistered((collector) => {
    const tracer = trace.getTracer("end");
    const span = tracer.startSpan("early", { startTime: 2_000_000_000_000 });
    assert.equal(span.isRecording(), true);
    span.end(1_000_000_000_000);
    assert.equal(span.isRecording(), false);
    span.setAttribute("late", 1).addEvent("late").updateName("renamed");
    span.setStatus({ code: SpanStatusCode.ERROR });
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (message: string) => warnings.push(message);
    try {
      span.end();
    } finally {
      console.warn = warn;
    }
    assert.equal(collector.spans().length, 1);
    const s = collector.spans()[0]!;
    assert.equal(s.name, "early");
    assert.equal(s.start, 2_000_000_000_000_000);
    assert.equal(s.end, s.start);
    assert.equal(s.metadata.has("late"), false);
    assert.equal(s.events.length, 0);
    assert.equal(s.status, "unknown");
    assert.ok(warnings.length <= 1);
  });
});

Deno.test("status: OK is final, ERROR keeps the last message, UNSET changes nothing", async () => {
  await withRegistered((collector) => {
    const tracer = trace.getTracer("status");
    const a = tracer.startSpan("error then ok");
    a.setStatus({ code: SpanStatusCode.ERROR, message: "first" });
    a.setStatus({ code: SpanStatusCode.ERROR, message: "second" });
    a.setStatus({ code: SpanStatusCode.UNSET });
    a.end();
    const b = tracer.startSpan("ok then error");
    b.setStatus({ code: SpanStatusCode.OK, message: "ignored for OK" });
    b.setStatus({ code: SpanStatusCode.ERROR, message: "too late" });
    b.end();
    const c = tracer.startSpan("error then ok 2");
    c.setStatus({ code: SpanStatusCode.ERROR, message: "x" });
    c.setStatus({ code: SpanStatusCode.OK });
    c.end();
    assert.equal(byName(collector, "error then ok").status, "error");
    assert.equal(byName(collector, "error then ok").statusMessage, "second");
    assert.equal(byName(collector, "ok then error").status, "ok");
    assert.equal(byName(collector, "ok then error").statusMessage, undefined);
    assert.equal(byName(collector, "error then ok 2").status, "ok");
  });
});

Deno.test("scope: not recorded unless recordScope", async () => {
  await withRegistered((collector) => {
    trace.getTracer("quiet", "1.0.0").startSpan("s").end();
    assert.equal(collector.spans()[0]!.metadata.size, 0);
  });
});

Deno.test("kinds: the five SpanKind values", async () => {
  await withRegistered((collector) => {
    const tracer = trace.getTracer("kinds");
    const kinds: [SpanKind | undefined, string][] = [
      [undefined, "internal"],
      [SpanKind.INTERNAL, "internal"],
      [SpanKind.SERVER, "server"],
      [SpanKind.CLIENT, "client"],
      [SpanKind.PRODUCER, "producer"],
      [SpanKind.CONSUMER, "consumer"],
    ];
    for (const [kind, name] of kinds) {
      tracer.startSpan(`${kind}`, kind === undefined ? {} : { kind }).end();
      const span = byName(collector, `${kind}`);
      assert.equal(span.kind, name);
      // Jaeger has no kind field: the OpenTracing tag, as traceLayer and tracedFetch set it.
      // The kind lives in its field; the Jaeger mapping writes the span.kind tag from it.
      assert.equal(span.metadata.get("span.kind"), undefined);
    }
  });
});

Deno.test("links: at start, addLink, addLinks; invalid ones and link attributes counted", async () => {
  await withRegistered((collector) => {
    const tracer = trace.getTracer("links");
    const producer = tracer.startSpan("producer");
    producer.end();
    const remote = {
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: TraceFlags.SAMPLED,
    };
    const invalid = { traceId: "0".repeat(32), spanId: "0".repeat(16), traceFlags: 0 };
    const span = tracer.startSpan("consumer", {
      links: [{ context: producer.spanContext(), attributes: { why: "batch" } }],
    });
    span.addLink({ context: remote });
    span.addLinks([{ context: invalid }, { context: remote, attributes: { a: 1, b: 2 } }]);
    span.end();
    const s = byName(collector, "consumer");
    assert.deepEqual(
      s.ctx.links.map((l) => [l.traceId.toString(), l.spanId.toString()]),
      [
        [producer.spanContext().traceId, producer.spanContext().spanId],
        [remote.traceId, remote.spanId],
        [remote.traceId, remote.spanId],
      ],
    );
    assert.equal(s.metadata.get("otel.dropped_links_count"), 1);
    assert.equal(s.metadata.get("otel.dropped_link_attributes_count"), 3);
  });
});

Deno.test("spanContext: ids as the API formats them, flags, not remote", async () => {
  await withRegistered((collector) => {
    const span = trace.getTracer("ctx").startSpan("s");
    const sc = span.spanContext();
    assert.match(sc.traceId, /^[0-9a-f]{32}$/);
    assert.match(sc.spanId, /^[0-9a-f]{16}$/);
    // Sampled, and nothing else: as OpenTelemetry's SDK, a new trace does not set W3C Level 2's
    // random flag (0x02).
    assert.equal(sc.traceFlags, TraceFlags.SAMPLED);
    assert.equal(sc.isRemote, false);
    span.end();
    assert.equal(collector.spans()[0]!.ctx.traceId.toString(), sc.traceId);
    assert.equal(collector.spans()[0]!.ctx.spanId.toString(), sc.spanId);
  });
});

Deno.test("parent ids: valid exactly when the API's isSpanContextValid says so, read as its hex", async () => {
  await withRegistered((collector) => {
    const tracer = trace.getTracer("ids");
    const T = "4bf92f3577b34da6a3ce929d0e0e4736";
    const S = "00f067aa0ba902b7";
    const traceIds: unknown[] = [
      T,
      T.toUpperCase(),
      "4BF92f3577B34DA6a3ce929d0e0e4736",
      "f".repeat(32),
      "0".repeat(31) + "1",
      "0".repeat(32),
      T.slice(1),
      T + "0",
      T.slice(0, 31) + "g",
      "G" + T.slice(1),
      T.slice(0, 16) + "-" + T.slice(17),
      T.slice(0, 31) + "\u0661", // an Arabic-Indic digit: not hex
      T.slice(0, 8) + " " + T.slice(9),
      "",
      undefined,
      42,
    ];
    const spanIds: unknown[] = [
      S,
      S.toUpperCase(),
      "0".repeat(15) + "1",
      "F".repeat(16),
      "0".repeat(16),
      S.slice(1),
      S + "a",
      S.slice(0, 15) + "x",
      S.slice(0, 15) + "\u00e9",
      null,
    ];
    let n = 0;
    for (const traceId of traceIds) {
      for (const spanId of spanIds) {
        const sc = { traceId, spanId, traceFlags: TraceFlags.SAMPLED } as unknown as SpanContextApi;
        const name = `child ${n++}`;
        const span = tracer.startSpan(
          name,
          { links: [{ context: sc }] },
          trace.setSpanContext(ROOT_CONTEXT, sc),
        );
        span.end();
        const s = byName(collector, name);
        const label = `${String(traceId)} / ${String(spanId)}`;
        if (isSpanContextValid(sc)) {
          assert.equal(s.ctx.traceId.toString(), (traceId as string).toLowerCase(), label);
          assert.equal(s.ctx.parentSpanId?.toString(), (spanId as string).toLowerCase(), label);
          assert.equal(s.ctx.links.length, 1, label);
          assert.equal(s.metadata.get("otel.dropped_links_count"), undefined, label);
        } else {
          assert.equal(s.ctx.parentSpanId, undefined, label);
          assert.notEqual(s.ctx.traceId.toString(), String(traceId).toLowerCase(), label);
          assert.equal(s.ctx.links.length, 0, label);
          assert.equal(s.metadata.get("otel.dropped_links_count"), 1, label);
        }
      }
    }
  });
});

// The specifications' own example values.
const W3C_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const W3C_PARENT = "00f067aa0ba902b7";
const B3_TRACE = "80f198ee56343ba864fe8b2a57d3eff7";
const B3_SPAN = "e457b5a2e4d86bd1";

Deno.test("extract then inject: W3C (with tracestate), Jaeger, B3 single and multi", async () => {
  await withRegistered((collector) => {
    const tracer = trace.getTracer("prop");
    const cases: { headers: Record<string, string>; trace: string; parent: string }[] = [
      {
        headers: {
          traceparent: `00-${W3C_TRACE}-${W3C_PARENT}-01`,
          tracestate: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
        },
        trace: W3C_TRACE,
        parent: W3C_PARENT,
      },
      {
        headers: { "uber-trace-id": `${W3C_TRACE}:${W3C_PARENT}:0:1` },
        trace: W3C_TRACE,
        parent: W3C_PARENT,
      },
      {
        headers: { b3: `${B3_TRACE}-${B3_SPAN}-1-05e3ac9a4f6e3b90` },
        trace: B3_TRACE,
        parent: B3_SPAN,
      },
      {
        headers: {
          "x-b3-traceid": B3_TRACE,
          "x-b3-spanid": B3_SPAN,
          "x-b3-parentspanid": "05e3ac9a4f6e3b90",
          "x-b3-sampled": "1",
        },
        trace: B3_TRACE,
        parent: B3_SPAN,
      },
    ];
    for (const c of cases) {
      const extracted = propagation.extract(ROOT_CONTEXT, c.headers, defaultTextMapGetter);
      const remote = trace.getSpanContext(extracted)!;
      assert.equal(remote.traceId, c.trace);
      assert.equal(remote.spanId, c.parent);
      assert.equal(remote.isRemote, true);
      assert.equal(remote.traceFlags, TraceFlags.SAMPLED);
      const span = tracer.startSpan("server", { kind: SpanKind.SERVER }, extracted);
      const out: Record<string, string> = {};
      propagation.inject(trace.setSpan(ROOT_CONTEXT, span), out, defaultTextMapSetter);
      const sc = span.spanContext();
      span.end();
      // Outgoing: W3C `00-trace-span-01` and Jaeger `trace:span:parent:1` (hex, no leading 0s).
      assert.equal(out.traceparent, `00-${c.trace}-${sc.spanId}-01`);
      const strip = (hex: string) => hex.replace(/^0+/, "");
      assert.equal(
        out["uber-trace-id"],
        `${strip(c.trace)}:${strip(sc.spanId)}:${strip(c.parent)}:1`,
      );
      if (c.headers.tracestate !== undefined) assert.equal(out.tracestate, c.headers.tracestate);
      const recorded = collector.spans().at(-1)!;
      assert.equal(recorded.ctx.traceId.toString(), c.trace);
      assert.equal(recorded.ctx.parentSpanId?.toString(), c.parent);
    }
    assert.deepEqual(
      propagation.fields().sort(),
      [
        "b3",
        "traceparent",
        "tracestate",
        "uber-trace-id",
        "x-b3-flags",
        "x-b3-parentspanid",
        "x-b3-sampled",
        "x-b3-spanid",
        "x-b3-traceid",
      ],
    );
  });
});

Deno.test("W3C Level 2: a random flag that comes in goes out, on every child", async () => {
  await withRegistered(() => {
    const tracer = trace.getTracer("random");
    const extracted = propagation.extract(
      ROOT_CONTEXT,
      { traceparent: `00-${W3C_TRACE}-${W3C_PARENT}-03` },
      defaultTextMapGetter,
    );
    assert.equal(trace.getSpanContext(extracted)?.traceFlags, 0x03);
    const span = tracer.startSpan("child", {}, extracted);
    assert.equal(span.spanContext().traceFlags, 0x03);
    const out: Record<string, string> = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, span), out, defaultTextMapSetter);
    assert.equal(out.traceparent, `00-${W3C_TRACE}-${span.spanContext().spanId}-03`);
    span.end();
  });
});

Deno.test("extract: malformed headers leave the context alone and never throw", async () => {
  await withRegistered(() => {
    const warn = console.warn;
    console.warn = () => {};
    try {
      for (
        const headers of [
          { traceparent: `00-${"0".repeat(32)}-${W3C_PARENT}-01` },
          { traceparent: "garbage" },
          { "uber-trace-id": "0:1:0:1" },
          { b3: "not-b3-at-all" },
        ]
      ) {
        const ctx = propagation.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
        assert.equal(ctx, ROOT_CONTEXT);
      }
    } finally {
      console.warn = warn;
    }
  });
});

Deno.test("sampling: an unsampled parent's children do not record, are never exported, and propagate 00", async () => {
  await withRegistered((collector) => {
    const tracer = trace.getTracer("sampling");
    const extracted = propagation.extract(
      ROOT_CONTEXT,
      { traceparent: `00-${W3C_TRACE}-${W3C_PARENT}-00` },
      defaultTextMapGetter,
    );
    tracer.startActiveSpan("unsampled", {}, extracted, (span) => {
      assert.equal(span.isRecording(), false);
      span.setAttribute("ignored", 1);
      const out: Record<string, string> = {};
      propagation.inject(context.active(), out, defaultTextMapSetter);
      assert.match(out.traceparent!, new RegExp(`^00-${W3C_TRACE}-[0-9a-f]{16}-00$`));
      assert.notEqual(out.traceparent!.split("-")[2], W3C_PARENT);
      const child = tracer.startSpan("child");
      assert.equal(child.isRecording(), false);
      assert.equal(child.spanContext().traceId, W3C_TRACE);
      child.end();
      span.end();
    });
    assert.equal(collector.spans().length, 0);
  });
  await withRegistered((collector) => {
    const span = trace.getTracer("off").startSpan("root");
    assert.equal(span.isRecording(), false);
    assert.equal(span.spanContext().traceFlags, TraceFlags.NONE);
    span.end();
    assert.equal(collector.spans().length, 0);
  }, { sampler: parentBased(alwaysOff()) });
});

Deno.test("sampling: a sampler that throws never fails startSpan; the parent's decision stands", async () => {
  const warn = console.warn;
  console.warn = () => {};
  try {
    const throwing: Sampler = {
      description: "broken",
      startsTraces: true,
      shouldSample: () => {
        throw new Error("boom");
      },
    };
    await withRegistered((collector) => {
      const tracer = trace.getTracer("broken");
      const root = tracer.startSpan("root");
      assert.equal(root.isRecording(), false);
      const sampledParent = propagation.extract(
        ROOT_CONTEXT,
        { traceparent: `00-${W3C_TRACE}-${W3C_PARENT}-01` },
        defaultTextMapGetter,
      );
      const child = tracer.startSpan("child", {}, sampledParent);
      assert.equal(child.isRecording(), true);
      child.end();
      root.end();
      assert.deepEqual(collector.spans().map((s) => s.name), ["child"]);
    }, { sampler: throwing });
  } finally {
    console.warn = warn;
  }
});

Deno.test("one active context: spanwire's current span and the API's active span agree both ways", async () => {
  await withRegistered(async (collector) => {
    const tracer = trace.getTracer("shared");
    // spanwire -> OpenTelemetry.
    const root = SpanContext.root(collector);
    await withSpanContext(root, async () => {
      await tick();
      const active = trace.getActiveSpan()!;
      assert.equal(active.spanContext().spanId, root.spanId.toString());
      assert.equal(active.isRecording(), false);
      await tracer.startActiveSpan("otel child of spanwire", async (span) => {
        await tick();
        // OpenTelemetry -> spanwire.
        assert.equal(currentSpanContext()?.spanId.toString(), span.spanContext().spanId);
        // spanwire code below an OpenTelemetry span makes its children.
        const step = new SpanRecorder(currentSpanContext()?.child("spanwire grandchild"));
        await tick();
        step.finish();
        span.end();
      });
      assert.equal(currentSpanContext(), root);
    });
    const child = byName(collector, "otel child of spanwire");
    const grandchild = byName(collector, "spanwire grandchild");
    assert.ok(child.ctx.parentSpanId?.equals(root.spanId));
    assert.ok(grandchild.ctx.parentSpanId?.equals(child.ctx.spanId));
    assert.ok(grandchild.ctx.traceId.equals(root.traceId));
    // Outside everything: neither sees a span.
    assert.equal(currentSpanContext(), undefined);
    assert.equal(trace.getActiveSpan(), undefined);
  });
});

Deno.test("context values other than the span flow through spanwire's frames", async () => {
  await withRegistered(async () => {
    const key = Symbol("user value");
    const ctx = ROOT_CONTEXT.setValue(key, "kept");
    await context.with(ctx, async () => {
      await withSpanContext(SpanContext.root(), async () => {
        await tick();
        assert.equal(context.active().getValue(key), "kept");
        assert.ok(trace.getActiveSpan() !== undefined);
      });
      assert.equal(context.active(), ctx);
    });
  });
});

Deno.test("inside traceLayer, the API's active span is the server span", async () => {
  await withRegistered(async (collector) => {
    const tracer = trace.getTracer("handler");
    const app = traceLayer(async () => {
      await tick();
      const server = trace.getActiveSpan() as OtelSpan;
      server.updateName("GET /api/v2/query");
      server.setAttribute("route", "/api/v2/query");
      await tracer.startActiveSpan("db", async (db) => {
        await tick();
        db.end();
      });
      server.end(); // the layer ends it, not the handler
      return new Response("ok");
    }, { collector });
    const response = await app(
      new Request("http://app/api/v2/query", {
        headers: { traceparent: `00-${W3C_TRACE}-${W3C_PARENT}-01` },
      }),
    );
    await response.text();
    const server = byName(collector, "GET /api/v2/query");
    const db = byName(collector, "db");
    assert.equal(server.kind, "server");
    assert.equal(server.metadata.get("route"), "/api/v2/query");
    assert.ok(db.ctx.parentSpanId?.equals(server.ctx.spanId));
    assert.equal(server.ctx.parentSpanId?.toString(), W3C_PARENT);
    assert.equal(server.ctx.traceId.toString(), W3C_TRACE);
  });
});

Deno.test("register: refuses to replace another registration, leaving it installed", async () => {
  await withRegistered((_collector, registration) => {
    assert.throws(() => register({ collector: undefined }), /already registered/);
    assert.equal(
      (trace.getTracerProvider() as unknown as { getDelegate(): unknown }).getDelegate(),
      registration.provider,
    );
  });
});

Deno.test("context manager: bind runs a function in the bound context, wherever it is called", async () => {
  await withRegistered(async () => {
    const span = trace.getTracer("bind").startSpan("bound");
    const bound = context.bind(
      trace.setSpan(ROOT_CONTEXT, span),
      (x: number) => [trace.getActiveSpan(), currentSpanContext()?.spanId.toString(), x] as const,
    );
    await tick();
    const [active, current, x] = bound(7);
    assert.equal(active, span);
    assert.equal(current, span.spanContext().spanId);
    assert.equal(x, 7);
    assert.equal(trace.getActiveSpan(), undefined);
    const emitter = { on(): void {} };
    assert.equal(context.bind(ROOT_CONTEXT, emitter), emitter);
    span.end();
  });
});

Deno.test("propagator: a foreign span context (another SDK's) is injected; Headers carriers work", async () => {
  await withRegistered(() => {
    const foreign = trace.wrapSpanContext({
      traceId: W3C_TRACE,
      spanId: W3C_PARENT,
      traceFlags: TraceFlags.SAMPLED,
    });
    const headers = new Headers();
    propagation.inject(trace.setSpan(ROOT_CONTEXT, foreign), headers, {
      set: (carrier, key, value) => carrier.set(key, value),
    });
    assert.equal(headers.get("traceparent"), `00-${W3C_TRACE}-${W3C_PARENT}-01`);
    assert.equal(headers.get("uber-trace-id"), `${W3C_TRACE}:${W3C_PARENT.replace(/^0+/, "")}:0:1`);
    const back = propagation.extract(ROOT_CONTEXT, headers, {
      get: (carrier, key) => carrier.get(key) ?? undefined,
      keys: (carrier) => [...carrier.keys()],
    });
    assert.equal(trace.getSpanContext(back)?.spanId, W3C_PARENT);
    // A child of the foreign span is recorded in its trace.
    const child = trace.getTracer("foreign").startSpan(
      "child",
      {},
      trace.setSpan(ROOT_CONTEXT, foreign),
    );
    assert.equal(child.spanContext().traceId, W3C_TRACE);
    child.end();
  });
});
