// The strict decoders: bad input of every kind gets an OtlpDecodeError (never another error, a
// crash or a large allocation); good input written by protobufjs with the official .proto files
// decodes as written.

import assert from "node:assert/strict";
import protobuf from "protobufjs";
import { makeStandardSpans } from "../../_standard_span.ts";
import {
  decodeOtlpJson,
  decodeOtlpProtobuf,
  decodeOtlpResponseJson,
  decodeOtlpResponseProtobuf,
  OtlpDecodeError,
  OtlpEncoder,
} from "../../../exporters/otlp/mod.ts";
import { RequestType, root } from "./_reference.ts";

const body = new OtlpEncoder({ serviceName: "svc", attributes: { "host.name": "h" } }).encode(
  makeStandardSpans(3),
);

function onlyDecodeErrors(fn: () => unknown): "ok" | "error" {
  try {
    fn();
    return "ok";
  } catch (e) {
    assert.ok(e instanceof OtlpDecodeError, `not an OtlpDecodeError: ${e}`);
    return "error";
  }
}

// deno-lint-ignore no-explicit-any
function request(spans: any[], resource: any = { attributes: [] }): Uint8Array {
  return RequestType.encode(RequestType.fromObject({
    resourceSpans: [{ resource, scopeSpans: [{ scope: { name: "x" }, spans }] }],
  })).finish();
}

const ID16 = Array.from({ length: 16 }, (_, i) => i + 1);
const ID8 = Array.from({ length: 8 }, (_, i) => i + 1);

Deno.test("protobuf: what protobufjs writes with the official .proto files decodes as written", () => {
  const bytes = request([{
    traceId: ID16,
    spanId: ID8,
    parentSpanId: ID8,
    name: "n",
    kind: 3,
    startTimeUnixNano: "1700000000000000001",
    endTimeUnixNano: "18446744073709551615",
    attributes: [
      { key: "s", value: { stringValue: "v" } },
      { key: "i", value: { intValue: "-9223372036854775808" } },
      { key: "d", value: { doubleValue: 0.5 } },
      { key: "b", value: { boolValue: true } },
      { key: "y", value: { bytesValue: [1, 2] } },
      { key: "a", value: { arrayValue: { values: [{ intValue: 1 }, { stringValue: "x" }] } } },
      { key: "k", value: { kvlistValue: { values: [{ key: "z", value: { boolValue: false } }] } } },
      { key: "__proto__", value: { stringValue: "own" } },
      { key: "empty", value: {} },
    ],
    events: [{ timeUnixNano: "5", name: "e", attributes: [{ key: "q", value: { intValue: 7 } }] }],
    links: [{ traceId: ID16, spanId: ID8, traceState: "t=1" }],
    status: { code: 2, message: "bad" },
    droppedAttributesCount: 3,
  }], { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] });
  const [span] = decodeOtlpProtobuf(bytes).spans;
  assert.ok(span);
  assert.equal(span.traceId, "0102030405060708090a0b0c0d0e0f10");
  assert.equal(span.spanId, "0102030405060708");
  assert.equal(span.parentSpanId, "0102030405060708");
  assert.equal(span.kind, 3);
  assert.equal(span.startTimeUnixNano, 1700000000000000001n);
  assert.equal(span.endTimeUnixNano, 2n ** 64n - 1n);
  assert.equal(span.attributes.s, "v");
  assert.equal(span.attributes.i, -(2n ** 63n));
  assert.equal(span.attributes.d, 0.5);
  assert.equal(span.attributes.b, true);
  assert.deepEqual(span.attributes.y, new Uint8Array([1, 2]));
  assert.deepEqual(span.attributes.a, [1n, "x"]);
  assert.deepEqual({ ...span.attributes.k as object }, { z: false });
  assert.ok(Object.hasOwn(span.attributes, "__proto__"));
  assert.equal(Object.getPrototypeOf(span.attributes), Object.prototype);
  assert.equal(span.attributes.empty, null);
  assert.deepEqual(span.events[0]?.attributes, { q: 7n });
  assert.equal(span.links[0]?.traceState, "t=1");
  assert.deepEqual(span.status, { code: 2, message: "bad" });
  assert.equal(span.dropped.attributes, 3);
  assert.equal(span.serviceName, "svc");
});

Deno.test("protobuf: every truncation of a valid body is a decode error or a shorter valid body", () => {
  let errors = 0;
  for (let n = 0; n < body.length; n++) {
    if (onlyDecodeErrors(() => decodeOtlpProtobuf(body.subarray(0, n))) === "error") errors++;
  }
  assert.ok(errors > body.length / 2, `${errors} of ${body.length}`);
});

Deno.test("protobuf: random corruption never throws anything but OtlpDecodeError", () => {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let round = 0; round < 3000; round++) {
    const bytes = body.slice();
    const flips = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < flips; i++) {
      bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
    }
    onlyDecodeErrors(() => decodeOtlpProtobuf(bytes));
  }
  for (let round = 0; round < 500; round++) {
    const bytes = new Uint8Array(Math.floor(rand() * 200));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
    onlyDecodeErrors(() => decodeOtlpProtobuf(bytes));
  }
});

Deno.test("protobuf: each kind of bad input is named", () => {
  const cases: [string, number[], RegExp][] = [
    ["a length past the end", [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], /runs past the end/],
    ["a length over 32 bits", [0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], /32 bits/],
    ["an 11-byte varint", [0x10, ...new Array(10).fill(0xff), 0x01], /10 bytes/],
    ["field number 0", [0x02, 0x00], /field number 0/],
    ["a group", [0x0b], /wire type 3/],
    ["a wrong wire type", [0x08, 0x01], /resourceSpans has wire type 0/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.throws(() => decodeOtlpProtobuf(new Uint8Array(bytes)), (e: unknown) => {
      assert.ok(e instanceof OtlpDecodeError, what);
      assert.match(e.message, message, what);
      return true;
    });
  }
  assert.throws(
    () => decodeOtlpProtobuf(request([{ traceId: [1, 2], spanId: ID8 }])),
    /traceId has 2 bytes/,
  );
  assert.throws(() => decodeOtlpProtobuf(request([{ spanId: ID8 }])), /no trace id/);
  assert.throws(
    () => decodeOtlpProtobuf(request([{ traceId: ID16, spanId: [1] }])),
    /spanId has 1 bytes/,
  );
  assert.throws(
    () => decodeOtlpProtobuf(request([{ traceId: ID16, spanId: ID8, parentSpanId: [1, 2, 3] }])),
    /parentSpanId has 3 bytes/,
  );
  assert.equal(
    decodeOtlpProtobuf(request([{ traceId: ID16, spanId: ID8, parentSpanId: [] }])).spans[0]
      ?.parentSpanId,
    undefined,
  );
  // Invalid UTF-8 in a name: 0a len [12 len [12 len [2a? ...]]] built by hand around protobufjs.
  const good = request([{ traceId: ID16, spanId: ID8, name: "ab" }]);
  const at = good.indexOf(0x61); // "a"
  const bad = good.slice();
  bad[at] = 0xff;
  assert.throws(() => decodeOtlpProtobuf(bad), /not valid UTF-8/);
  // Values nested deeper than 32.
  // deno-lint-ignore no-explicit-any
  let value: any = { stringValue: "x" };
  for (let i = 0; i < 40; i++) value = { arrayValue: { values: [value] } };
  assert.throws(
    () =>
      decodeOtlpProtobuf(
        request([{ traceId: ID16, spanId: ID8, attributes: [{ key: "k", value }] }]),
      ),
    /nested deeper than 32/,
  );
  assert.throws(() => decodeOtlpProtobuf("x" as never), TypeError);
});

Deno.test("protobuf: unknown fields are skipped, as proto3 requires", () => {
  // Field 99 (varint), field 98 (fixed32), field 97 (bytes) before the real field.
  const extra = [0x98, 0x06, 0x01, 0x95, 0x06, 1, 2, 3, 4, 0x8a, 0x06, 0x01, 0x00];
  const bytes = new Uint8Array([...extra, ...body]);
  assert.equal(decodeOtlpProtobuf(bytes).spans.length, 3);
});

Deno.test("json: each kind of bad input is named, and only OtlpDecodeError is thrown", () => {
  const span = (s: object) =>
    JSON.stringify({
      resourceSpans: [{
        scopeSpans: [{ spans: [{ traceId: "a".repeat(32), spanId: "b".repeat(16), ...s }] }],
      }],
    });
  const cases: [string | Uint8Array, RegExp][] = [
    ["{", /not JSON/],
    ["[]", /ExportTraceServiceRequest is not an object/],
    [new Uint8Array([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
    ["[".repeat(100000), /nested deeper/],
    ['{"resourceSpans":{}}', /resourceSpans is not an array/],
    [span({ traceId: "abc" }), /traceId "abc" is not 32 hex digits/],
    [span({ traceId: "AQIDBAUGBwgJCgsMDQ4PEA==" }), /not 32 hex digits/],
    [span({ spanId: "zz".repeat(8) }), /spanId/],
    [span({ kind: "BOGUS" }), /kind is not an enum/],
    [span({ startTimeUnixNano: "-1" }), /startTimeUnixNano is not an unsigned/],
    [span({ startTimeUnixNano: "18446744073709551616" }), /out of the 64-bit range/],
    [span({ name: 5 }), /name is not a string/],
    [span({ attributes: [{ key: "k", value: { intValue: "1.5" } }] }), /intValue is not a/],
    [
      span({ attributes: [{ key: "k", value: { doubleValue: "x" } }] }),
      /doubleValue is not a number/,
    ],
    [span({ attributes: [{ key: "k", value: { bytesValue: "!!" } }] }), /not base64/],
    [span({ attributes: [{ key: "k", value: { boolValue: 1 } }] }), /boolValue is not a boolean/],
    [span({ links: [{ traceId: "a".repeat(32) }] }), /Link.spanId/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => decodeOtlpJson(input), (e: unknown) => {
      assert.ok(e instanceof OtlpDecodeError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
  // The spec's alternatives are accepted: enum names, integers as numbers, upper-case hex.
  const [s] = decodeOtlpJson(span({
    traceId: "A".repeat(32),
    kind: "SPAN_KIND_SERVER",
    startTimeUnixNano: 1000,
    status: { code: "STATUS_CODE_OK" },
    parentSpanId: "",
    unknownField: { anything: [1, 2] },
    attributes: [{ key: "n", value: { intValue: 5 } }, {
      key: "f",
      value: { doubleValue: "Infinity" },
    }],
  })).spans;
  assert.equal(s?.traceId, "a".repeat(32));
  assert.equal(s?.kind, 2);
  assert.equal(s?.startTimeUnixNano, 1000n);
  assert.equal(s?.status.code, 1);
  assert.equal(s?.parentSpanId, undefined);
  assert.deepEqual(s?.attributes, { n: 5n, f: Infinity });
});

Deno.test("responses: partial success as the official field numbers say (protobuf), and JSON", () => {
  // ExportTracePartialSuccess is newer than the shipped .proto files: define it with the field
  // numbers of opentelemetry-proto's collector/trace/v1/trace_service.proto.
  const partial = new protobuf.Type("ExportTracePartialSuccess")
    .add(new protobuf.Field("rejectedSpans", 1, "int64"))
    .add(new protobuf.Field("errorMessage", 2, "string"));
  const response = new protobuf.Type("ExportTraceServiceResponse2")
    .add(new protobuf.Field("partialSuccess", 1, "ExportTracePartialSuccess"));
  const ns = new protobuf.Namespace("p").add(partial).add(response);
  root.add(ns);
  const bytes = response.encode(
    response.fromObject({ partialSuccess: { rejectedSpans: 300, errorMessage: "old" } }),
  ).finish();
  assert.deepEqual(decodeOtlpResponseProtobuf(bytes), { rejectedSpans: 300, errorMessage: "old" });
  assert.deepEqual(decodeOtlpResponseProtobuf(new Uint8Array(0)), {
    rejectedSpans: 0,
    errorMessage: "",
  });
  assert.deepEqual(decodeOtlpResponseJson("{}"), { rejectedSpans: 0, errorMessage: "" });
  assert.deepEqual(decodeOtlpResponseJson('{"partialSuccess":{"rejectedSpans":4}}'), {
    rejectedSpans: 4,
    errorMessage: "",
  });
  assert.throws(() => decodeOtlpResponseJson("nope"), OtlpDecodeError);
});
