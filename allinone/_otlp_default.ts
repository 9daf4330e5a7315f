// The OTLP decoder the all-in-one uses unless told otherwise. HOOK: the OTLP decoder of
// exporters/otlp/ (another branch) is not merged yet; until it is, every OTLP body is refused
// with 400 and this message.

import type { OtlpTracesDecoder } from "./otlp_receiver.ts";

/** The default OTLP decoder. */
export const defaultOtlpDecoder: OtlpTracesDecoder = () => {
  throw new Error("OTLP decoding is not available in this build (no OTLP decoder wired)");
};
