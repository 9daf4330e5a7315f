// Test helpers for the compact-Thrift fixtures (tests/fixtures/jaeger-compact/README.md):
// load a vector's JSON into a JaegerBatch, and compare a decoded batch with the JSON's values.
// The loading itself is tests/node/_jaeger_vectors.mjs, shared with the Node tests; this file
// gives it types.

import assert from "node:assert/strict";
import type { JaegerBatch } from "../../../exporters/jaeger/thrift_model.ts";
import * as shared from "../../node/_jaeger_vectors.mjs";
import type { DecodedEmitBatch } from "../../../exporters/jaeger/decode_emit_batch.ts";

/** The fixture JSON shapes. */
export interface JsonTag {
  key: string;
  type: "string" | "double" | "bool" | "long" | "binary";
  value: string | number | boolean;
}
export interface JsonSpan {
  traceIdHigh: string;
  traceIdLow: string;
  spanId: string;
  parentSpanId: string;
  operationName: string;
  flags: number;
  startTime: string;
  duration: string;
  references?: { refType: number; traceIdHigh: string; traceIdLow: string; spanId: string }[];
  tags?: JsonTag[];
  logs?: { timestamp: string; fields: JsonTag[] }[];
}
export interface JsonVector {
  seqid: number;
  process: { serviceName: string; tags?: JsonTag[] };
  seqNo?: string;
  stats?: {
    fullQueueDroppedSpans: string;
    tooLargeDroppedSpans: string;
    failedToEmitSpans: string;
  };
  spans: JsonSpan[];
}

/** One vector: its name, JSON and .bin bytes. */
export interface Vector {
  name: string;
  json: JsonVector;
  bin: Uint8Array;
}

/** The default vector directory (the Apache Thrift vectors), or $JAEGER_VECTORS_DIR. */
export function vectorsDir(): string {
  return Deno.env.get("JAEGER_VECTORS_DIR") ??
    new URL("../../fixtures/jaeger-compact/apache-thrift", import.meta.url).pathname;
}

/** The Ruby client's packet directory. */
export const rubyDir: string =
  new URL("../../fixtures/jaeger-compact/ruby-jaeger-client", import.meta.url).pathname;

/** Loads every vector-*.json (with its .bin) of a directory, sorted by name. */
export function loadVectors(dir: string = vectorsDir()): Vector[] {
  return shared.loadVectors(dir) as Vector[];
}

/** How the loader represents 64-bit values. */
export interface LoadOptions {
  /** Hex ids as I64Parts (u32 halves) or as an unsigned bigint (wrapped by the encoder). */
  ids: "parts" | "bigint" | "signed";
  /** Decimal i64 strings as bigint, or as number when safe. */
  longs: "bigint" | "number";
}

/** A vector's JSON as a JaegerBatch (and its seqid). */
export function toBatch(
  json: JsonVector,
  o: LoadOptions = { ids: "parts", longs: "bigint" },
): { seqId: number; batch: JaegerBatch } {
  return shared.toBatch(json, o) as { seqId: number; batch: JaegerBatch };
}

/** Replaces absent optional lists by empty lists (for peers that write empty lists). */
export function absentListsAsEmpty(batch: JaegerBatch): JaegerBatch {
  return shared.absentListsAsEmpty(batch);
}

/**
 * Asserts that a decoded message holds exactly the JSON's values (ids and longs as signed
 * bigints, binary as bytes, doubles bit-exact incl. -0 and NaN).
 */
export function assertDecodedEquals(
  decoded: DecodedEmitBatch,
  json: JsonVector,
  opts: { absentListIsEmpty?: boolean } = {},
): void {
  const expected = toBatch(json, { ids: "signed", longs: "bigint" });
  assert.equal(decoded.seqId, expected.seqId, "seqid");
  if (opts.absentListIsEmpty) {
    assert.deepStrictEqual(absentListsAsEmpty(decoded.batch), absentListsAsEmpty(expected.batch));
  } else {
    assert.deepStrictEqual(decoded.batch, expected.batch);
  }
}

/** Asserts byte equality, reporting the first differing offset. */
export function assertBytesEqual(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (actual[i] !== expected[i]) {
      const hex = (b: Uint8Array): string =>
        [...b.subarray(Math.max(0, i - 8), i + 8)].map((x) => x.toString(16).padStart(2, "0"))
          .join(" ");
      assert.fail(
        `${what}: first difference at offset ${i}: got ${actual[i]}, expected ${expected[i]}\n` +
          `  got      ${hex(actual)}\n  expected ${hex(expected)}`,
      );
    }
  }
  assert.equal(actual.length, expected.length, `${what}: length`);
}
