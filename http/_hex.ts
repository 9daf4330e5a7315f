// Fast lower-case hex of a trace id for the `trace-id` response header (a table lookup per
// byte instead of `toString(16)` and `padStart` per word).

import type { TraceId } from "../trace/ids.ts";

const BYTE_HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function word(w: number): string {
  return BYTE_HEX[w >>> 24]! + BYTE_HEX[(w >>> 16) & 0xff]! + BYTE_HEX[(w >>> 8) & 0xff]! +
    BYTE_HEX[w & 0xff]!;
}

/** The trace id as 32 lower-case hex digits (the same text as `traceId.toString()`). */
export function traceIdHex(id: TraceId): string {
  return word(id.w0) + word(id.w1) + word(id.w2) + word(id.w3);
}
