/**
 * The Jaeger exporter: the Thrift model, the compact-Thrift codec, the encoding backends, the
 * batch encoder and the UDP exporter.
 *
 * @module
 */

export * from "./thrift_model.ts";
export type { EncodedSpans, SpanEncoderBackend } from "./span_encoder_backend.ts";
export { formatWaterfall, type WaterfallOptions } from "./waterfall.ts";
