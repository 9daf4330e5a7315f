// Seeded random Jaeger spans for the differential tests: every field form the encoders accept
// (i64 as number, bigint and parts, extreme and negative), every tag type with any mix of
// optional fields, strings that are empty, long, non-ASCII, astral, or hold lone surrogates,
// lists longer than 14 elements (the compact list header's long form), doubles that are NaN
// (with payloads), infinite or -0, and strings that repeat across spans (so that the wasm
// backend's interning takes part) next to strings that never repeat.

import type {
  I64,
  JaegerLog,
  JaegerSpan,
  JaegerSpanRef,
  JaegerTag,
} from "../../exporters/jaeger/thrift_model.ts";

/** A small seeded PRNG (mulberry32): the same seed gives the same batches on every run. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  /** A uniform unsigned 32-bit integer. */
  u32(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  /** One of the items. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

const TWO_32 = 4294967296;

const EXTREME_NUMBERS = [
  0,
  -0,
  1,
  -1,
  127,
  128,
  -64,
  -65,
  2147483647,
  -2147483648,
  2147483648,
  -2147483649,
  4294967295,
  4294967296,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2 ** 53,
  2 ** 62,
  -(2 ** 62),
  -(2 ** 63),
  2 ** 63 - 1024, // the largest double below 2^63
  1_700_000_000_000_000,
];

const EXTREME_BIGINTS = [
  0n,
  -1n,
  (1n << 63n) - 1n,
  -(1n << 63n),
  (1n << 64n) - 1n, // unsigned: wraps to -1
  1n << 63n, // unsigned: wraps to -2^63
  123456789012345678n,
  -987654321098765432n,
];

/** A random I64 in one of the three accepted forms. */
export function randomI64(r: Rng): I64 {
  switch (r.int(6)) {
    case 0:
      return r.pick(EXTREME_NUMBERS);
    case 1:
      return (r.u32() | 0) >> r.int(32); // an int32, often small
    case 2: {
      // a safe integer of any sign
      const v = (r.u32() & 0x1fffff) * TWO_32 + r.u32();
      return r.chance(0.5) ? -v : v;
    }
    case 3:
      return r.chance(0.5)
        ? r.pick(EXTREME_BIGINTS)
        : BigInt.asIntN(64, (BigInt(r.u32()) << 32n) | BigInt(r.u32()));
    default:
      return r.chance(0.2)
        ? r.pick([{ hi: 0, lo: 0 }, { hi: 0xffffffff, lo: 0xffffffff }, { hi: 0x80000000, lo: 0 }])
        : { hi: r.u32(), lo: r.u32() };
  }
}

const WORDS = [
  "GET",
  "POST",
  "http.method",
  "http.target",
  "component",
  "trace_http",
  "db.rows",
  "cached",
  "event",
  "key",
  "partition-42",
  "ok",
  "error",
  "ratio",
  "peer.address",
  "",
];

const UNICODE = ["é", "ß", "中文", "Ж", "€", "\u0080", "\u07ff", "\u0800", "\uffff", "😀", "𝄞"];
const SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d", "\ude00"];

function asciiString(r: Rng, len: number): string {
  let s = "";
  for (let i = 0; i < len; i++) s += String.fromCharCode(0x20 + r.int(0x5f));
  return s;
}

/** A fresh random string: ASCII, non-ASCII, astral, lone surrogates, empty or long. */
export function freshString(r: Rng): string {
  switch (r.int(8)) {
    case 0:
      return "";
    case 1:
      return asciiString(r, 1 + r.int(12));
    case 2:
      return asciiString(r, 20 + r.int(120)); // around the ASCII loop and intern limits
    case 3:
      return asciiString(r, 200 + r.int(3000)); // long: beyond both limits, varint of 2 bytes
    case 4: {
      // mixed unicode
      let s = "";
      const n = 1 + r.int(20);
      for (let i = 0; i < n; i++) s += r.chance(0.5) ? r.pick(UNICODE) : asciiString(r, r.int(4));
      return s;
    }
    case 5: {
      // lone surrogates in every position
      let s = "";
      const n = 1 + r.int(6);
      for (let i = 0; i < n; i++) {
        s += r.pick([r.pick(SURROGATES), asciiString(r, r.int(3)), r.pick(UNICODE)]);
      }
      return s;
    }
    case 6: {
      // any UTF-16 code units at all
      let s = "";
      const n = r.int(40);
      for (let i = 0; i < n; i++) s += String.fromCharCode(r.int(0x10000));
      return s;
    }
    default:
      return `/api/v2/query?org=26f7e5a4b7be365b&bucket=917b97a92e883afc&q=${r.u32()}`;
  }
}

/** Strings that recur: a fixed vocabulary and a pool that changes slowly over the run. */
export class StringSource {
  #pool: string[] = [];
  constructor(private readonly r: Rng, poolSize = 64) {
    for (let i = 0; i < poolSize; i++) this.#pool.push(freshString(r));
  }
  /** A string: mostly recurring ones, sometimes a fresh one; the pool drifts. */
  next(): string {
    const r = this.r;
    if (r.chance(0.02)) this.#pool[r.int(this.#pool.length)] = freshString(r);
    const k = r.int(10);
    if (k < 4) return r.pick(WORDS);
    if (k < 8) return r.pick(this.#pool);
    return freshString(r);
  }
}

const NAN_BITS: [number, number][] = [
  [0x7ff80000, 0],
  [0xfff80000, 0],
  [0x7ff00000, 1],
  [0x7ff40000, 0xdeadbeef],
  [0xffffffff, 0xffffffff],
];

/** A random double: NaN (with payloads), infinities, -0, tiny, huge or ordinary. */
export function randomDouble(r: Rng): number {
  switch (r.int(8)) {
    case 0: {
      const [hi, lo] = r.pick(NAN_BITS);
      const u = new Uint32Array([lo, hi]);
      return new Float64Array(u.buffer)[0]!;
    }
    case 1:
      return r.pick([Infinity, -Infinity, -0, 0, Number.MIN_VALUE, Number.MAX_VALUE, 0.25]);
    case 2: {
      const u = new Uint32Array([r.u32(), r.u32()]);
      return new Float64Array(u.buffer)[0]!; // any bits at all
    }
    default:
      return (r.u32() - 2147483648) / (1 + r.int(1000));
  }
}

function randomBytes(r: Rng): Uint8Array {
  const n = r.chance(0.1) ? 300 + r.int(2000) : r.int(20);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r.int(256);
  return b;
}

/** A random tag: usually one value field matching its type, sometimes any mix or none. */
export function randomTag(r: Rng, strings: StringSource): JaegerTag {
  const vType = r.chance(0.95) ? r.int(5) : r.pick([-1, 5, 127, 2147483647, -2147483648]);
  const tag: JaegerTag = { key: strings.next(), vType };
  const set = (field: number): void => {
    switch (field) {
      case 0:
        tag.vStr = strings.next();
        break;
      case 1:
        tag.vDouble = randomDouble(r);
        break;
      case 2:
        tag.vBool = r.chance(0.5);
        break;
      case 3:
        tag.vLong = randomI64(r);
        break;
      default:
        tag.vBinary = randomBytes(r);
    }
  };
  if (r.chance(0.85)) {
    set(vType >= 0 && vType < 5 ? vType : r.int(5));
  } else {
    for (let f = 0; f < 5; f++) if (r.chance(0.4)) set(f);
  }
  if (r.chance(0.03)) tag.vStr = null as unknown as undefined; // null counts as absent
  return tag;
}

function randomCount(r: Rng): number {
  const k = r.int(10);
  if (k < 5) return r.int(4);
  if (k < 8) return 4 + r.int(11);
  return 14 + r.int(30); // 14 is the last short list header; 15 and up use the long form
}

function randomTags(r: Rng, strings: StringSource): JaegerTag[] {
  const n = randomCount(r);
  const tags: JaegerTag[] = [];
  for (let i = 0; i < n; i++) tags.push(randomTag(r, strings));
  return tags;
}

/** A random span. */
export function randomSpan(r: Rng, strings: StringSource): JaegerSpan {
  const span: JaegerSpan = {
    traceIdLow: randomI64(r),
    traceIdHigh: randomI64(r),
    spanId: randomI64(r),
    parentSpanId: randomI64(r),
    operationName: strings.next(),
    flags: r.chance(0.9) ? r.int(4) : r.u32() | 0,
    startTime: randomI64(r),
    duration: randomI64(r),
  };
  if (r.chance(0.3)) {
    const refs: JaegerSpanRef[] = [];
    const n = r.chance(0.1) ? 15 + r.int(10) : r.int(3);
    for (let i = 0; i < n; i++) {
      refs.push({
        refType: r.chance(0.9) ? r.int(2) : r.u32() | 0,
        traceIdLow: randomI64(r),
        traceIdHigh: randomI64(r),
        spanId: randomI64(r),
      });
    }
    span.references = refs;
  }
  if (r.chance(0.85)) span.tags = randomTags(r, strings);
  if (r.chance(0.5)) {
    const logs: JaegerLog[] = [];
    const n = r.chance(0.1) ? 15 + r.int(5) : r.int(3);
    for (let i = 0; i < n; i++) {
      logs.push({ timestamp: randomI64(r), fields: randomTags(r, strings) });
    }
    span.logs = logs;
  }
  if (r.chance(0.02)) span.tags = null as unknown as undefined;
  return span;
}

/** A random batch of 0 to `max` spans. */
export function randomBatch(r: Rng, strings: StringSource, max = 8): JaegerSpan[] {
  const n = r.chance(0.02) ? 0 : 1 + r.int(max);
  const spans: JaegerSpan[] = [];
  for (let i = 0; i < n; i++) spans.push(randomSpan(r, strings));
  return spans;
}
