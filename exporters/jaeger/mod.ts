/**
 * The Jaeger exporter: the Thrift model, the compact-Thrift codec, the encoding backends, the
 * batch encoder and the UDP exporter.
 *
 * @module
 */

export * from "./thrift_model.ts";
export type { EncodedSpans, SpanEncoderBackend } from "./span_encoder_backend.ts";
export {
  assembleEmitBatch,
  type EmitBatchFrame,
  emitBatchOverhead,
  encodeEmitBatch,
  encodeProcess,
} from "./encode_emit_batch.ts";
export { type DecodedEmitBatch, decodeEmitBatch } from "./decode_emit_batch.ts";
export { DecodeError } from "./decode_error.ts";
export { jsSpanEncoder } from "./js_span_encoder.ts";
export { formatWaterfall, type WaterfallOptions } from "./waterfall.ts";
