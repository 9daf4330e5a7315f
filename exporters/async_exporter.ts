// The AsyncExporter lives in exporters/pipeline/ (the protocol-neutral, pure part of the
// pipeline, its own entry point `./exporters/pipeline`); this path stays for existing imports.

export {
  AsyncExporter,
  type AsyncExporterOptions,
  type AsyncExporterStats,
  type ExporterClock,
} from "./pipeline/async_exporter.ts";
export type { Packet, PacketSink, SpanProtocol } from "./pipeline/span_protocol.ts";
