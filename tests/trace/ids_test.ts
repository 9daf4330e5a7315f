import assert from "node:assert/strict";
import { SpanId, TraceId } from "../../trace/mod.ts";

Deno.test("span id: zero is rejected with a RangeError naming the input", () => {
  for (const input of ["0", "0000000000000000", "00"]) {
    assert.throws(() => SpanId.parse(input), (e: unknown) => {
      assert.ok(e instanceof RangeError);
      assert.ok(e.message.includes(JSON.stringify(input)), e.message);
      return true;
    });
  }
  assert.throws(() => SpanId.fromParts(0, 0), RangeError);
});

Deno.test("trace id: zero is rejected with a RangeError naming the input", () => {
  for (const input of ["0", "00000000000000000000000000000000"]) {
    assert.throws(() => TraceId.parse(input), (e: unknown) => {
      assert.ok(e instanceof RangeError);
      assert.ok(e.message.includes(JSON.stringify(input)), e.message);
      return true;
    });
  }
  assert.throws(() => TraceId.fromParts(0, 0, 0, 0), RangeError);
});

Deno.test("ids: hex round trips, zero-padded lowercase", () => {
  const cases: [string, string][] = [
    ["1", "0000000000000001"],
    ["ABCDEF", "0000000000abcdef"],
    ["ffffffffffffffff", "ffffffffffffffff"],
    ["8000000000000000", "8000000000000000"],
    ["00f067aa0ba902b7", "00f067aa0ba902b7"],
  ];
  for (const [input, expected] of cases) {
    const id = SpanId.parse(input);
    assert.equal(id.toString(), expected);
    assert.equal(SpanId.parse(id.toString()).toString(), expected);
    assert.equal(id.toBigInt(), BigInt(`0x${input}`));
  }
  // The W3C example trace id.
  const w3c = TraceId.parse("4bf92f3577b34da6a3ce929d0e0e4736");
  assert.equal(w3c.toString(), "4bf92f3577b34da6a3ce929d0e0e4736");
  assert.deepEqual([w3c.w0, w3c.w1, w3c.w2, w3c.w3], [
    0x4bf92f35,
    0x77b34da6,
    0xa3ce929d,
    0x0e0e4736,
  ]);
  assert.equal(TraceId.parse("Ab").toString(), "000000000000000000000000000000ab");
  assert.equal(TraceId.parse("f".repeat(32)).toBigInt(), 2n ** 128n - 1n);
});

Deno.test("ids: invalid input is rejected with typed errors", () => {
  assert.throws(() => SpanId.parse(""), SyntaxError);
  assert.throws(() => SpanId.parse("xyz"), SyntaxError);
  assert.throws(() => SpanId.parse("-1"), SyntaxError);
  assert.throws(() => SpanId.parse("+1"), SyntaxError);
  assert.throws(() => SpanId.parse(" 1"), SyntaxError);
  assert.throws(() => SpanId.parse("1".repeat(17)), RangeError);
  assert.throws(() => TraceId.parse("1".repeat(33)), RangeError);
  assert.throws(() => TraceId.parse("0x1"), SyntaxError);
  assert.throws(() => SpanId.fromParts(2 ** 32, 0), RangeError);
  assert.throws(() => SpanId.fromParts(-1, 1), RangeError);
  assert.throws(() => SpanId.fromParts(1.5, 1), RangeError);
  // A huge input is reported cut short, not echoed whole.
  const huge = "z".repeat(10_000);
  assert.throws(() => SpanId.parse(huge), (e: unknown) => {
    assert.ok(e instanceof RangeError);
    assert.ok(e.message.length < 300, `message of ${e.message.length} chars`);
    return true;
  });
});

Deno.test("ids: equality compares values", () => {
  assert.ok(SpanId.parse("a").equals(SpanId.fromParts(0, 10)));
  assert.ok(!SpanId.parse("a").equals(SpanId.parse("b")));
  assert.ok(!SpanId.parse("a").equals(undefined));
  assert.ok(TraceId.parse("100000000").equals(TraceId.fromParts(0, 0, 1, 0)));
  assert.ok(!TraceId.parse("1").equals(TraceId.parse("2")));
});

Deno.test("ids: 1,000,000 random span ids are all non-zero and distinct", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1_000_000; i++) {
    const id = SpanId.random();
    assert.ok(id.hi !== 0 || id.lo !== 0);
    assert.ok(id.hi >= 0 && id.hi <= 0xffffffff && id.lo >= 0 && id.lo <= 0xffffffff);
    seen.add(id.toString());
  }
  assert.equal(seen.size, 1_000_000);
});

Deno.test("ids: 1,000,000 random trace ids are all non-zero and distinct", () => {
  const seen = new Set<string>();
  let highBitSet = 0;
  for (let i = 0; i < 1_000_000; i++) {
    const id = TraceId.random();
    assert.ok((id.w0 | id.w1 | id.w2 | id.w3) !== 0);
    if (id.w0 >= 0x80000000) highBitSet++;
    seen.add(id.toString());
  }
  assert.equal(seen.size, 1_000_000);
  // Uniform bits: the top bit is set about half the time (far outside 6 sigma otherwise).
  assert.ok(Math.abs(highBitSet - 500_000) < 3_000, `top bit set ${highBitSet} times`);
});

Deno.test("ids: JSON shows the hex form", () => {
  assert.equal(
    JSON.stringify({ t: TraceId.parse("1"), s: SpanId.parse("2") }),
    '{"t":"00000000000000000000000000000001","s":"0000000000000002"}',
  );
});
