// Conformance against Apache Thrift's bytes (tests/fixtures/jaeger-compact, see its README):
// every vector encoded by encodeEmitBatch and by every encoder backend (through
// assembleEmitBatch) must equal the .bin byte for byte, and decoding the .bin must give the
// JSON's values. The Ruby client's packet must decode to its JSON's values.
// Set JAEGER_VECTORS_DIR to run another directory of vectors.

import assert from "node:assert/strict";
import { encodeEmitBatch } from "../../../exporters/jaeger/encode_emit_batch.ts";
import {
  assembleEmitBatch,
  emitBatchOverhead,
  encodeProcess,
} from "../../../exporters/jaeger/encode_emit_batch.ts";
import { decodeEmitBatch } from "../../../exporters/jaeger/decode_emit_batch.ts";
import {
  assertBytesEqual,
  assertDecodedEquals,
  type JsonVector,
  type LoadOptions,
  loadVectors,
  rubyDir,
  toBatch,
  vectorsDir,
} from "./_vectors.ts";
import { backends } from "./_backends.ts";

const vectors = loadVectors();
const forms: LoadOptions[] = [
  { ids: "parts", longs: "bigint" },
  { ids: "bigint", longs: "number" },
  { ids: "signed", longs: "number" },
];

Deno.test("conformance: the vector directory holds vectors", () => {
  assert.ok(vectors.length > 0, `no vector-*.json in ${vectorsDir()}`);
});

Deno.test("conformance: encodeEmitBatch gives Apache Thrift's bytes", async (t) => {
  for (const v of vectors) {
    await t.step(v.name, () => {
      for (const form of forms) {
        const { seqId, batch } = toBatch(v.json, form);
        assertBytesEqual(encodeEmitBatch(batch, seqId), v.bin, `${v.name} ${JSON.stringify(form)}`);
      }
    });
  }
});

for (const backend of backends) {
  Deno.test(`conformance: backend "${backend.name}" + assembleEmitBatch gives Apache Thrift's bytes`, async (t) => {
    for (const v of vectors) {
      await t.step(v.name, () => {
        for (const form of forms) {
          const { seqId, batch } = toBatch(v.json, form);
          const frame = {
            seqId,
            processBytes: encodeProcess(batch.process),
            seqNo: batch.seqNo,
            stats: batch.stats,
          };
          const n = batch.spans.length;
          const encoded = backend.encodeSpans(batch.spans);
          assert.equal(encoded.ends.length, n);
          // One chunk holding every span.
          const whole = assembleEmitBatch(frame, [encoded.bytes.slice()], n);
          assertBytesEqual(whole, v.bin, `${v.name} one chunk`);
          // One chunk a span, sliced by `ends`.
          const chunks: Uint8Array[] = [];
          for (let i = 0; i < n; i++) {
            const start = i === 0 ? 0 : encoded.ends[i - 1]!;
            assert.ok(encoded.ends[i]! > start, "every span has bytes");
            chunks.push(encoded.bytes.subarray(start, encoded.ends[i]!));
          }
          assert.equal(n === 0 ? 0 : encoded.ends[n - 1], encoded.bytes.length);
          assertBytesEqual(assembleEmitBatch(frame, chunks), v.bin, `${v.name} chunk a span`);
          // Exact size accounting.
          assert.equal(emitBatchOverhead(frame, n) + encoded.bytes.length, v.bin.length);
        }
      });
    }
  });
}

Deno.test("conformance: decodeEmitBatch gives the vectors' values", async (t) => {
  for (const v of vectors) {
    await t.step(v.name, () => {
      assertDecodedEquals(decodeEmitBatch(v.bin), v.json);
    });
  }
});

Deno.test("conformance: the Ruby client's packet decodes to its values", () => {
  const bin = Deno.readFileSync(`${rubyDir}/packet-0.bin`);
  const json = JSON.parse(Deno.readTextFileSync(`${rubyDir}/packet-0.json`)) as JsonVector;
  const decoded = decodeEmitBatch(bin);
  assert.ok(decoded.batch.spans.length > 0);
  assertDecodedEquals(decoded, json, { absentListIsEmpty: true });
});
