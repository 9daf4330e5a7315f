// Conformance of the Jaeger compact-Thrift codec under Node, through the built npm package
// (`spanwire/exporters/jaeger`), against Apache Thrift's bytes: the vectors of
// tests/fixtures/jaeger-compact/apache-thrift (see its README), or $JAEGER_VECTORS_DIR.
// For every vector, encodeEmitBatch and every encoder backend the package exports must give the
// .bin byte for byte, and decodeEmitBatch of the .bin must give the JSON's values. The Ruby
// client's packet must decode to its JSON's values.
//
// The fixtures are loaded by tests/node/_jaeger_vectors.mjs (shared with the Deno tests), written
// from the fixture README, not from the library.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { absentListsAsEmpty, loadVectors, toBatch as load } from "./_jaeger_vectors.mjs";

const jaeger = await import("spanwire/exporters/jaeger");
// The "wasm" backend (wasmSpanEncoder) comes with the Jaeger exporter; its loader's state from
// spanwire/wasm.
const wasm = { ...jaeger, ...(await import("spanwire/wasm")) };
const { assembleEmitBatch, decodeEmitBatch, emitBatchOverhead, encodeEmitBatch, encodeProcess } =
  jaeger;

const repo = process.env.SPANWIRE_REPO;
assert.ok(repo, "SPANWIRE_REPO must name the repository (scripts/build_npm.ts --test sets it)");
const fixtures = join(repo, "tests", "fixtures", "jaeger-compact");
const vectorsDir = process.env.JAEGER_VECTORS_DIR ?? join(fixtures, "apache-thrift");

const vectors = loadVectors(vectorsDir);

/** Every SpanEncoderBackend the package exports (an object with a name and encodeSpans). */
const backends = [...new Set([...Object.values(jaeger), ...Object.values(wasm)])].filter((value) =>
  typeof value === "object" && value !== null && typeof value.name === "string" &&
  typeof value.encodeSpans === "function"
);

// `signed`: what the decoder returns (signed bigints); otherwise ids as { hi, lo } halves and
// longs as numbers when safe, as an application gives them to the encoder.
const toBatch = (json, signed) =>
  load(json, signed ? { ids: "signed", longs: "bigint" } : { ids: "parts", longs: "number" });

const assertBytes = (actual, expected, what) => {
  assert.ok(actual instanceof Uint8Array, `${what}: not a Uint8Array`);
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (actual[i] !== expected[i]) {
      assert.fail(
        `${what}: first difference at offset ${i}: got ${actual[i]}, expected ${expected[i]}`,
      );
    }
  }
  assert.equal(actual.length, expected.length, `${what}: length`);
};

test("the vector directory holds vectors", () => {
  assert.ok(vectors.length >= 20, `${vectors.length} vectors in ${vectorsDir}`);
});

test("encodeEmitBatch gives Apache Thrift's bytes", () => {
  for (const v of vectors) {
    const { seqId, batch } = toBatch(v.json, false);
    assertBytes(encodeEmitBatch(batch, seqId), v.bin, v.name);
    const signed = toBatch(v.json, true);
    assertBytes(encodeEmitBatch(signed.batch, signed.seqId), v.bin, `${v.name} (bigint form)`);
  }
});

test("the package exports the encoder backends", () => {
  assert.deepEqual(backends.map((b) => b.name).sort(), ["js", "wasm"]);
});

for (const backend of backends) {
  test(`backend "${backend.name}" + assembleEmitBatch gives Apache Thrift's bytes`, () => {
    for (const v of vectors) {
      const { seqId, batch } = toBatch(v.json, false);
      const frame = {
        seqId,
        processBytes: encodeProcess(batch.process),
        seqNo: batch.seqNo,
        stats: batch.stats,
      };
      const encoded = backend.encodeSpans(batch.spans);
      assert.equal(encoded.ends.length, batch.spans.length, v.name);
      const packet = assembleEmitBatch(frame, [encoded.bytes.slice()], batch.spans.length);
      assertBytes(packet, v.bin, `${backend.name} ${v.name}`);
      assert.equal(
        emitBatchOverhead(frame, batch.spans.length) + encoded.bytes.length,
        v.bin.length,
      );
    }
  });
}

test("the wasm backend runs on WebAssembly in Node (the inlined module, no fallback)", () => {
  assert.equal(wasm.wasmSpanEncoderState(), "wasm");
  assert.ok(wasm.wasmMemoryBytes() > 0);
});

test("the js and wasm backends agree on awkward strings (Node's TextEncoder, lone surrogates)", () => {
  const js = backends.find((b) => b.name === "js");
  const wa = backends.find((b) => b.name === "wasm");
  const strings = ["", "a", "é", "日本語", "😀", "\ud800", "x\udc00y", "a".repeat(300), "\u0000"];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  for (let round = 0; round < 200; round++) {
    const spans = [];
    for (let i = 0; i < 1 + (next() % 20); i++) {
      const pick = () => strings[next() % strings.length] + strings[next() % strings.length];
      spans.push({
        traceIdLow: { hi: next(), lo: next() },
        traceIdHigh: { hi: next(), lo: next() },
        spanId: { hi: next(), lo: next() | 1 },
        parentSpanId: 0,
        operationName: pick(),
        flags: 1,
        startTime: 1_700_000_000_000_000 + next(),
        duration: next() % 100_000,
        tags: [
          { key: pick(), vType: 0, vStr: pick() },
          { key: "n", vType: 3, vLong: -(next() % 1000) },
          { key: "f", vType: 1, vDouble: (next() % 1000) / 7 },
          { key: "b", vType: 2, vBool: next() % 2 === 0 },
        ],
        logs: [{
          timestamp: 1_700_000_000_000_000,
          fields: [{ key: "event", vType: 0, vStr: pick() }],
        }],
      });
    }
    const a = js.encodeSpans(spans);
    const b = wa.encodeSpans(spans);
    assertBytes(b.bytes.slice(), a.bytes.slice(), `round ${round}`);
    assert.deepEqual([...b.ends], [...a.ends], `round ${round} ends`);
  }
});

test("decodeEmitBatch gives the JSON's values", () => {
  for (const v of vectors) {
    const decoded = decodeEmitBatch(v.bin);
    const expected = toBatch(v.json, true);
    assert.equal(decoded.seqId, expected.seqId, v.name);
    assert.deepStrictEqual(decoded.batch, expected.batch, v.name);
  }
});

test("decodeEmitBatch reads the Ruby client's packet (absent lists as empty)", () => {
  const dir = join(fixtures, "ruby-jaeger-client");
  const json = JSON.parse(readFileSync(join(dir, "packet-0.json"), "utf8"));
  const decoded = decodeEmitBatch(new Uint8Array(readFileSync(join(dir, "packet-0.bin"))));
  const expected = toBatch(json, true);
  assert.deepStrictEqual(absentListsAsEmpty(decoded.batch), absentListsAsEmpty(expected.batch));
});

test("a truncated packet is a DecodeError, never another error", () => {
  const { DecodeError } = jaeger;
  for (const v of vectors.slice(0, 5)) {
    for (let n = 0; n < v.bin.length; n++) {
      assert.throws(() => decodeEmitBatch(v.bin.subarray(0, n)), DecodeError, `${v.name} at ${n}`);
    }
  }
});
