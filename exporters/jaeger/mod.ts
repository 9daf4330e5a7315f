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
export {
  metadataToTag,
  processToJaeger,
  spanToJaeger,
  STATUS_DESCRIPTION_TAG,
} from "./span_to_jaeger.ts";
export {
  BatchEncoder,
  type BatchEncoderOptions,
  DEFAULT_MAX_PACKET_SIZE,
  type DroppedSpans,
  type EncodedPacket,
  MAX_PACKET_SIZE,
  MIN_PACKET_SIZE,
  TRIMMED_TAG,
} from "./batch_encoder.ts";
export { type BackendName, backendNames, defaultBackendName, resolveBackend } from "./backends.ts";
export {
  JaegerAgentExporter,
  type JaegerAgentExporterOptions,
  type JaegerAgentExporterStats,
} from "./agent_exporter.ts";
export { MockJaegerAgent, type MockJaegerAgentOptions } from "./testing.ts";
export { formatWaterfall, type WaterfallOptions } from "./waterfall.ts";
