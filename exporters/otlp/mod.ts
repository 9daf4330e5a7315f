/**
 * The OTLP exporter's pure parts: {@linkcode OtlpEncoder} (spans to OTLP/HTTP request bodies,
 * protobuf or JSON, through the one mapping below) and the strict
 * decoders {@linkcode decodeOtlpProtobuf} and {@linkcode decodeOtlpJson}. No `node:` modules:
 * it runs in Deno, Node, Bun and browsers. `OtlpExporter` is the collector (the export pipeline
 * with the OTLP protocol and `OtlpHttpSink`); `otlpConfigFromEnv` reads OpenTelemetry's
 * variables (`tracingFromEnv` uses it for `TRACES_EXPORTER=otlp`).
 *
 * The mapping, written once (`span_to_otlp.ts`): the protobuf bytes, their sizes (from the
 * writer's byte-counting twin) and OTLP/JSON all come from it.
 *
 * | spanwire | OTLP (`opentelemetry.proto.trace.v1`) |
 * | --- | --- |
 * | `ctx.traceId`, `ctx.spanId` | `trace_id` (16 bytes), `span_id` (8 bytes), raw big-endian bytes (JSON: lowercase hex) |
 * | `ctx.parentSpanId` | `parent_span_id` (absent for a root) |
 * | `name` | `name` |
 * | `kind` | `kind`: `server` SERVER (2, spans of `traceLayer` and `traceNodeListener`), `client` CLIENT (3, `tracedFetch`), `producer` PRODUCER (4), `consumer` CONSUMER (5), otherwise INTERNAL (1) |
 * | `start`, `end` (µs since the epoch) | `start_time_unix_nano`, `end_time_unix_nano` (`fixed64`; whole µs × 1000 plus the fraction's rounded ns; JSON: decimal strings). No start: 0; no end: the start |
 * | `metadata` | `attributes`, in insertion order: string `string_value`; boolean `bool_value`; safe-integer number and int64 bigint `int_value` (JSON: decimal string); other numbers and `Float` `double_value` (JSON: NaN and infinities as strings); a bigint beyond int64 its decimal `string_value`. The key `span.kind` is not sent (the kind has its own field) |
 * | `events` | `events`: `time_unix_nano`, `name` = the message, `attributes` = its metadata |
 * | `ctx.links` | `links`: `trace_id`, `span_id` |
 * | `status` | `status`: `ok` OK (1); `error` ERROR (2) with `message` = `statusMessage`; `unknown` no status (UNSET) |
 * | exporter's service and tags | `Resource.attributes`: `service.name`, then `host.name` and the process tags |
 * | — | `InstrumentationScope`: name `spanwire`, version the package's |
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

export {
  DEFAULT_MAX_BATCH_BYTES,
  MAX_BATCH_BYTES,
  MIN_BATCH_BYTES,
  OtlpEncoder,
  type OtlpEncoderOptions,
  type OtlpFormat,
} from "./otlp_encoder.ts";
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
export {
  OtlpHttpSink,
  type OtlpHttpSinkOptions,
  type OtlpHttpSinkStats,
  parseRetryAfter,
} from "./otlp_http_sink.ts";
export { OtlpExporter, type OtlpExporterOptions, type OtlpExporterStats } from "./otlp_exporter.ts";
export {
  type OtlpConfig,
  otlpConfigFromEnv,
  type OtlpConfigOptions,
  type OtlpEnv,
} from "./otlp_config.ts";
