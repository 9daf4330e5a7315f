/**
 * The OTLP exporter's pure parts: {@linkcode OtlpEncoder} (spans to OTLP/HTTP request bodies,
 * protobuf or JSON, through one mapping: see `span_to_otlp.ts` for the table) and the strict
 * decoders {@linkcode decodeOtlpProtobuf} and {@linkcode decodeOtlpJson}. No `node:` modules:
 * it runs in Deno, Node, Bun and browsers.
 *
 * @example Encode spans and decode them back
 * ```ts
 * import { decodeOtlpProtobuf, OtlpEncoder } from "@spanwire/trace/exporters/otlp";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const body = new OtlpEncoder({ serviceName: "svc" }).encode([Span.root("job")]);
 * assert.equal(decodeOtlpProtobuf(body).spans[0]?.name, "job");
 * ```
 *
 * @module
 */

export { OtlpEncoder, type OtlpEncoderOptions, type OtlpFormat } from "./otlp_encoder.ts";
export {
  decodeOtlpProtobuf,
  decodeOtlpResponseProtobuf,
  type OtlpPartialSuccess,
} from "./decode_protobuf.ts";
export { decodeOtlpJson, decodeOtlpResponseJson } from "./decode_json.ts";
export { OtlpDecodeError } from "./otlp_decode_error.ts";
export type {
  OtlpAttributes,
  OtlpEvent,
  OtlpLink,
  OtlpResource,
  OtlpScope,
  OtlpSpan,
  OtlpTraces,
  OtlpValue,
} from "./otlp_model.ts";
export { SCOPE_NAME, SCOPE_VERSION } from "./span_to_otlp.ts";
