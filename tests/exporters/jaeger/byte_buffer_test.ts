// The shared compact primitives of the two "js" writers (exporters/jaeger/_byte_buffer.ts)
// against independent references: the compact protocol spec's varint/zigzag rules computed
// with BigInt, and TextEncoder for UTF-8 (lone surrogates as U+FFFD). The lengths around the
// fast paths' edges (a one-byte length up to 127, the ASCII loop, a length varint that grows
// after encoding) are where a fast path goes wrong.

import assert from "node:assert/strict";
import { ByteBuffer } from "../../../exporters/jaeger/_byte_buffer.ts";

function varintRef(n: bigint): number[] {
  const out: number[] = [];
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

function zigzag64Ref(v: bigint): bigint {
  const s = BigInt.asIntN(64, v);
  return BigInt.asUintN(64, (s << 1n) ^ (s >> 63n));
}

function stringRef(s: string): number[] {
  const bytes = new TextEncoder().encode(s);
  return [...varintRef(BigInt(bytes.length)), ...bytes];
}

function written(write: (out: ByteBuffer, p: number) => number, at = 3): number[] {
  const out = new ByteBuffer(16); // small: every write below makes it grow
  out.buf.fill(0xee, 0, at);
  const end = write(out, at);
  assert.deepEqual([...out.buf.subarray(0, at)], new Array(at).fill(0xee), "prefix kept");
  return [...out.buf.subarray(at, end)];
}

Deno.test("ByteBuffer.str writes a varint length and UTF-8, at every fast-path edge", () => {
  const samples: string[] = [];
  for (const n of [0, 1, 47, 48, 49, 126, 127, 128, 129, 200, 16383, 16384]) {
    samples.push("x".repeat(n));
  }
  for (const n of [42, 43, 63, 64, 65, 5461, 5462]) {
    samples.push("中".repeat(n), "é".repeat(n));
  }
  samples.push("\ud800", "a\udc00b", "\ud83d\ude80".repeat(40), "x".repeat(126) + "é");
  for (const s of samples) {
    assert.deepEqual(written((out, p) => out.str(p, s)), stringRef(s), `length ${s.length}`);
  }
});

Deno.test("ByteBuffer i64 writers give the zigzag varint of the two's complement value", () => {
  const values: bigint[] = [0n, 1n, -1n, 63n, -64n, 64n, 2n ** 31n - 1n, -(2n ** 31n)];
  for (let bits = 32; bits <= 64; bits++) {
    values.push(2n ** BigInt(bits - 1) - 1n, -(2n ** BigInt(bits - 1)));
  }
  let seed = 12345;
  for (let i = 0; i < 300; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const hi = seed;
    seed = (seed * 1103515245 + 12345) >>> 0;
    values.push(BigInt.asIntN(64, (BigInt(hi >>> (i % 32)) << 32n) | BigInt(seed)));
  }
  for (const v of values) {
    const expected = varintRef(zigzag64Ref(v));
    const u = BigInt.asUintN(64, v);
    const hi = Number(u >> 32n) | 0;
    const lo = Number(u & 0xffffffffn);
    assert.deepEqual(written((out, p) => out.i64Parts(p, hi, lo)), expected, `parts ${v}`);
    assert.deepEqual(written((out, p) => out.i64BigInt(p, v)), expected, `bigint ${v}`);
    if (Number.isSafeInteger(Number(v))) {
      assert.deepEqual(written((out, p) => out.i64Number(p, Number(v))), expected, `num ${v}`);
    }
  }
  for (const v of [2 ** 63, -(2 ** 63) * 2, NaN, Infinity]) {
    assert.throws(() => written((out, p) => out.i64Number(p, v)), RangeError);
  }
});

Deno.test("ByteBuffer.i32 and listHeader follow the compact protocol", () => {
  for (const n of [0, 1, -1, 63, -64, 64, 2 ** 31 - 1, -(2 ** 31)]) {
    assert.deepEqual(written((out, p) => out.i32(p, n)), varintRef(zigzag64Ref(BigInt(n))));
  }
  for (const size of [0, 1, 14, 15, 16, 300]) {
    // struct elements (type 12): the size in the high nibble, or 0xf then a varint
    const expected = size < 15 ? [(size << 4) | 12] : [0xfc, ...varintRef(BigInt(size))];
    assert.deepEqual(written((out, p) => out.listHeader(p, size)), expected, `size ${size}`);
  }
  const bytes = new Uint8Array(200).map((_, i) => i);
  assert.deepEqual(
    written((out, p) => out.binary(p, bytes)),
    [...varintRef(200n), ...bytes],
  );
});
