/**
 * Exporters: {@linkcode AsyncExporter}, the collector that ships finished spans in the
 * background (bounded, never blocking the caller, every drop counted), and
 * {@linkcode tracingFromEnv}, IOx's environment configuration of the Jaeger exporter. The
 * Jaeger encoding and UDP transport live in `./exporters/jaeger`.
 *
 * @example Configure tracing from the environment
 * ```ts
 * import { tracingFromEnv } from "@spanwire/trace/exporters";
 * import { SpanRecorder } from "@spanwire/trace/trace";
 *
 * const tracing = tracingFromEnv({ TRACES_EXPORTER: "jaeger", HOSTNAME: "host-1" });
 * if (tracing !== undefined) {
 *   const ctx = tracing.parser.parse(new Headers(), tracing.collector);
 *   {
 *     using span = new SpanRecorder(ctx?.child("request"));
 *     span.ok();
 *   }
 *   await tracing.shutdown();
 * }
 * ```
 *
 * @module
 */

export {
  AsyncExporter,
  type AsyncExporterOptions,
  type AsyncExporterStats,
  type ExporterClock,
  type Packet,
  type PacketSink,
  type SpanPacker,
} from "./async_exporter.ts";
export {
  type EnvSource,
  type Tracing,
  type TracingConfig,
  tracingFromEnv,
  type TracingFromEnvOptions,
} from "./tracing_from_env.ts";
