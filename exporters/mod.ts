/**
 * Exporters: {@linkcode tracingFromEnv}, IOx's environment configuration of the Jaeger exporter
 * (with flushing at exit), and {@linkcode AsyncExporter}, the collector that encodes finished
 * spans and ships them in the background (bounded, never blocking the caller, every drop
 * counted). The pure, protocol-neutral pipeline has its own entry point,
 * `./exporters/pipeline` (no `node:` module); the Jaeger encoding is in `./exporters/jaeger`,
 * its UDP transport in `./exporters/jaeger/agent`.
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
} from "./pipeline/async_exporter.ts";
export type { Packet, PacketSink, SpanProtocol } from "./pipeline/span_protocol.ts";
export {
  type EnvSource,
  type Tracing,
  type TracingConfig,
  tracingFromEnv,
  type TracingFromEnvOptions,
} from "./tracing_from_env.ts";
