// Table tests for TraceHeaderParser, from IOx's trace_http tests (ctx.rs), the W3C Trace
// Context specification and its test suite (test/test.py), and openzipkin/b3-propagation.

import assert from "node:assert/strict";
import { type HeaderSource, TraceContextError, TraceHeaderParser } from "../../http/mod.ts";
import { RingBufferTraceCollector } from "../../trace/mod.ts";

const collector = new RingBufferTraceCollector(10);
const parser = new TraceHeaderParser();

interface Expected {
  trace: bigint;
  span: bigint;
  parent?: bigint;
  sampled: boolean;
}

function expectContext(headers: HeaderSource, want: Expected, p = parser): void {
  const ctx = p.parse(headers, collector);
  assert.ok(ctx !== undefined, "expected a context");
  assert.equal(ctx.traceId.toBigInt(), want.trace);
  assert.equal(ctx.spanId.toBigInt(), want.span);
  assert.equal(ctx.parentSpanId?.toBigInt(), want.parent);
  assert.equal(ctx.sampled, want.sampled);
  assert.equal(ctx.collector, want.sampled ? collector : undefined);
}

function expectError(headers: HeaderSource, header: string, reason: RegExp, p = parser): void {
  assert.throws(() => p.parse(headers, collector), (error: unknown) => {
    assert.ok(error instanceof TraceContextError, `not a TraceContextError: ${error}`);
    assert.equal(error.header, header);
    assert.match(error.reason, reason);
    assert.ok(error.value.length <= 160, "the value is cut");
    assert.ok(error.message.includes(header));
    return true;
  });
}

Deno.test("Jaeger uber-trace-id (IOx's rules)", async (t) => {
  const valid: [string, Expected][] = [
    // IOx test_decode_jaeger
    ["343:4325345:0:0", { trace: 0x343n, span: 0x4325345n, sampled: false }],
    ["3a43:432e345:0:1", { trace: 0x3a43n, span: 0x432e345n, sampled: true }],
    ["343:4325345:3434:F", { trace: 0x343n, span: 0x4325345n, parent: 0x3434n, sampled: true }],
    [
      "008e813572f53b3a:008e813572f53b3a:0000000000000000:1",
      { trace: 0x008e813572f53b3an, span: 0x008e813572f53b3an, sampled: true },
    ],
    ["1:2:3:1", { trace: 1n, span: 2n, parent: 3n, sampled: true }],
    // flags: only bit 0 decides; debug (2) alone is not sampled, 3 is
    ["1:2:0:2", { trace: 1n, span: 2n, sampled: false }],
    ["1:2:0:03", { trace: 1n, span: 2n, sampled: true }],
    ["1:2:0:ff", { trace: 1n, span: 2n, sampled: true }],
    // full-width ids, upper case accepted (IOx parses with from_str_radix)
    [
      "4BF92F3577B34DA6A3CE929D0E0E4736:00F067AA0BA902B7:FFFFFFFFFFFFFFFF:1",
      {
        trace: 0x4bf92f3577b34da6a3ce929d0e0e4736n,
        span: 0x00f067aa0ba902b7n,
        parent: 0xffffffffffffffffn,
        sampled: true,
      },
    ],
    // URL-encoded separators, as Jaeger clients send them
    ["abc%3Adef%3A0%3A1", { trace: 0xabcn, span: 0xdefn, sampled: true }],
    ["abc%3adef%3a12%3a0", { trace: 0xabcn, span: 0xdefn, parent: 0x12n, sampled: false }],
  ];
  for (const [value, want] of valid) {
    await t.step(`accepts ${value}`, () => {
      expectContext(new Headers({ "uber-trace-id": value }), want);
    });
  }

  const invalid: [string, RegExp][] = [
    ["invalid", /expected "trace-id:span-id:parent-span-id:flags"/], // IOx
    ["0:4325345:3434:1", /trace id is zero/], // IOx: value cannot be 0
    ["1:0:0:1", /span id is zero/],
    ["00000000000000000000000000000000:1:0:1", /trace id is zero/],
    ["1:2:3", /found 3 fields/],
    ["1:2:3:1:5", /found 5 fields/],
    ["1-2-3-1", /found 1 field/], // wrong separator
    ["1;2;3;1", /found 1 field/],
    ["xyz:2:0:1", /trace id "xyz" is not hexadecimal/],
    ["1:2:zz:1", /parent span id "zz" is not hexadecimal/],
    ["1:2:0:x", /flags "x" are not a hexadecimal byte/],
    ["1:2:0:100", /flags "100" are not a hexadecimal byte/],
    ["1:2:0:", /flags "" are not a hexadecimal byte/],
    [":2:0:1", /trace id is empty/],
    ["1::0:1", /span id is empty/],
    ["1:2::1", /parent span id is empty/],
    ["1" + "0".repeat(32) + ":2:0:1", /trace id has 33 hex digits, more than 32/],
    ["1:1" + "0".repeat(16) + ":0:1", /span id has 17 hex digits, more than 16/],
    ["1:2:1" + "0".repeat(16) + ":1", /parent span id has 17 hex digits/],
    ["+1:2:0:1", /not hexadecimal/],
    ["0x1:2:0:1", /not hexadecimal/],
    [" 1:2:0:1 x", /flags "1 x" are not a hexadecimal byte/], // Headers trims the ends only
  ];
  for (const [value, reason] of invalid) {
    await t.step(`rejects ${JSON.stringify(value)}`, () => {
      expectError(new Headers({ "uber-trace-id": value }), "uber-trace-id", reason);
    });
  }

  await t.step("rejects a 10 KB value, cutting it in the error", () => {
    const value = "a".repeat(10_240) + ":1:0:1";
    expectError({ "uber-trace-id": value }, "uber-trace-id", /more than 32/);
    try {
      parser.parse({ "uber-trace-id": value });
    } catch (error) {
      assert.ok(error instanceof TraceContextError);
      assert.match(error.value, /\.\.\. \(10246 characters\)$/);
    }
  });

  await t.step("rejects a repeated header (joined with a comma)", () => {
    const headers = new Headers();
    headers.append("uber-trace-id", "1:2:0:1");
    headers.append("uber-trace-id", "1:2:0:1");
    expectError(headers, "uber-trace-id", /found 7 fields/);
  });

  await t.step("a custom header name is used and the default one ignored (IOx)", () => {
    const custom = new TraceHeaderParser({ jaegerTraceContextHeaderName: "my-awesome-header" });
    assert.equal(custom.parse(new Headers({ "uber-trace-id": "1:2:3:1" })), undefined);
    expectContext(
      new Headers({ "my-awesome-header": "1:2:3:1" }),
      { trace: 1n, span: 2n, parent: 3n, sampled: true },
      custom,
    );
  });

  await t.step("header names match in any case", () => {
    expectContext({ headers: new Headers({ "Uber-Trace-Id": "1:2:0:1" }) }, {
      trace: 1n,
      span: 2n,
      sampled: true,
    });
  });
});

Deno.test("W3C traceparent (the specification and its test suite)", async (t) => {
  const valid: [string, Expected][] = [
    [
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      { trace: 0x4bf92f3577b34da6a3ce929d0e0e4736n, span: 0x00f067aa0ba902b7n, sampled: true },
    ],
    [
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
      { trace: 0x4bf92f3577b34da6a3ce929d0e0e4736n, span: 0x00f067aa0ba902b7n, sampled: false },
    ],
    // other flags are ignored: only the sampled bit counts
    [
      "00-12345678901234567890123456789012-1234567890123456-09",
      { trace: 0x12345678901234567890123456789012n, span: 0x1234567890123456n, sampled: true },
    ],
    [
      "00-12345678901234567890123456789012-1234567890123456-fe",
      { trace: 0x12345678901234567890123456789012n, span: 0x1234567890123456n, sampled: false },
    ],
    // test_traceparent_version_0xcc: a higher version is read by the 00 prefix
    [
      "cc-12345678901234567890123456789012-1234567890123456-01",
      { trace: 0x12345678901234567890123456789012n, span: 0x1234567890123456n, sampled: true },
    ],
    [
      "cc-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like",
      { trace: 0x12345678901234567890123456789012n, span: 0x1234567890123456n, sampled: true },
    ],
  ];
  for (const [value, want] of valid) {
    await t.step(`accepts ${value}`, () => {
      expectContext(new Headers({ traceparent: value }), want);
    });
  }

  const invalid: [string, RegExp][] = [
    // test_traceparent_version_0x00: extra characters after a version 00 value
    ["00-12345678901234567890123456789012-1234567890123456-01.", /version 00 has 56/],
    [
      "00-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like",
      /version 00 has 84 characters/,
    ],
    // test_traceparent_version_0xcc: flags followed by something else than "-"
    [
      "cc-12345678901234567890123456789012-1234567890123456-01.what-the-future-will-be-like",
      /followed by "\."/,
    ],
    ["ff-12345678901234567890123456789012-1234567890123456-01", /version ff is invalid/],
    [".0-12345678901234567890123456789012-1234567890123456-01", /version/],
    ["0.-12345678901234567890123456789012-1234567890123456-01", /version/],
    ["000-12345678901234567890123456789012-1234567890123456-01", /version/],
    ["0000-12345678901234567890123456789012-1234567890123456-01", /version/],
    ["0-12345678901234567890123456789012-1234567890123456-01", /version/],
    ["0A-12345678901234567890123456789012-1234567890123456-01", /version/],
    ["00-00000000000000000000000000000000-1234567890123456-01", /trace id is zero/],
    ["00-.2345678901234567890123456789012-1234567890123456-01", /trace id.*not lower-case hex/],
    ["00-1234567890123456789012345678901.-1234567890123456-01", /trace id.*not lower-case hex/],
    ["00-123456789012345678901234567890123-1234567890123456-01", /version 00 has 56/],
    ["00-1234567890123456789012345678901-1234567890123456-01", /version 00 has 54/],
    ["00-12345678901234567890123456789012-0000000000000000-01", /parent id is zero/],
    ["00-12345678901234567890123456789012-.234567890123456-01", /parent id.*not lower-case/],
    ["00-12345678901234567890123456789012-123456789012345.-01", /parent id.*not lower-case/],
    ["00-12345678901234567890123456789012-12345678901234567-01", /version 00 has 56/],
    ["00-12345678901234567890123456789012-123456789012345-01", /version 00 has 54/],
    ["00-12345678901234567890123456789012-1234567890123456-.0", /flags "\.0"/],
    ["00-12345678901234567890123456789012-1234567890123456-0.", /flags "0\."/],
    // upper case is forbidden by the specification (HEXDIGLC)
    ["00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", /not lower-case hex/],
    ["00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01", /not lower-case hex/],
    ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A", /flags "0A"/],
    // wrong separators
    ["00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", /version/],
    ["00-4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7-01", /expected "version-traceid/],
    ["cc-1234", /fewer than 55/],
    ["x".repeat(10_240), /version/],
  ];
  for (const [value, reason] of invalid) {
    await t.step(`rejects ${JSON.stringify(value.slice(0, 90))}`, () => {
      expectError(new Headers({ traceparent: value }), "traceparent", reason);
    });
  }

  await t.step("rejects two traceparent headers (test_traceparent_duplicated)", () => {
    const headers = new Headers();
    headers.append("traceparent", "00-12345678901234567890123456789011-1234567890123456-01");
    headers.append("traceparent", "00-12345678901234567890123456789012-1234567890123456-01");
    expectError(headers, "traceparent", /version 00 has 112 characters/);
    expectError(
      {
        traceparent: [
          "00-12345678901234567890123456789011-1234567890123456-01",
          "00-12345678901234567890123456789012-1234567890123456-01",
        ],
      },
      "traceparent",
      /version 00 has 112 characters/,
    );
  });

  await t.step("header names in any case (test_traceparent_header_name_valid_casing)", () => {
    for (const name of ["TraceParent", "TrAcEpArEnT", "TRACEPARENT"]) {
      const ctx = parser.parse(
        new Headers([[name, "00-12345678901234567890123456789012-1234567890123456-01"]]),
      );
      assert.equal(ctx?.traceId.toString(), "12345678901234567890123456789012");
    }
    // wrong names are not traceparent
    assert.equal(
      parser.parse(
        new Headers({ "trace-parent": "00-12345678901234567890123456789012-1234567890123456-01" }),
      ),
      undefined,
    );
  });

  await t.step("tracestate is carried through, normalized, and dropped when invalid", () => {
    const tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const cases: [string | string[] | undefined, string | undefined][] = [
      ["congo=t61rcWkgMzE", "congo=t61rcWkgMzE"],
      ["rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"],
      [" rojo=1 , ,congo=2 ", "rojo=1,congo=2"], // OWS and empty members are allowed
      [["rojo=1", "congo=2"], "rojo=1,congo=2"], // multiple headers combine in order
      ["", undefined],
      [undefined, undefined],
      // Repeated keys: the list is kept, later entries of a key dropped ("vendors MAY also
      // discard duplicate keys"; the W3C suite's test_tracestate_duplicated_keys).
      ["foo=1,foo=2", "foo=1"],
      ["foo=1,foo=1", "foo=1"],
      [["foo=1", "foo=1"], "foo=1"],
      ["a=1,foo=1,b=2,foo=2,a=3", "a=1,foo=1,b=2"],
      ["Foo=1", undefined], // upper-case key
      ["foo", undefined], // no "="
      ["foo=bar=baz", undefined], // "=" in a value
      ["fw529a3039@dt=123", "fw529a3039@dt=123"], // multi-tenant key
      [
        Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(","),
        Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(","),
      ],
      [Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(","), undefined], // > 32 members
    ];
    for (const [state, want] of cases) {
      const headers: Record<string, string | string[]> = { traceparent: tp };
      if (state !== undefined) headers.tracestate = state;
      const ctx = parser.parse(headers);
      assert.equal(ctx?.traceState, want, JSON.stringify(state));
      assert.equal(ctx?.traceId.toString(), "0af7651916cd43dd8448eb211c80319c");
    }
  });

  await t.step("tracestate is not read when traceparent is invalid", () => {
    expectError(
      { traceparent: "00-bad", tracestate: "congo=1" },
      "traceparent",
      /version 00 has 6/,
    );
  });
});

Deno.test("B3 single header (openzipkin/b3-propagation)", async (t) => {
  const valid: [string, Expected][] = [
    [
      "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90",
      {
        trace: 0x80f198ee56343ba864fe8b2a57d3eff7n,
        span: 0xe457b5a2e4d86bd1n,
        parent: 0x05e3ac9a4f6e3b90n,
        sampled: true,
      },
    ],
    [
      "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1",
      { trace: 0x80f198ee56343ba864fe8b2a57d3eff7n, span: 0x05e3ac9a4f6e3b90n, sampled: true },
    ],
    [
      "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-d",
      { trace: 0x80f198ee56343ba864fe8b2a57d3eff7n, span: 0x05e3ac9a4f6e3b90n, sampled: true },
    ],
    [
      "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-0",
      { trace: 0x80f198ee56343ba864fe8b2a57d3eff7n, span: 0x05e3ac9a4f6e3b90n, sampled: false },
    ],
    // defer (no sampling state): nothing here decides to sample
    [
      "64fe8b2a57d3eff7-05e3ac9a4f6e3b90",
      { trace: 0x64fe8b2a57d3eff7n, span: 0x05e3ac9a4f6e3b90n, sampled: false },
    ],
  ];
  for (const [value, want] of valid) {
    await t.step(`accepts ${value}`, () => expectContext({ b3: value }, want));
  }

  await t.step("a sampling state alone starts a new root with that decision", () => {
    for (const [value, sampled] of [["0", false], ["1", true], ["d", true]] as const) {
      const found = parser.extract({ b3: value }, collector);
      assert.equal(found?.format, "b3");
      assert.equal(found?.context.sampled, sampled);
      assert.equal(found?.context.parentSpanId, undefined);
      assert.equal(found?.context.collector, sampled ? collector : undefined);
    }
  });

  const invalid: [string, RegExp][] = [
    ["80f198ee56343ba864fe8b2a57d3eff7", /found 1 field/],
    ["a-b-c-d-e", /found 5 fields/],
    ["80F198EE56343BA864FE8B2A57D3EFF7-e457b5a2e4d86bd1-1", /not lower-case hex/],
    ["80f198ee56343ba864fe8b2a57d3eff7-E457B5A2E4D86BD1-1", /not lower-case hex/],
    ["f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1", /30 characters, expected 16 or 32/],
    ["abc-e457b5a2e4d86bd1-1", /3 characters, expected 16 or 32/],
    ["80f198ee56343ba864fe8b2a57d3eff7-abc-1", /3 characters, expected 16/],
    ["80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-2", /sampling state "2"/],
    ["80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-true", /sampling state "true"/],
    ["80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-abc", /parent span id/],
    ["00000000000000000000000000000000-e457b5a2e4d86bd1-1", /trace id is zero/],
    ["80f198ee56343ba864fe8b2a57d3eff7-0000000000000000-1", /span id is zero/],
    ["80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-0000000000000000", /parent.*zero/],
    ["80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:1", /found 1 field/],
    ["D", /found 1 field/],
  ];
  for (const [value, reason] of invalid) {
    await t.step(
      `rejects ${JSON.stringify(value)}`,
      () => expectError({ b3: value }, "b3", reason),
    );
  }
});

Deno.test("B3 multi headers (IOx's rules and the B3 specification)", async (t) => {
  await t.step("IOx test_decode_b3, step by step", () => {
    const headers = new Headers();
    assert.equal(parser.parse(headers, collector), undefined);
    headers.set("X-B3-TraceId", "ee25f");
    headers.set("X-B3-Sampled", "0");
    expectError(headers, "X-B3-SpanId", /missing/);
    headers.set("X-B3-SpanId", "34e");
    expectContext(headers, { trace: 0xee25fn, span: 0x34en, sampled: false });
    headers.set("X-B3-Sampled", "1");
    expectContext(headers, { trace: 0xee25fn, span: 0x34en, sampled: true });
    headers.set("X-B3-ParentSpanId", "4595945");
    expectContext(headers, { trace: 0xee25fn, span: 0x34en, parent: 0x4595945n, sampled: true });
    headers.set("X-B3-SpanId", "not a number");
    expectError(headers, "X-B3-SpanId", /not hexadecimal/);
    headers.set("X-B3-SpanId", "0");
    expectError(headers, "X-B3-SpanId", /span id is zero/);
  });

  const ids = {
    "x-b3-traceid": "463ac35c9f6413ad48485a3953bb6124",
    "x-b3-spanid": "a2fb4a1d1a96d312",
  };
  const want = { trace: 0x463ac35c9f6413ad48485a3953bb6124n, span: 0xa2fb4a1d1a96d312n };
  const sampling: [Record<string, string>, boolean][] = [
    [{}, false], // absent: IOx reads it as not sampled
    [{ "x-b3-sampled": "1" }, true],
    [{ "x-b3-sampled": "true" }, true], // lenient, as the specification allows
    [{ "x-b3-sampled": "0" }, false],
    [{ "x-b3-sampled": "false" }, false],
    [{ "x-b3-flags": "1" }, true], // debug implies accept
    [{ "x-b3-flags": "1", "x-b3-sampled": "0" }, true],
    [{ "x-b3-flags": "0", "x-b3-sampled": "1" }, true],
  ];
  for (const [extra, sampled] of sampling) {
    await t.step(`sampling ${JSON.stringify(extra)} -> ${sampled}`, () => {
      expectContext({ ...ids, ...extra }, { ...want, sampled });
    });
  }

  await t.step("IOx's leniency: upper case and short ids", () => {
    expectContext(
      new Headers({ "X-B3-TraceId": "ABC", "X-B3-SpanId": "DEF", "X-B3-Sampled": "1" }),
      {
        trace: 0xabcn,
        span: 0xdefn,
        sampled: true,
      },
    );
  });

  await t.step("the first of repeated values wins", () => {
    const headers = new Headers();
    headers.append("X-B3-TraceId", "a1");
    headers.append("X-B3-TraceId", "b2");
    headers.append("X-B3-SpanId", "c3");
    headers.append("X-B3-SpanId", "d4");
    headers.append("X-B3-Sampled", "1");
    headers.append("X-B3-Sampled", "0");
    expectContext(headers, { trace: 0xa1n, span: 0xc3n, sampled: true });
    expectContext(
      { "x-b3-traceid": ["a1", "b2"], "x-b3-spanid": ["c3"], "x-b3-sampled": ["0", "1"] },
      { trace: 0xa1n, span: 0xc3n, sampled: false },
    );
  });

  const invalid: [Record<string, string>, string, RegExp][] = [
    [{ ...ids, "x-b3-sampled": "yes" }, "X-B3-Sampled", /"yes" is not 1, 0, true or false/],
    [{ ...ids, "x-b3-sampled": "d" }, "X-B3-Sampled", /"d"/],
    [{ ...ids, "x-b3-flags": "2" }, "X-B3-Flags", /flags "2" are not 0 or 1/],
    [{ ...ids, "x-b3-traceid": "1".repeat(33) }, "X-B3-TraceId", /33 hex digits/],
    [{ ...ids, "x-b3-spanid": "1".repeat(17) }, "X-B3-SpanId", /17 hex digits/],
    [{ ...ids, "x-b3-parentspanid": "0" }, "X-B3-ParentSpanId", /zero/],
    [{ ...ids, "x-b3-parentspanid": "g" }, "X-B3-ParentSpanId", /not hexadecimal/],
    [{ "x-b3-traceid": "abc" }, "X-B3-SpanId", /missing/],
    [{ "x-b3-traceid": "abc", "x-b3-spanid": " " }, "X-B3-SpanId", /missing or empty/],
  ];
  for (const [headers, header, reason] of invalid) {
    await t.step(`rejects ${JSON.stringify(headers)}`, () => expectError(headers, header, reason));
  }

  await t.step("a sampling decision without ids starts a new root with it", () => {
    const deny = parser.extract({ "x-b3-sampled": "0" }, collector);
    assert.equal(deny?.format, "b3multi");
    assert.equal(deny?.context.sampled, false);
    const debug = parser.extract({ "x-b3-flags": "1" }, collector);
    assert.equal(debug?.context.sampled, true);
    assert.equal(debug?.context.collector, collector);
  });
});

Deno.test("precedence, the debug header, and absent or empty headers", async (t) => {
  const jaeger = "1:2:3:1";
  const w3c = "00-00000000000000000000000000000004-0000000000000005-01";
  const b3 = "00000000000000000000000000000006-0000000000000007-1";
  const multi = { "x-b3-traceid": "8", "x-b3-spanid": "9", "x-b3-sampled": "1" };

  await t.step("Jaeger, then W3C, then B3 single, then B3 multi", () => {
    const all = { "uber-trace-id": jaeger, traceparent: w3c, b3, ...multi };
    assert.equal(parser.extract(all)?.format, "jaeger");
    assert.equal(parser.parse(all)?.traceId.toBigInt(), 1n);
    const { "uber-trace-id": _j, ...noJaeger } = all;
    assert.equal(parser.parse(noJaeger)?.traceId.toBigInt(), 4n);
    const { traceparent: _w, ...onlyB3 } = noJaeger;
    assert.equal(parser.parse(onlyB3)?.traceId.toBigInt(), 6n);
    const { b3: _b, ...onlyMulti } = onlyB3;
    assert.equal(parser.parse(onlyMulti)?.traceId.toBigInt(), 8n);
  });

  await t.step("the configured order decides, and unlisted formats are not read", () => {
    const w3cFirst = new TraceHeaderParser({ formats: ["w3c", "jaeger"] });
    assert.equal(
      w3cFirst.parse({ "uber-trace-id": jaeger, traceparent: w3c })?.traceId.toBigInt(),
      4n,
    );
    assert.equal(w3cFirst.parse({ b3, ...multi }), undefined);
  });

  await t.step("a malformed deciding header is an error, not a fall-back (IOx)", () => {
    expectError({ "uber-trace-id": "garbage", traceparent: w3c }, "uber-trace-id", /expected/);
  });

  await t.step("an empty or blank header counts as absent", () => {
    assert.equal(parser.parse({ "uber-trace-id": "", traceparent: "  ", b3: "" }), undefined);
    assert.equal(parser.parse(new Headers({ "uber-trace-id": "" })), undefined);
    assert.equal(parser.parse({ "uber-trace-id": [] }), undefined);
    assert.equal(parser.parse({ "uber-trace-id": "", traceparent: w3c })?.traceId.toBigInt(), 4n);
  });

  await t.step("the debug header starts a new sampled root (IOx test_jaeger_debug_name)", () => {
    const p = new TraceHeaderParser({ jaegerDebugName: "force-a-trace" });
    assert.equal(p.parse(new Headers(), collector), undefined);
    const found = p.extract(new Headers({ "force-a-trace": "please do" }), collector);
    assert.equal(found?.format, "debug");
    assert.equal(found?.debugId, "please do");
    assert.equal(found?.context.parentSpanId, undefined);
    assert.equal(found?.context.sampled, true);
    assert.equal(found?.context.collector, collector);
    // two requests, two traces
    const again = p.extract(new Headers({ "force-a-trace": "please do" }), collector);
    assert.ok(!again?.context.traceId.equals(found?.context.traceId));
  });

  await t.step("an existing context wins over the debug header (IOx)", () => {
    const found = parser.extract({ "uber-trace-id": jaeger, "jaeger-debug-id": "x" }, collector);
    assert.equal(found?.format, "jaeger");
    assert.equal(found?.debugId, undefined);
    assert.equal(found?.context.parentSpanId?.toBigInt(), 3n);
    // even an unsampled one
    assert.equal(
      parser.parse({ "uber-trace-id": "1:2:0:0", "jaeger-debug-id": "x" })?.sampled,
      false,
    );
  });

  await t.step(
    "the debug id is cut to 256 characters; a blank one is absent; null disables",
    () => {
      assert.equal(parser.extract({ "jaeger-debug-id": "d".repeat(10_240) })?.debugId?.length, 256);
      assert.equal(parser.extract({ "jaeger-debug-id": " " }), undefined);
      const off = new TraceHeaderParser({ jaegerDebugName: null });
      assert.equal(off.parse({ "jaeger-debug-id": "x" }), undefined);
    },
  );

  await t.step("unsampled contexts are returned, without a collector", () => {
    const ctx = parser.parse({ "uber-trace-id": "1:2:0:0" }, collector);
    assert.equal(ctx?.sampled, false);
    assert.equal(ctx?.collector, undefined);
  });

  await t.step("header sources: Headers, Request, Node headers, IncomingMessage-like", () => {
    const want = { trace: 1n, span: 2n, parent: 3n, sampled: true };
    expectContext(new Headers({ "uber-trace-id": jaeger }), want);
    expectContext(new Request("http://x/", { headers: { "uber-trace-id": jaeger } }), want);
    expectContext({ "uber-trace-id": jaeger }, want);
    expectContext({ "uber-trace-id": [jaeger] }, want);
    expectContext({ headers: { "uber-trace-id": jaeger } }, want);
    expectContext({ "uber-trace-id": ` ${jaeger}\t` }, want); // Node values are trimmed
  });

  await t.step("bad options are refused", () => {
    assert.throws(() => new TraceHeaderParser({ jaegerTraceContextHeaderName: "" }), TypeError);
    assert.throws(() => new TraceHeaderParser({ jaegerDebugName: " " }), TypeError);
    // deno-lint-ignore no-explicit-any
    assert.throws(() => new TraceHeaderParser({ formats: ["zipkin" as any] }), TypeError);
  });

  await t.step("non-ASCII and control characters never crash the parser", () => {
    for (const value of ["ü:2:0:1", "1:2:0:\u00ff", "\u{1F600}", "1:2:0:1\u0000"]) {
      expectError({ "uber-trace-id": value }, "uber-trace-id", /./);
    }
  });
});

Deno.test("TraceHeaderParser: the collector option is the default of parse and extract", () => {
  const collector = new RingBufferTraceCollector(4);
  const other = new RingBufferTraceCollector(4);
  const parser = new TraceHeaderParser({ collector });
  const sampled = { "uber-trace-id": "4d2:162e:0:1" };
  assert.equal(parser.parse(sampled)?.collector, collector);
  assert.equal(parser.parse(sampled, undefined)?.collector, collector);
  assert.equal(parser.extract(sampled)?.context.collector, collector);
  assert.equal(parser.parse(sampled, other)?.collector, other);
  // Unsampled contexts never carry one.
  assert.equal(parser.parse({ "uber-trace-id": "4d2:162e:0:0" })?.collector, undefined);
  assert.equal(new TraceHeaderParser().parse(sampled)?.collector, undefined);
});
