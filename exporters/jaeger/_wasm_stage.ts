// The stage format's constants, as the JS side writes them and wasm/assembly/encoder.ts reads them
// (its header comment is the format's grammar; the two sides are held together by the
// differential tests, tests/wasm/). One place for the numbers the staging code writes.

/** A COUNT word for an optional list that is absent. */
export const ABSENT = -1;

/** A tag's mask: which value fields follow its vType word. */
export const MASK_STR = 1;
/** A tag's mask: vDouble follows (two words). */
export const MASK_DOUBLE = 2;
/** A tag's mask: vBool is present (its value in MASK_TRUE). */
export const MASK_BOOL = 4;
/** A tag's mask: vLong follows (I64, two words). */
export const MASK_LONG = 8;
/** A tag's mask: vBinary follows (STR). */
export const MASK_BINARY = 16;
/** A tag's mask: the vBool present is true. */
export const MASK_TRUE = 32;

/** Jaeger TagType values (vType words). */
export const V_STRING = 0;
/** Jaeger TagType DOUBLE. */
export const V_DOUBLE = 1;
/** Jaeger TagType BOOL. */
export const V_BOOL = 2;
/** Jaeger TagType LONG. */
export const V_LONG = 3;

/** The first word of a whole-tag reference: TAG_REF | byte length, then the address. */
export const TAG_REF = 0x80000000 | 0;

/** The first word of a string reference: the complement of its byte length (< 0), then the address. */
export function stringRef(len: number): number {
  return ~len;
}
