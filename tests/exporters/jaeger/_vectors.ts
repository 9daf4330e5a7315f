// Test helpers for the compact-Thrift fixtures (tests/fixtures/jaeger-compact/README.md):
// load a vector's JSON into a JaegerBatch, and compare a decoded batch with the JSON's values.

import assert from "node:assert/strict";
import type {
  ClientStats,
  I64,
  JaegerBatch,
  JaegerLog,
  JaegerProcess,
  JaegerSpan,
  JaegerSpanRef,
  JaegerTag,
} from "../../../exporters/jaeger/thrift_model.ts";
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
  const names: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (e.isFile && /^vector-.*\.json$/.test(e.name)) names.push(e.name);
  }
  names.sort();
  return names.map((n) => ({
    name: n.replace(/\.json$/, ""),
    json: JSON.parse(Deno.readTextFileSync(`${dir}/${n}`)) as JsonVector,
    bin: Deno.readFileSync(`${dir}/${n.replace(/\.json$/, ".bin")}`),
  }));
}

/** How the loader represents 64-bit values. */
export interface LoadOptions {
  /** Hex ids as I64Parts (u32 halves) or as an unsigned bigint (wrapped by the encoder). */
  ids: "parts" | "bigint" | "signed";
  /** Decimal i64 strings as bigint, or as number when safe. */
  longs: "bigint" | "number";
}

function hexId(hex: string, o: LoadOptions): I64 {
  assert.match(hex, /^[0-9a-f]{16}$/);
  if (o.ids === "parts") {
    return { hi: parseInt(hex.slice(0, 8), 16), lo: parseInt(hex.slice(8), 16) };
  }
  const u = BigInt("0x" + hex);
  return o.ids === "bigint" ? u : BigInt.asIntN(64, u);
}

function long(s: string, o: LoadOptions): I64 {
  assert.match(s, /^-?[0-9]+$/);
  const b = BigInt(s);
  if (
    o.longs === "number" && b >= BigInt(Number.MIN_SAFE_INTEGER) &&
    b <= BigInt(Number.MAX_SAFE_INTEGER)
  ) {
    return Number(b);
  }
  return b;
}

function hexBytes(hex: string): Uint8Array {
  assert.match(hex, /^([0-9a-f]{2})*$/);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const TYPES = { string: 0, double: 1, bool: 2, long: 3, binary: 4 } as const;

function tag(t: JsonTag, o: LoadOptions): JaegerTag {
  const vType = TYPES[t.type];
  assert.notEqual(vType, undefined, `unknown tag type ${t.type}`);
  switch (t.type) {
    case "string":
      return { key: t.key, vType, vStr: t.value as string };
    case "double":
      return { key: t.key, vType, vDouble: t.value as number };
    case "bool":
      return { key: t.key, vType, vBool: t.value as boolean };
    case "long":
      return { key: t.key, vType, vLong: long(t.value as string, o) };
    case "binary":
      return { key: t.key, vType, vBinary: hexBytes(t.value as string) };
  }
}

function span(s: JsonSpan, o: LoadOptions): JaegerSpan {
  const out: JaegerSpan = {
    traceIdLow: hexId(s.traceIdLow, o),
    traceIdHigh: hexId(s.traceIdHigh, o),
    spanId: hexId(s.spanId, o),
    parentSpanId: hexId(s.parentSpanId, o),
    operationName: s.operationName,
    flags: s.flags,
    startTime: long(s.startTime, o),
    duration: long(s.duration, o),
  };
  if (s.references) {
    out.references = s.references.map((r): JaegerSpanRef => ({
      refType: r.refType,
      traceIdLow: hexId(r.traceIdLow, o),
      traceIdHigh: hexId(r.traceIdHigh, o),
      spanId: hexId(r.spanId, o),
    }));
  }
  if (s.tags) out.tags = s.tags.map((t) => tag(t, o));
  if (s.logs) {
    out.logs = s.logs.map((l): JaegerLog => ({
      timestamp: long(l.timestamp, o),
      fields: l.fields.map((t) => tag(t, o)),
    }));
  }
  return out;
}

/** A vector's JSON as a JaegerBatch (and its seqid). */
export function toBatch(
  json: JsonVector,
  o: LoadOptions = { ids: "parts", longs: "bigint" },
): { seqId: number; batch: JaegerBatch } {
  const process: JaegerProcess = { serviceName: json.process.serviceName };
  if (json.process.tags) process.tags = json.process.tags.map((t) => tag(t, o));
  const batch: JaegerBatch = { process, spans: json.spans.map((s) => span(s, o)) };
  if (json.seqNo !== undefined) batch.seqNo = long(json.seqNo, o);
  if (json.stats) {
    const stats: ClientStats = {
      fullQueueDroppedSpans: long(json.stats.fullQueueDroppedSpans, o),
      tooLargeDroppedSpans: long(json.stats.tooLargeDroppedSpans, o),
      failedToEmitSpans: long(json.stats.failedToEmitSpans, o),
    };
    batch.stats = stats;
  }
  return { seqId: json.seqid, batch };
}

/** Replaces absent optional lists by empty lists (for peers that write empty lists). */
export function absentListsAsEmpty(batch: JaegerBatch): JaegerBatch {
  return {
    ...batch,
    process: { ...batch.process, tags: batch.process.tags ?? [] },
    spans: batch.spans.map((s) => ({
      ...s,
      references: s.references ?? [],
      tags: s.tags ?? [],
      logs: s.logs ?? [],
    })),
  };
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
