// The Span -> Jaeger span mapping, checked against IOx's rules (trace_exporters/src/jaeger/
// span.rs) and the MetadataValue typing rules, with expected values worked out from the inputs
// (hex ids to signed i64 with BigInt), never from our own output.

import assert from "node:assert/strict";
import {
  metadataToTag,
  processToJaeger,
  spanToJaeger,
} from "../../../exporters/jaeger/span_to_jaeger.ts";
import { type I64, SpanRefType, TagType } from "../../../exporters/jaeger/thrift_model.ts";
import {
  float,
  type MetadataValue,
  Span,
  SpanContext,
  SpanId,
  TraceId,
} from "../../../trace/mod.ts";

/** An I64 as the signed 64-bit value it puts on the wire. */
function signed(v: I64): bigint {
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "bigint") return BigInt.asIntN(64, v);
  return BigInt.asIntN(64, (BigInt(v.hi >>> 0) << 32n) | BigInt(v.lo >>> 0));
}

/** The signed i64 of 16 hex digits (two's complement), computed from the text. */
function hexI64(hex16: string): bigint {
  return BigInt.asIntN(64, BigInt("0x" + hex16));
}

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"; // low half has its top bit set: negative
const SPAN = "f067aa0ba902b7ff";
const PARENT = "00f067aa0ba902b7";

function fixedSpan(): Span {
  const ctx = new SpanContext({
    traceId: TraceId.parse(TRACE),
    spanId: SpanId.parse(SPAN),
    parentSpanId: SpanId.parse(PARENT),
  });
  return new Span("GET /api/v2/query", ctx);
}

Deno.test("spanToJaeger: ids are the big-endian halves as signed i64, parent 0 when none", () => {
  const j = spanToJaeger(fixedSpan());
  assert.equal(signed(j.traceIdHigh), hexI64(TRACE.slice(0, 16)));
  assert.equal(signed(j.traceIdLow), hexI64(TRACE.slice(16)));
  assert.ok(signed(j.traceIdLow) < 0n);
  assert.equal(signed(j.spanId), hexI64(SPAN));
  assert.ok(signed(j.spanId) < 0n);
  assert.equal(signed(j.parentSpanId), hexI64(PARENT));
  assert.equal(j.operationName, "GET /api/v2/query");

  const root = Span.root("root");
  assert.equal(signed(spanToJaeger(root).parentSpanId), 0n);
});

Deno.test("spanToJaeger: flags = 1 when sampled, 0 when not", () => {
  assert.equal(spanToJaeger(fixedSpan()).flags, 1);
  const unsampled = new Span(
    "x",
    new SpanContext({ traceId: TraceId.parse("1"), spanId: SpanId.parse("2"), sampled: false }),
  );
  assert.equal(spanToJaeger(unsampled).flags, 0);
});

Deno.test("spanToJaeger: times in whole microseconds, IOx's rules for missing ends", async (t) => {
  await t.step("start rounded down, duration = end - start truncated", () => {
    const s = fixedSpan();
    s.start = 1_700_000_000_000_000.7; // the double holds .75
    s.end = 1_700_000_000_001_500.2; // holds .25: difference 1499.5
    const j = spanToJaeger(s);
    assert.equal(signed(j.startTime), 1_700_000_000_000_000n);
    assert.equal(signed(j.duration), 1_499n);
  });
  await t.step("start missing: start 0, duration 0", () => {
    const s = fixedSpan();
    s.end = 5_000;
    const j = spanToJaeger(s);
    assert.equal(signed(j.startTime), 0n);
    assert.equal(signed(j.duration), 0n);
  });
  await t.step("end missing: duration 0", () => {
    const s = fixedSpan();
    s.start = 5_000;
    const j = spanToJaeger(s);
    assert.equal(signed(j.startTime), 5_000n);
    assert.equal(signed(j.duration), 0n);
  });
  await t.step("end before start: duration 0, never negative", () => {
    const s = fixedSpan();
    s.start = 5_000;
    s.end = 4_000;
    assert.equal(signed(spanToJaeger(s).duration), 0n);
  });
  await t.step("non-finite times count as missing", () => {
    const s = fixedSpan();
    s.start = NaN;
    s.end = Infinity;
    const j = spanToJaeger(s);
    assert.equal(signed(j.startTime), 0n);
    assert.equal(signed(j.duration), 0n);
  });
});

Deno.test("spanToJaeger: metadata become typed tags sorted by key", () => {
  const s = fixedSpan();
  s.setMetadata("z.str", "v")
    .setMetadata("a.int", 200)
    .setMetadata("m.float", 0.25)
    .setMetadata("b.bool", false)
    .setMetadata("c.whole.float", float(2))
    .setMetadata("d.big", 2n ** 63n - 1n)
    .setMetadata("e.huge", 2n ** 64n)
    .setMetadata("f.unsafe", 2 ** 60)
    .setMetadata("g.nan", NaN)
    .setMetadata("h.neg", -7n);
  const tags = spanToJaeger(s).tags!;
  assert.deepEqual(tags.map((t) => t.key), [
    "a.int",
    "b.bool",
    "c.whole.float",
    "d.big",
    "e.huge",
    "f.unsafe",
    "g.nan",
    "h.neg",
    "m.float",
    "z.str",
  ]);
  const byKey = new Map(tags.map((t) => [t.key, t]));
  assert.equal(byKey.get("a.int")!.vType, TagType.LONG);
  assert.equal(signed(byKey.get("a.int")!.vLong!), 200n);
  assert.equal(byKey.get("b.bool")!.vType, TagType.BOOL);
  assert.equal(byKey.get("b.bool")!.vBool, false);
  assert.equal(byKey.get("c.whole.float")!.vType, TagType.DOUBLE);
  assert.equal(byKey.get("c.whole.float")!.vDouble, 2);
  assert.equal(byKey.get("d.big")!.vType, TagType.LONG);
  assert.equal(signed(byKey.get("d.big")!.vLong!), 2n ** 63n - 1n);
  assert.equal(byKey.get("e.huge")!.vType, TagType.STRING);
  assert.equal(byKey.get("e.huge")!.vStr, "18446744073709551616");
  assert.equal(byKey.get("f.unsafe")!.vType, TagType.DOUBLE); // not a safe integer
  assert.equal(byKey.get("g.nan")!.vType, TagType.DOUBLE);
  assert.equal(byKey.get("h.neg")!.vType, TagType.LONG);
  assert.equal(signed(byKey.get("h.neg")!.vLong!), -7n);
  assert.equal(byKey.get("m.float")!.vDouble, 0.25);
  assert.equal(byKey.get("z.str")!.vStr, "v");
  // Exactly one value field is set on each tag.
  for (const t of tags) {
    const set = [t.vStr, t.vDouble, t.vBool, t.vLong, t.vBinary].filter((v) => v != null);
    assert.equal(set.length, 1, t.key);
  }
});

Deno.test("spanToJaeger: status becomes ok=true / error=true among the sorted tags", async (t) => {
  await t.step("ok", () => {
    const s = fixedSpan().setMetadata("zz", 1).setMetadata("aa", 1).ok();
    const tags = spanToJaeger(s).tags!;
    assert.deepEqual(tags.map((x) => x.key), ["aa", "ok", "zz"]);
    assert.equal(tags[1]!.vType, TagType.BOOL);
    assert.equal(tags[1]!.vBool, true);
  });
  await t.step("error with a message: error=true and otel.status_description", () => {
    const s = fixedSpan().error("disk full");
    const j = spanToJaeger(s);
    assert.deepEqual(j.tags!.map((x) => [x.key, x.vBool ?? x.vStr]), [
      ["error", true],
      ["otel.status_description", "disk full"],
    ]);
    // IOx also records the message as an event.
    assert.equal(j.logs!.length, 1);
  });
  await t.step("unknown status and no metadata: no tags at all", () => {
    assert.equal(spanToJaeger(fixedSpan()).tags, undefined);
  });
  await t.step("metadata of the same name wins (IOx inserts only if absent)", () => {
    const s = fixedSpan().setMetadata("error", "custom").error();
    const tags = spanToJaeger(s).tags!;
    assert.equal(tags.length, 1);
    assert.equal(tags[0]!.vStr, "custom");
  });
});

Deno.test("spanToJaeger: each event is a log: event=msg first, then its metadata", () => {
  const s = fixedSpan();
  s.event("cache miss", { key: "partition-42", attempts: 3, a: true }, 1_700_000_000_000_120.7);
  s.event("done", undefined, 1_700_000_000_000_200);
  const logs = spanToJaeger(s).logs!;
  assert.equal(logs.length, 2);
  assert.equal(signed(logs[0]!.timestamp), 1_700_000_000_000_120n);
  assert.deepEqual(logs[0]!.fields.map((f) => f.key), ["event", "a", "attempts", "key"]);
  assert.equal(logs[0]!.fields[0]!.vType, TagType.STRING);
  assert.equal(logs[0]!.fields[0]!.vStr, "cache miss");
  assert.equal(logs[0]!.fields[2]!.vType, TagType.LONG);
  assert.equal(logs[0]!.fields[3]!.vStr, "partition-42");
  assert.deepEqual(logs[1]!.fields.map((f) => [f.key, f.vStr]), [["event", "done"]]);
  assert.equal(spanToJaeger(fixedSpan()).logs, undefined);
});

Deno.test("spanToJaeger: links become FOLLOWS_FROM references", () => {
  const s = fixedSpan();
  const other = new SpanContext({
    traceId: TraceId.parse("0123456789abcdeffedcba9876543210"),
    spanId: SpanId.parse("8000000000000001"),
  });
  s.link(other);
  const refs = spanToJaeger(s).references!;
  assert.equal(refs.length, 1);
  assert.equal(refs[0]!.refType, SpanRefType.FOLLOWS_FROM);
  assert.equal(refs[0]!.refType, 1);
  assert.equal(signed(refs[0]!.traceIdHigh), hexI64("0123456789abcdef"));
  assert.equal(signed(refs[0]!.traceIdLow), hexI64("fedcba9876543210"));
  assert.equal(signed(refs[0]!.spanId), hexI64("8000000000000001"));
  assert.equal(spanToJaeger(fixedSpan()).references, undefined);
});

Deno.test("spanToJaeger: the result does not alias the span's state", () => {
  const s = fixedSpan().setMetadata("k", "v");
  const j = spanToJaeger(s);
  s.setMetadata("k", "changed");
  assert.equal(j.tags![0]!.vStr, "v");
});

Deno.test("metadataToTag: values from untyped JavaScript become strings", () => {
  // deno-lint-ignore no-explicit-any
  const t = metadataToTag("obj", { toString: () => "thing" } as any);
  assert.equal(t.vType, TagType.STRING);
  assert.equal(t.vStr, "thing");
});

Deno.test("processToJaeger: service, tags in order, hostname added unless given", () => {
  const p = processToJaeger(
    "iox-conductor",
    new Map<string, MetadataValue>([["env", "prod"], ["n", 3]]),
    "host-1",
  );
  assert.equal(p.serviceName, "iox-conductor");
  assert.deepEqual(p.tags!.map((t) => t.key), ["env", "n", "hostname"]);
  assert.equal(p.tags![1]!.vType, TagType.LONG);
  assert.equal(p.tags![2]!.vStr, "host-1");
  const given = processToJaeger("svc", { hostname: "mine" }, "host-1");
  assert.deepEqual(given.tags!.map((t) => t.vStr), ["mine"]);
  assert.equal(processToJaeger("svc").tags, undefined);
});
