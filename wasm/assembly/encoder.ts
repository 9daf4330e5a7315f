// The WASM half of the "wasm" span encoder backend: turns a staged batch of Jaeger spans into
// compact-Thrift `Span` structs, byte for byte as Apache Thrift's TCompactProtocol writes them.
//
// JavaScript (exporters/jaeger/_wasm_encoder_core.ts, its constants in _wasm_stage.ts) walks the spans once and writes a word stream (the
// "stage") straight into this module's memory; one call to `encode` then writes every span.
// Nothing here allocates: the module is built with the stub runtime and only reads and writes
// linear memory at the addresses it is given. JavaScript owns the memory layout and grows the
// memory before the call, so this code never grows it (and never invalidates a JS view).
//
// Stage format (little-endian i32 words, word-aligned; "I64" = two words, hi then lo):
//
//   span   := I64 traceIdLow, I64 traceIdHigh, I64 spanId, I64 parentSpanId, STR operationName,
//             COUNT refs, ref * refs, i32 flags, I64 startTime, I64 duration,
//             COUNT tags, tag * tags, COUNT logs, log * logs
//   ref    := i32 refType, I64 traceIdLow, I64 traceIdHigh, I64 spanId
//   log    := I64 timestamp, COUNT fields (never -1), tag * fields
//   tag    := STR key, i32 vType, i32 mask, [STR vStr] (mask & 1), [F64 vDouble] (mask & 2),
//             [I64 vLong] (mask & 8), [STR vBinary] (mask & 16); mask & 4: vBool present,
//             mask & 32: its value is true
//           | i32 (0x80000000 | n), u32 address of the n bytes of a whole Tag struct encoded
//             before (an interned tag; n < 65536)
//   COUNT  := i32 element count, or -1 when the optional list is absent
//   F64    := the double's 8 bytes, little-endian (two words)
//   STR    := i32 n >= 0, then n bytes inline, padded to a word boundary (padding never reaches the output)
//           | i32 ~n (< 0), u32 address of n bytes kept elsewhere in memory (an interned string)
//
// Strings arrive already UTF-8 (JS encodes them, lone surrogates as U+FFFD); this side only
// writes the length varint and copies them.

// Compact protocol field headers: (field id delta << 4) | type.
const T_BOOL_TRUE: u32 = 1;
const T_BOOL_FALSE: u32 = 2;
const T_I32: u32 = 5;
const T_I64: u32 = 6;
const T_DOUBLE: u32 = 7;
const T_BINARY: u32 = 8;
const T_LIST: u32 = 9;
const T_STRUCT: u32 = 12;

/** A tag's first word below this is a whole-tag reference: (word & 0xffff) bytes at the next word. */
const TAG_REF_BELOW: i32 = -65536;

/** The first free address after the module's own data and stack. */
export function heapBase(): usize {
  return __heap_base;
}

@inline function putByte(out: usize, b: u32): usize {
  store<u8>(out, <u8>b);
  return out + 1;
}

@inline function varint32(out: usize, v: u32): usize {
  while (v >= 0x80) {
    store<u8>(out, <u8>((v & 0x7f) | 0x80));
    out++;
    v >>= 7;
  }
  store<u8>(out, <u8>v);
  return out + 1;
}

@inline function zigzag32(out: usize, n: i32): usize {
  return varint32(out, <u32>((n << 1) ^ (n >> 31)));
}

/**
 * Writes the zigzag varint of the i64 (hi, lo) without a loop: the 7-bit groups are spread
 * into one u64 (8 bytes) with their continuation bits, stored at once, and the bytes past the
 * varint's length are left to be overwritten (the JS side keeps slack after the output).
 */
@inline function zigzag64(out: usize, hi: u32, lo: u32): usize {
  const v = (<u64>hi << 32) | <u64>lo;
  const z = (v << 1) ^ <u64>(<i64>v >> 63);
  if (z < 0x80) {
    store<u8>(out, <u8>z);
    return out + 1;
  }
  const spread = (z & 0x7f) |
    ((z << 1) & 0x7f00) |
    ((z << 2) & 0x7f0000) |
    ((z << 3) & 0x7f000000) |
    ((z << 4) & 0x7f00000000) |
    ((z << 5) & 0x7f0000000000) |
    ((z << 6) & 0x7f000000000000) |
    ((z << 7) & 0x7f00000000000000);
  // bytes needed: ceil(significant bits / 7)
  const n = <usize>((70 - <u32>clz<u64>(z)) / 7);
  if (n <= 8) {
    const more: u64 = ((<u64>1 << (<u64>(n - 1) << 3)) - 1) & 0x8080808080808080;
    store<u64>(out, spread | more);
    return out + n;
  }
  store<u64>(out, spread | 0x8080808080808080);
  const rest = z >> 56;
  if (rest < 0x80) {
    store<u8>(out, <u8>rest, 8);
    return out + 9;
  }
  store<u8>(out, <u8>((rest & 0x7f) | 0x80), 8);
  store<u8>(out, <u8>(rest >> 7), 9);
  return out + 10;
}

/**
 * Copies `n` bytes eight at a time. It may read and write up to 7 bytes past the end: the
 * JS side keeps slack after every region, and the bytes written past the end are overwritten
 * by what follows (or lie beyond the result).
 */
@inline function copy(dst: usize, src: usize, n: usize): void {
  if (n > 64) {
    memory.copy(dst, src, n);
    return;
  }
  for (let i: usize = 0; i < n; i += 8) {
    store<u64>(dst + i, load<u64>(src + i));
  }
}

// The read position in the stage: a global, so that the helpers can advance it.
let rp: usize = 0;

@inline function word(): u32 {
  const w = load<u32>(rp);
  rp += 4;
  return w;
}

/** Reads an I64 from the stage and writes it as a zigzag varint. */
@inline function i64Field(out: usize): usize {
  const hi = load<u32>(rp);
  const lo = load<u32>(rp, 4);
  rp += 8;
  return zigzag64(out, hi, lo);
}

/** Reads a STR from the stage and writes its length varint and bytes. */
function str(out: usize): usize {
  const w = <i32>load<u32>(rp);
  if (w >= 0) {
    const n = <usize>w;
    out = varint32(out, <u32>n);
    copy(out, rp + 4, n);
    rp += 4 + ((n + 3) & ~3);
    return out + n;
  }
  const n = <usize>(~w);
  const src = <usize>load<u32>(rp, 4);
  rp += 8;
  out = varint32(out, <u32>n);
  copy(out, src, n);
  return out + n;
}

@inline function listHeader(out: usize, size: u32, elemType: u32): usize {
  if (size < 15) return putByte(out, (size << 4) | elemType);
  out = putByte(out, 0xf0 | elemType);
  return varint32(out, size);
}

/** Writes a `jaeger.Tag` struct from the stage. */
@inline function tag(out: usize): usize {
  const w = <i32>load<u32>(rp);
  if (w < TAG_REF_BELOW) {
    // A whole tag encoded before (an interned tag): copy its bytes.
    const n = <usize>(w & 0xffff);
    copy(out, <usize>load<u32>(rp, 4), n);
    rp += 8;
    return out + n;
  }
  out = putByte(out, (1 << 4) | T_BINARY);
  out = str(out);
  out = putByte(out, (1 << 4) | T_I32);
  out = zigzag32(out, <i32>word());
  const mask = word();
  let last: u32 = 2;
  if (mask & 1) {
    out = putByte(out, ((3 - last) << 4) | T_BINARY);
    out = str(out);
    last = 3;
  }
  if (mask & 2) {
    out = putByte(out, ((4 - last) << 4) | T_DOUBLE);
    store<u64>(out, load<u64>(rp));
    rp += 8;
    out += 8;
    last = 4;
  }
  if (mask & 4) {
    out = putByte(out, ((5 - last) << 4) | (mask & 32 ? T_BOOL_TRUE : T_BOOL_FALSE));
    last = 5;
  }
  if (mask & 8) {
    out = putByte(out, ((6 - last) << 4) | T_I64);
    out = i64Field(out);
    last = 6;
  }
  if (mask & 16) {
    out = putByte(out, ((7 - last) << 4) | T_BINARY);
    out = str(out);
  }
  return putByte(out, 0);
}

/** Writes a list<Tag> (header and elements) whose count was just read. */
function tagList(out: usize, n: u32): usize {
  out = listHeader(out, n, T_STRUCT);
  for (let i: u32 = 0; i < n; i++) out = tag(out);
  return out;
}

/** Writes one `jaeger.Span` struct from the stage. */
function span(out: usize): usize {
  out = putByte(out, (1 << 4) | T_I64);
  out = i64Field(out);
  out = putByte(out, (1 << 4) | T_I64);
  out = i64Field(out);
  out = putByte(out, (1 << 4) | T_I64);
  out = i64Field(out);
  out = putByte(out, (1 << 4) | T_I64);
  out = i64Field(out);
  out = putByte(out, (1 << 4) | T_BINARY);
  out = str(out);
  let last: u32 = 5;
  const refs = <i32>word();
  if (refs >= 0) {
    out = putByte(out, (1 << 4) | T_LIST);
    out = listHeader(out, <u32>refs, T_STRUCT);
    for (let i = 0; i < refs; i++) {
      out = putByte(out, (1 << 4) | T_I32);
      out = zigzag32(out, <i32>word());
      out = putByte(out, (1 << 4) | T_I64);
      out = i64Field(out);
      out = putByte(out, (1 << 4) | T_I64);
      out = i64Field(out);
      out = putByte(out, (1 << 4) | T_I64);
      out = i64Field(out);
      out = putByte(out, 0);
    }
    last = 6;
  }
  out = putByte(out, ((7 - last) << 4) | T_I32);
  out = zigzag32(out, <i32>word());
  out = putByte(out, (1 << 4) | T_I64);
  out = i64Field(out);
  out = putByte(out, (1 << 4) | T_I64);
  out = i64Field(out);
  last = 9;
  const tags = <i32>word();
  if (tags >= 0) {
    out = putByte(out, (1 << 4) | T_LIST);
    out = tagList(out, <u32>tags);
    last = 10;
  }
  const logs = <i32>word();
  if (logs >= 0) {
    out = putByte(out, ((11 - last) << 4) | T_LIST);
    out = listHeader(out, <u32>logs, T_STRUCT);
    for (let i = 0; i < logs; i++) {
      out = putByte(out, (1 << 4) | T_I64);
      out = i64Field(out);
      out = putByte(out, (1 << 4) | T_LIST);
      out = tagList(out, word());
      out = putByte(out, 0);
    }
  }
  return putByte(out, 0);
}

/**
 * Encodes one staged tag at address `stage` into address `out` (to intern a whole tag).
 *
 * @returns the address just past the tag's bytes.
 */
export function encodeTag(stage: usize, out: usize): usize {
  rp = stage;
  return tag(out);
}

/**
 * Encodes `count` staged spans starting at address `stage`, writing their compact bytes from
 * address `out` and, for each span, the offset just past it (relative to `out`) as a u32 at
 * `ends + 4 * i`.
 *
 * @returns the address just past the last byte written.
 */
export function encode(stage: usize, count: u32, ends: usize, out: usize): usize {
  rp = stage;
  const base = out;
  for (let i: u32 = 0; i < count; i++) {
    out = span(out);
    store<u32>(ends + (<usize>i << 2), <u32>(out - base));
  }
  return out;
}
