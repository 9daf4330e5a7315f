// deno-lint-ignore-file explicit-function-return-type explicit-module-boundary-types
// The compact-Thrift fixtures (tests/fixtures/jaeger-compact/README.md), loaded once for both
// test suites: the Deno tests (through tests/exporters/jaeger/_vectors.ts, which adds types)
// and the Node tests on the npm package (tests/node/jaeger_conformance.mjs). Plain JavaScript
// with `node:` modules only, so that both runtimes import it as it is. Written from the
// fixture README, not from the library.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Every vector-*.json of a directory with its .bin, sorted by name.
 *
 * @param {string} dir
 * @returns {{ name: string, json: any, bin: Uint8Array }[]}
 */
export function loadVectors(dir) {
  return readdirSync(dir)
    .filter((name) => /^vector-.*\.json$/.test(name))
    .sort()
    .map((name) => ({
      name: name.replace(/\.json$/, ""),
      json: JSON.parse(readFileSync(join(dir, name), "utf8")),
      bin: new Uint8Array(readFileSync(join(dir, name.replace(/\.json$/, ".bin")))),
    }));
}

const TAG_TYPES = { string: 0, double: 1, bool: 2, long: 3, binary: 4 };

/**
 * A 16-hex-digit id (the i64's two's complement bits) as u32 halves, an unsigned bigint (the
 * encoder wraps it) or the signed bigint the decoder returns.
 *
 * @param {string} hex
 * @param {"parts" | "bigint" | "signed"} ids
 */
function hexId(hex, ids) {
  assert.match(hex, /^[0-9a-f]{16}$/);
  const u = BigInt(`0x${hex}`);
  if (ids === "parts") return { hi: Number(u >> 32n), lo: Number(u & 0xffffffffn) };
  return ids === "bigint" ? u : BigInt.asIntN(64, u);
}

/**
 * A decimal i64 as a bigint, or as a number when safe and `longs` is "number".
 *
 * @param {string} text
 * @param {"bigint" | "number"} longs
 */
function long(text, longs) {
  assert.match(text, /^-?[0-9]+$/);
  const value = BigInt(text);
  const safe = value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
  return longs === "number" && safe ? Number(value) : value;
}

/** @param {string} hex */
function hexBytes(hex) {
  assert.match(hex, /^([0-9a-f]{2})*$/);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number(BigInt(`0x${hex.slice(2 * i, 2 * i + 2)}`));
  return out;
}

function tag(t, o) {
  const vType = TAG_TYPES[t.type];
  assert.notEqual(vType, undefined, `unknown tag type ${t.type}`);
  if (t.type === "string") return { key: t.key, vType, vStr: t.value };
  if (t.type === "double") return { key: t.key, vType, vDouble: t.value };
  if (t.type === "bool") return { key: t.key, vType, vBool: t.value };
  if (t.type === "long") return { key: t.key, vType, vLong: long(t.value, o.longs) };
  return { key: t.key, vType, vBinary: hexBytes(t.value) };
}

function span(s, o) {
  const out = {
    traceIdLow: hexId(s.traceIdLow, o.ids),
    traceIdHigh: hexId(s.traceIdHigh, o.ids),
    spanId: hexId(s.spanId, o.ids),
    parentSpanId: hexId(s.parentSpanId, o.ids),
    operationName: s.operationName,
    flags: s.flags,
    startTime: long(s.startTime, o.longs),
    duration: long(s.duration, o.longs),
  };
  if (s.references) {
    out.references = s.references.map((r) => ({
      refType: r.refType,
      traceIdLow: hexId(r.traceIdLow, o.ids),
      traceIdHigh: hexId(r.traceIdHigh, o.ids),
      spanId: hexId(r.spanId, o.ids),
    }));
  }
  if (s.tags) out.tags = s.tags.map((t) => tag(t, o));
  if (s.logs) {
    out.logs = s.logs.map((l) => ({
      timestamp: long(l.timestamp, o.longs),
      fields: l.fields.map((t) => tag(t, o)),
    }));
  }
  return out;
}

/**
 * A vector's JSON as a Jaeger batch and its seqid.
 *
 * @param {any} json
 * @param {{ ids: "parts" | "bigint" | "signed", longs: "bigint" | "number" }} o
 * @returns {{ seqId: number, batch: any }}
 */
export function toBatch(json, o = { ids: "parts", longs: "bigint" }) {
  const process = { serviceName: json.process.serviceName };
  if (json.process.tags) process.tags = json.process.tags.map((t) => tag(t, o));
  const batch = { process, spans: json.spans.map((s) => span(s, o)) };
  if (json.seqNo !== undefined) batch.seqNo = long(json.seqNo, o.longs);
  if (json.stats) {
    batch.stats = {
      fullQueueDroppedSpans: long(json.stats.fullQueueDroppedSpans, o.longs),
      tooLargeDroppedSpans: long(json.stats.tooLargeDroppedSpans, o.longs),
      failedToEmitSpans: long(json.stats.failedToEmitSpans, o.longs),
    };
  }
  return { seqId: json.seqid, batch };
}

/**
 * Replaces absent optional lists by empty lists (for peers that write empty lists).
 *
 * @template T
 * @param {T} batch
 * @returns {T}
 */
export function absentListsAsEmpty(batch) {
  const b = /** @type {any} */ (batch);
  return /** @type {T} */ ({
    ...b,
    process: { ...b.process, tags: b.process.tags ?? [] },
    spans: b.spans.map((s) => ({
      ...s,
      references: s.references ?? [],
      tags: s.tags ?? [],
      logs: s.logs ?? [],
    })),
  });
}
