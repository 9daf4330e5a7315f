// Conformance of the Jaeger compact-Thrift codec under Node, through the built npm package
// (`spanwire/exporters/jaeger`), against Apache Thrift's bytes: the vectors of
// tests/fixtures/jaeger-compact/apache-thrift (see its README), or $JAEGER_VECTORS_DIR.
// For every vector, encodeEmitBatch and every encoder backend the package exports must give the
// .bin byte for byte, and decodeEmitBatch of the .bin must give the JSON's values. The Ruby
// client's packet must decode to its JSON's values.
//
// The JSON is read here by this file's own loader, written from the fixture README, not shared
// with the Deno tests or the library.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

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

/** Every vector-*.json of the directory, with its .bin. */
const vectors = readdirSync(vectorsDir)
  .filter((name) => /^vector-.*\.json$/.test(name))
  .sort()
  .map((name) => ({
    name: name.replace(/\.json$/, ""),
    json: JSON.parse(readFileSync(join(vectorsDir, name), "utf8")),
    bin: new Uint8Array(readFileSync(join(vectorsDir, name.replace(/\.json$/, ".bin")))),
  }));

/** Every SpanEncoderBackend the package exports (an object with a name and encodeSpans). */
const backends = [...new Set([...Object.values(jaeger), ...Object.values(wasm)])].filter((value) =>
  typeof value === "object" && value !== null && typeof value.name === "string" &&
  typeof value.encodeSpans === "function"
);

// The README's JSON shape. Ids: 16 hex digits, the i64's two's complement bits. Longs: decimal
// strings. `signed` gives what the decoder returns (signed bigints); otherwise ids are given to
// the encoder as { hi, lo } halves and longs as numbers when safe, bigints otherwise.
const TAG_TYPES = { string: 0, double: 1, bool: 2, long: 3, binary: 4 };

const id = (hex, signed) => {
  assert.match(hex, /^[0-9a-f]{16}$/);
  if (signed) return BigInt.asIntN(64, BigInt(`0x${hex}`));
  return { hi: parseInt(hex.slice(0, 8), 16), lo: parseInt(hex.slice(8), 16) };
};

const long = (text, signed) => {
  assert.match(text, /^-?[0-9]+$/);
  const value = BigInt(text);
  if (
    signed || value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)
  ) {
    return value;
  }
  return Number(value);
};

const tag = (t, signed) => {
  const vType = TAG_TYPES[t.type];
  assert.notEqual(vType, undefined, `unknown tag type ${t.type}`);
  if (t.type === "string") return { key: t.key, vType, vStr: t.value };
  if (t.type === "double") return { key: t.key, vType, vDouble: t.value };
  if (t.type === "bool") return { key: t.key, vType, vBool: t.value };
  if (t.type === "long") return { key: t.key, vType, vLong: long(t.value, signed) };
  return { key: t.key, vType, vBinary: new Uint8Array(Buffer.from(t.value, "hex")) };
};

const toBatch = (json, signed) => {
  const process = { serviceName: json.process.serviceName };
  if (json.process.tags) process.tags = json.process.tags.map((t) => tag(t, signed));
  const spans = json.spans.map((s) => {
    const span = {
      traceIdLow: id(s.traceIdLow, signed),
      traceIdHigh: id(s.traceIdHigh, signed),
      spanId: id(s.spanId, signed),
      parentSpanId: id(s.parentSpanId, signed),
      operationName: s.operationName,
      flags: s.flags,
      startTime: long(s.startTime, signed),
      duration: long(s.duration, signed),
    };
    if (s.references) {
      span.references = s.references.map((r) => ({
        refType: r.refType,
        traceIdLow: id(r.traceIdLow, signed),
        traceIdHigh: id(r.traceIdHigh, signed),
        spanId: id(r.spanId, signed),
      }));
    }
    if (s.tags) span.tags = s.tags.map((t) => tag(t, signed));
    if (s.logs) {
      span.logs = s.logs.map((l) => ({
        timestamp: long(l.timestamp, signed),
        fields: l.fields.map((t) => tag(t, signed)),
      }));
    }
    return span;
  });
  const batch = { process, spans };
  if (json.seqNo !== undefined) batch.seqNo = long(json.seqNo, signed);
  if (json.stats) {
    batch.stats = {
      fullQueueDroppedSpans: long(json.stats.fullQueueDroppedSpans, signed),
      tooLargeDroppedSpans: long(json.stats.tooLargeDroppedSpans, signed),
      failedToEmitSpans: long(json.stats.failedToEmitSpans, signed),
    };
  }
  return { seqId: json.seqid, batch };
};

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
  const normal = (batch) => ({
    ...batch,
    process: { ...batch.process, tags: batch.process.tags ?? [] },
    spans: batch.spans.map((s) => ({
      ...s,
      references: s.references ?? [],
      tags: s.tags ?? [],
      logs: s.logs ?? [],
    })),
  });
  assert.deepStrictEqual(normal(decoded.batch), normal(expected.batch));
});

test("a truncated packet is a DecodeError, never another error", () => {
  const { DecodeError } = jaeger;
  for (const v of vectors.slice(0, 5)) {
    for (let n = 0; n < v.bin.length; n++) {
      assert.throws(() => decodeEmitBatch(v.bin.subarray(0, n)), DecodeError, `${v.name} at ${n}`);
    }
  }
});
