// Reading the model's I64 (a number, a bigint or two 32-bit halves) for display: the waterfall
// and the all-in-one's Jaeger JSON both show ids as 16 hex digits.

import type { I64 } from "./thrift_model.ts";

/** The signed 64-bit value of an I64. */
export function i64BigInt(value: I64): bigint {
  if (typeof value === "bigint") return BigInt.asIntN(64, value);
  if (typeof value === "number") return BigInt(Math.trunc(value));
  return BigInt.asIntN(64, (BigInt(value.hi >>> 0) << 32n) | BigInt(value.lo >>> 0));
}

/** An I64 as 16 lower-case hex digits (its two's complement bits). */
export function i64Hex(value: I64): string {
  return BigInt.asUintN(64, i64BigInt(value)).toString(16).padStart(16, "0");
}
