// The property loads of a `JaegerTag`, for the encoders that write tags from their field values
// (js_span_encoder.ts, and the "wasm" backend's staging in _wasm_encoder_core.ts).
//
// Tags of different value types usually have different object shapes ({key, vType, vStr},
// {key, vType, vBool}, ...). One function reading all of them would see five shapes and go
// megamorphic (slow property loads); one loader a type keeps each monomorphic. The bodies are
// the same on purpose: each function literal has its own inline caches.

import type { I64, JaegerTag } from "./thrift_model.ts";

/** Writes a tag from its field values at `p`; returns the position after it. */
export type TagFieldsWriter = (
  p: number,
  key: string,
  vType: number,
  vStr: string | undefined,
  vDouble: number | undefined,
  vBool: boolean | undefined,
  vLong: I64 | undefined,
  vBinary: Uint8Array | undefined,
) => number;

/** A tag writer that loads `t`'s fields by its `vType` and hands them to `write`. */
export function tagLoader(write: TagFieldsWriter): (p: number, t: JaegerTag) => number {
  const str = (p: number, t: JaegerTag): number =>
    write(p, t.key, t.vType, t.vStr, t.vDouble, t.vBool, t.vLong, t.vBinary);
  const double = (p: number, t: JaegerTag): number =>
    write(p, t.key, t.vType, t.vStr, t.vDouble, t.vBool, t.vLong, t.vBinary);
  const bool = (p: number, t: JaegerTag): number =>
    write(p, t.key, t.vType, t.vStr, t.vDouble, t.vBool, t.vLong, t.vBinary);
  const long = (p: number, t: JaegerTag): number =>
    write(p, t.key, t.vType, t.vStr, t.vDouble, t.vBool, t.vLong, t.vBinary);
  const other = (p: number, t: JaegerTag): number =>
    write(p, t.key, t.vType, t.vStr, t.vDouble, t.vBool, t.vLong, t.vBinary);
  return (p: number, t: JaegerTag): number => {
    switch (t.vType) {
      case 0:
        return str(p, t);
      case 1:
        return double(p, t);
      case 2:
        return bool(p, t);
      case 3:
        return long(p, t);
      default:
        return other(p, t);
    }
  };
}
