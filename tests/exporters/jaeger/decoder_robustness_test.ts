// decodeEmitBatch on hostile input: every truncation of every fixture, single-byte mutations,
// seeded random inputs (100,000 inputs in all), and targeted hostile messages, each of which
// must give a value or a DecodeError (with the expected message and offset), nothing else.

import assert from "node:assert/strict";
import { decodeEmitBatch } from "../../../exporters/jaeger/decode_emit_batch.ts";
import { DecodeError } from "../../../exporters/jaeger/decode_error.ts";
import { loadVectors, rubyDir } from "./_vectors.ts";

const fixtures: { name: string; bin: Uint8Array }[] = [
  ...loadVectors(new URL("../../fixtures/jaeger-compact/apache-thrift", import.meta.url).pathname),
  { name: "ruby packet-0", bin: Deno.readFileSync(`${rubyDir}/packet-0.bin`) },
];

/** mulberry32: a small seeded PRNG, so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decodes; returns "ok" or the DecodeError; fails the test on any other throw. */
function decodeOrError(bytes: Uint8Array, what: string): "ok" | DecodeError {
  try {
    decodeEmitBatch(bytes);
    return "ok";
  } catch (e) {
    if (e instanceof DecodeError) {
      assert.equal(e.name, "DecodeError");
      assert.ok(
        Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= bytes.length,
        `${what}: offset ${e.offset} outside the input (${bytes.length} bytes)`,
      );
      assert.match(e.message, / at offset \d+$/);
      return e;
    }
    throw new assert.AssertionError({ message: `${what}: threw ${e}` });
  }
}

const HEADER = [0x82, 0x81, 0x00, 0x09, ...new TextEncoder().encode("emitBatch")];

/** Asserts a DecodeError whose message matches `re` at `offset`. */
function expectError(bytes: number[] | Uint8Array, re: RegExp, offset: number): void {
  const result = decodeOrError(Uint8Array.from(bytes), re.source);
  assert.ok(result instanceof DecodeError, `expected a DecodeError matching ${re}, got a value`);
  assert.match(result.message, re);
  assert.equal(result.offset, offset, `offset of "${result.message}"`);
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

// A valid message built by hand (independent of our encoder): process "a", one span with
// every required field, seqNo 1.
// deno-fmt-ignore
const SPAN = [
  0x16, 0x02, // 1: traceIdLow = 1
  0x16, 0x00, // 2: traceIdHigh = 0
  0x16, 0x04, // 3: spanId = 2
  0x16, 0x00, // 4: parentSpanId = 0
  0x18, 0x01, 0x6f, // 5: operationName = "o"
  0x25, 0x02, // 7: flags = 1 (delta 2)
  0x16, 0x06, // 8: startTime = 3
  0x16, 0x08, // 9: duration = 4
  0x00,
];
const PROCESS = [0x18, 0x01, 0x61, 0x00];
// deno-fmt-ignore
const VALID = [
  ...HEADER, 0x1c, // args field 1: struct
  0x1c, ...PROCESS, // batch field 1: process
  0x19, 0x1c, ...SPAN, // batch field 2: list<struct> of 1
  0x16, 0x02, // batch field 3: seqNo = 1
  0x00, // batch stop
  0x00, // args stop
];

Deno.test("robustness: the hand-built message decodes", () => {
  const { seqId, batch } = decodeEmitBatch(Uint8Array.from(VALID));
  assert.equal(seqId, 0);
  assert.deepStrictEqual(batch, {
    process: { serviceName: "a" },
    spans: [{
      traceIdLow: 1n,
      traceIdHigh: 0n,
      spanId: 2n,
      parentSpanId: 0n,
      operationName: "o",
      flags: 1,
      startTime: 3n,
      duration: 4n,
    }],
    seqNo: 1n,
  });
});

Deno.test("robustness: 100,000 truncated, mutated and random inputs", async (t) => {
  let inputs = 0;
  await t.step("every truncation of every fixture is a DecodeError", () => {
    for (const { name, bin } of fixtures) {
      assert.equal(decodeOrError(bin, name), "ok");
      // Every offset of the small ones; a stride over the body of the big ones (every
      // offset of their first and last 2 KiB).
      const step = bin.length > 4096 ? 7 : 1;
      for (let n = 0; n < bin.length; n++) {
        if (step > 1 && n > 2048 && n < bin.length - 2048 && n % step !== 0) continue;
        const r = decodeOrError(bin.subarray(0, n), `${name} truncated to ${n}`);
        assert.ok(r instanceof DecodeError, `${name} truncated to ${n} decoded`);
        inputs++;
      }
    }
  });
  const random = prng(0x5eed);
  await t.step("single-byte mutations of every fixture", () => {
    for (const { name, bin } of fixtures) {
      const copy = bin.slice();
      const count = Math.min(bin.length, 1500);
      for (let k = 0; k < count; k++) {
        const i = count === bin.length ? k : Math.floor(random() * bin.length);
        const old = copy[i]!;
        copy[i] = k % 4 === 0 ? old ^ (1 << (k % 8)) : Math.floor(random() * 256);
        decodeOrError(copy, `${name} byte ${i} set to ${copy[i]}`);
        copy[i] = old;
        inputs++;
      }
    }
  });
  await t.step("seeded random inputs", () => {
    const target = 100_000;
    const remaining = Math.max(target - inputs, 20_000);
    for (let k = 0; k < remaining; k++) {
      const len = Math.floor(random() * 96);
      const withHeader = k % 2 === 0;
      const bytes = new Uint8Array((withHeader ? HEADER.length + 1 : 0) + len);
      let p = 0;
      if (withHeader) {
        bytes.set(HEADER);
        bytes[HEADER.length] = 0x1c;
        p = HEADER.length + 1;
      }
      for (; p < bytes.length; p++) {
        // Bias towards small and structural bytes so that the input goes deep.
        const r = random();
        bytes[p] = r < 0.3 ? 0x1c : r < 0.45 ? 0x19 : r < 0.55 ? 0 : Math.floor(random() * 256);
      }
      decodeOrError(bytes, `random input ${k}`);
      inputs++;
    }
    assert.ok(inputs >= target, `${inputs} inputs`);
  });
});

Deno.test("robustness: hostile messages give the expected DecodeError", async (t) => {
  const h = HEADER.length;
  await t.step("empty input", () => expectError([], /truncated protocol id/, 0));
  await t.step(
    "wrong protocol id",
    () => expectError([0x80, ...VALID.slice(1)], /protocol id 0x80/, 0),
  );
  await t.step("wrong version", () => expectError([0x82, 0x82, ...VALID.slice(2)], /version 2/, 1));
  await t.step("wrong message type (CALL)", () => {
    expectError([0x82, 0x21, ...VALID.slice(2)], /message type 1/, 1);
  });
  await t.step("wrong name", () => {
    const bad = VALID.slice();
    bad[h - 1] = 0x58; // emitBatcX
    expectError(bad, /wrong method name "emitBatcX"/, 3);
  });
  await t.step("name length beyond the input", () => {
    expectError([0x82, 0x81, 0x00, ...varint(2 ** 31), 0x65], /name length 2147483648 exceeds/, 3);
  });
  await t.step("trailing bytes", () => {
    expectError([...VALID, 0x00], /1 trailing bytes/, VALID.length);
  });
  await t.step("a list of 2^31 spans in a tiny packet", () => {
    const at = h + 2 + PROCESS.length + 1;
    expectError(
      [...HEADER, 0x1c, 0x1c, ...PROCESS, 0x19, 0xfc, ...varint(2 ** 31), 0x00, 0x00],
      /Batch\.spans of 2147483648 elements exceeds the 2 bytes left/,
      at,
    );
  });
  await t.step("a list of 2^32-1 unknown i64s", () => {
    expectError(
      [...HEADER, 0x29, 0xf6, ...varint(2 ** 32 - 1), 0x00, 0x00],
      /list of 4294967295 elements exceeds/,
      h + 1,
    );
  });
  await t.step("a map of 2^31 entries", () => {
    expectError([...HEADER, 0x2b, ...varint(2 ** 31), 0x66, 0x00], /map of 2147483648/, h + 1);
  });
  await t.step("a string length of 2^31", () => {
    expectError(
      [...HEADER, 0x1c, 0x1c, 0x18, ...varint(2 ** 31), 0x61, 0x00],
      /Process\.serviceName length 2147483648 exceeds the 2 bytes left/,
      h + 3,
    );
  });
  await t.step("a binary length beyond the input", () => {
    expectError([...HEADER, 0x28, 0x05, 0x61, 0x00], /binary length 5 exceeds/, h + 1);
  });
  await t.step("an 11-byte varint", () => {
    const seqNoAt = VALID.length - 4;
    const bad = [...VALID.slice(0, seqNoAt), 0x16, ...Array(10).fill(0xff), 0x01, 0x00, 0x00];
    expectError(bad, /varint longer than 10 bytes \(Batch\.seqNo\)/, seqNoAt + 1);
  });
  await t.step("a 10-byte varint beyond 64 bits", () => {
    const seqNoAt = VALID.length - 4;
    const bad = [...VALID.slice(0, seqNoAt), 0x16, ...Array(9).fill(0xff), 0x02, 0x00, 0x00];
    expectError(bad, /varint longer than 64 bits/, seqNoAt + 1);
  });
  await t.step("the largest 10-byte varint is i64 min", () => {
    const seqNoAt = VALID.length - 4;
    const ok = [...VALID.slice(0, seqNoAt), 0x16, ...Array(9).fill(0xff), 0x01, 0x00, 0x00];
    assert.equal(decodeEmitBatch(Uint8Array.from(ok)).batch.seqNo, -(2n ** 63n));
  });
  await t.step("a seqid varint beyond 32 bits", () => {
    expectError(
      [0x82, 0x81, 0xff, 0xff, 0xff, 0xff, 0x7f],
      /varint too long for 32 bits \(seqid\)/,
      2,
    );
  });
  await t.step("deeply nested unknown structs", () => {
    const depth = 200;
    const bytes = [...HEADER, ...Array(depth).fill(0x1c), ...Array(depth + 1).fill(0x00)];
    const e = decodeOrError(Uint8Array.from(bytes), "nesting");
    assert.ok(e instanceof DecodeError);
    assert.match(e.message, /nesting deeper than 64/);
  });
  await t.step("deeply nested unknown lists", () => {
    const depth = 1000;
    const bytes = [...HEADER, 0x29, ...Array(depth).fill(0x19), 0x00, 0x00];
    const e = decodeOrError(Uint8Array.from(bytes), "nesting");
    assert.ok(e instanceof DecodeError);
    assert.match(e.message, /nesting deeper than 64/);
  });
  await t.step("invalid field types", () => {
    expectError([...HEADER, 0x1e, 0x00], /invalid field type 14/, h);
    expectError([...HEADER, 0x1f, 0x00], /invalid field type 15/, h);
    expectError([...HEADER, 0x10, 0x00], /invalid field header 0x10/, h);
  });
  await t.step("invalid element types", () => {
    expectError([...HEADER, 0x29, 0x10, 0x00], /invalid element type 0 in list/, h + 1);
    expectError([...HEADER, 0x29, 0x1e, 0x00], /invalid element type 14 in list/, h + 1);
    expectError([...HEADER, 0x2b, 0x01, 0xe1, 0x00], /invalid map types 0xe1/, h + 2);
  });
  await t.step("a list of spans whose elements are not structs", () => {
    expectError(
      [...HEADER, 0x1c, 0x1c, ...PROCESS, 0x19, 0x16, 0x02, 0x00, 0x00],
      /Batch\.spans has element type i64, expected struct/,
      h + 2 + PROCESS.length + 1,
    );
  });
  await t.step("a missing required field", () => {
    // The span without field 3 (spanId): traceIdHigh at 2, then parentSpanId at delta 2.
    const span = [...SPAN.slice(0, 4), 0x26, 0x00, ...SPAN.slice(8)];
    const bytes = [...HEADER, 0x1c, 0x1c, ...PROCESS, 0x19, 0x1c, ...span, 0x00, 0x00];
    const stopAt = h + 2 + PROCESS.length + 2 + span.length - 1;
    expectError(bytes, /Span is missing required field 3 \(spanId\)/, stopAt);
  });
  await t.step("a missing batch", () => {
    expectError([...HEADER, 0x00], /emitBatch_args is missing required field 1 \(batch\)/, h);
  });
  await t.step("a truncated double", () => {
    expectError([...HEADER, 0x17, 0x01, 0x02], /truncated double/, h + 1);
  });
  await t.step("a field id out of the i16 range", () => {
    expectError(
      [...HEADER, 0x06, ...varint(2 * 40000), 0x00, 0x00],
      /field id 40000 out of the i16 range/,
      h + 1,
    );
  });
});

Deno.test("robustness: unknown fields of every type are skipped", () => {
  // Unknown fields with every compact type, in the args struct, the batch and a span.
  // deno-fmt-ignore
  const unknown = [
    0x11, // field +1: bool true
    0x12, // field +1: bool false
    0x13, 0x7f, // byte
    0x14, 0x03, // i16
    0x15, 0x05, // i32
    0x16, 0x07, // i64
    0x17, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, // double 1.0
    0x18, 0x02, 0x68, 0x69, // binary "hi"
    0x19, 0x31, 0x01, 0x02, 0x01, // list<bool> of 3
    0x1a, 0x26, 0x02, 0x04, // set<i64> of 2
    0x1b, 0x02, 0x88, 0x01, 0x61, 0x00, 0x01, 0x62, 0x00, // map<binary, binary> of 2
    0x1b, 0x00, // empty map
    0x1c, 0x1c, 0x18, 0x01, 0x78, 0x00, 0x00, // struct { struct { binary } }
    0x19, 0x29, 0x15, 0x02, 0x15, 0x04, // list<list<i32>> of 2
    0x1d, ...Array(16).fill(0xab), // uuid
  ];
  // Unknown fields use ids 20.. (long form header for the first: type i64, id 20).
  const prefix = (type: number): number[] => [type, ...varint(40)]; // zigzag(20) = 40
  // deno-fmt-ignore
  const withUnknown = [
    ...HEADER, ...prefix(0x06), 0x02, ...unknown, // args: unknown i64 field 20, then more
    0x0c, 0x02, // args field 1 (long form)
    ...[0x1c, ...PROCESS], 0x19, 0x1c, ...SPAN.slice(0, -1), 0x06, ...varint(40), 0x00, ...unknown, 0x00, // span + unknown fields
    0x16, 0x02, // seqNo (delta from 2)
    ...prefix(0x06), 0x02, ...unknown, // batch: unknown fields after seqNo
    0x00, 0x00,
  ];
  const a = decodeEmitBatch(Uint8Array.from(VALID));
  const b = decodeEmitBatch(Uint8Array.from(withUnknown));
  assert.deepStrictEqual(b, a);
});

Deno.test("robustness: a known field with an unexpected type is skipped", () => {
  // Batch field 3 (seqNo) as a string instead of i64: skipped, so seqNo is absent.
  const seqNoAt = VALID.length - 4;
  const bytes = [...VALID.slice(0, seqNoAt), 0x18, 0x01, 0x61, 0x00, 0x00];
  const { batch } = decodeEmitBatch(Uint8Array.from(bytes));
  assert.equal(batch.seqNo, undefined);
  assert.equal(batch.spans.length, 1);
});

Deno.test("robustness: invalid UTF-8 becomes U+FFFD", () => {
  const bytes = [...HEADER, 0x1c, 0x1c, 0x18, 0x02, 0xc3, 0x28, 0x00, 0x19, 0x0c, 0x00, 0x00];
  assert.equal(decodeEmitBatch(Uint8Array.from(bytes)).batch.process.serviceName, "\uFFFD(");
});
