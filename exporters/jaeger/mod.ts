/**
 * The Jaeger exporter's pure part: the Thrift model, the compact-Thrift codec, IOx's mapping
 * (written once, for every writer), the encoding backends (`"js"`, and `"wasm"`, which drives
 * the module `@spanwire/trace/wasm` loads), the Jaeger protocol of the export pipeline
 * ({@linkcode JaegerSpanEncoder} and {@linkcode EmitBatchFramer}; {@linkcode BatchEncoder} pairs
 * them, and packs spans synchronously) and the terminal waterfall. It does no I/O and imports no
 * `node:` module, so it runs in browsers too. The UDP parts have their own entry points:
 * `@spanwire/trace/exporters/jaeger/agent` (`JaegerAgentExporter`) and
 * `@spanwire/trace/exporters/jaeger/testing` (`MockJaegerAgent`).
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
export {
  type DecodedEmitBatch,
  decodeEmitBatch,
  type ThriftProtocol,
} from "./decode_emit_batch.ts";
export { DecodeError } from "./decode_error.ts";
export { jsSpanEncoder } from "./js_span_encoder.ts";
export { JaegerSpanEncoder } from "./jaeger_span_encoder.ts";
export { EmitBatchFramer } from "./emit_batch_framer.ts";
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
export { formatWaterfall, type WaterfallOptions } from "./waterfall.ts";
export { wasmSpanEncoder, type WasmSpanEncoderBackend } from "./wasm_span_encoder.ts";
