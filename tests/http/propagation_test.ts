// Outgoing headers, checked against the formats' specifications (W3C examples, the B3 README,
// IOx's format_jaeger_trace_context), and read back by the parser.

import assert from "node:assert/strict";
import {
  formatB3,
  formatJaegerTraceContext,
  formatTraceparent,
  injectTraceContext,
  TraceHeaderParser,
} from "../../http/mod.ts";
import { SpanContext, SpanId, TraceId } from "../../trace/mod.ts";

function ctx(
  trace: string,
  span: string,
  options: { parent?: string; sampled?: boolean; traceState?: string } = {},
): SpanContext {
  return new SpanContext({
    traceId: TraceId.parse(trace),
    spanId: SpanId.parse(span),
    parentSpanId: options.parent === undefined ? undefined : SpanId.parse(options.parent),
    sampled: options.sampled,
    traceState: options.traceState,
  });
}

Deno.test("formatTraceparent: the W3C examples", () => {
  assert.equal(
    formatTraceparent(ctx("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")),
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  );
  assert.equal(
    formatTraceparent(
      ctx("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", { sampled: false }),
    ),
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
  );
  // short ids are zero-padded to the full width, lower case
  assert.equal(
    formatTraceparent(ctx("ABC", "1")),
    "00-00000000000000000000000000000abc-0000000000000001-01",
  );
  assert.match(
    formatTraceparent(SpanContext.root()),
    /^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/, // sampled, and random ids: Level 2 flag 0x02
  );
});

Deno.test("formatB3: the B3 README's example", () => {
  assert.equal(
    formatB3(
      ctx("80f198ee56343ba864fe8b2a57d3eff7", "e457b5a2e4d86bd1", { parent: "05e3ac9a4f6e3b90" }),
    ),
    "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90",
  );
  assert.equal(
    formatB3(ctx("80f198ee56343ba864fe8b2a57d3eff7", "05e3ac9a4f6e3b90", { sampled: false })),
    "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-0",
  );
});

Deno.test("formatJaegerTraceContext: IOx's {:x}:{:x}:{:x}:{flags}", () => {
  // IOx test_format_jaeger_trace_context: TraceId 1234, SpanId 5678, parent 1357
  assert.equal(
    formatJaegerTraceContext(ctx((1234).toString(16), (5678).toString(16))),
    "4d2:162e:0:1",
  );
  assert.equal(
    formatJaegerTraceContext(
      ctx((1234).toString(16), (5678).toString(16), { parent: (1357).toString(16) }),
    ),
    "4d2:162e:54d:1",
  );
  assert.equal(
    formatJaegerTraceContext(ctx((1234).toString(16), (5678).toString(16), { sampled: false })),
    "4d2:162e:0:0",
  );
  assert.equal(
    formatJaegerTraceContext(ctx("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")),
    "4bf92f3577b34da6a3ce929d0e0e4736:f067aa0ba902b7:0:1",
  );
});

Deno.test("each format reads back to the same context (IOx's round trip)", () => {
  const parser = new TraceHeaderParser();
  const contexts = [
    ctx("4d2", "162e"),
    ctx("4d2", "162e", { parent: "54d" }),
    ctx("4d2", "162e", { sampled: false }),
    ctx("ffffffffffffffffffffffffffffffff", "ffffffffffffffff", { parent: "1" }),
  ];
  for (const original of contexts) {
    for (const format of ["jaeger", "w3c", "b3", "b3multi"] as const) {
      const headers = injectTraceContext(original, new Headers(), [format]);
      const back = new TraceHeaderParser({ formats: [format] }).parse(headers);
      assert.ok(back?.traceId.equals(original.traceId), format);
      assert.ok(back?.spanId.equals(original.spanId), format);
      assert.equal(back?.sampled, original.sampled, format);
      if (format !== "w3c") {
        assert.equal(back?.parentSpanId?.toString(), original.parentSpanId?.toString(), format);
      }
      assert.ok(parser.parse(headers)?.traceId.equals(original.traceId));
    }
  }
});

Deno.test("injectTraceContext", async (t) => {
  const c = ctx("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", {
    parent: "1",
    traceState: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
  });

  await t.step("defaults to Jaeger and W3C, with tracestate carried through", () => {
    const h = injectTraceContext(c, new Headers());
    assert.deepEqual([...h.keys()].sort(), ["traceparent", "tracestate", "uber-trace-id"]);
    assert.equal(h.get("tracestate"), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  });

  await t.step("b3multi writes the X-B3 headers", () => {
    const h = injectTraceContext(c, new Headers(), ["b3multi"]);
    assert.equal(h.get("x-b3-traceid"), "4bf92f3577b34da6a3ce929d0e0e4736");
    assert.equal(h.get("x-b3-spanid"), "00f067aa0ba902b7");
    assert.equal(h.get("x-b3-parentspanid"), "0000000000000001");
    assert.equal(h.get("x-b3-sampled"), "1");
    const root = injectTraceContext(ctx("1", "2"), new Headers(), ["b3multi"]);
    assert.equal(root.has("x-b3-parentspanid"), false);
  });

  await t.step("replaces headers already there, and uses a custom Jaeger name", () => {
    const h = new Headers({ traceparent: "stale", "my-trace": "stale" });
    injectTraceContext(c, h, ["w3c", "jaeger"], { jaegerTraceContextHeaderName: "my-trace" });
    assert.equal(h.get("traceparent"), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assert.equal(h.get("my-trace"), "4bf92f3577b34da6a3ce929d0e0e4736:f067aa0ba902b7:1:1");
    assert.equal(h.has("uber-trace-id"), false);
  });

  await t.step("works on any sink with set(), such as a Map", () => {
    const m = injectTraceContext(c, new Map<string, string>(), ["b3"]);
    assert.equal(
      m.get("b3"),
      "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1-0000000000000001",
    );
  });

  await t.step("an unknown format is a TypeError", () => {
    // deno-lint-ignore no-explicit-any
    assert.throws(() => injectTraceContext(c, new Headers(), ["zipkin" as any]), TypeError);
  });
});
