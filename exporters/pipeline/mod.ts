/**
 * The export pipeline, protocol-neutral and pure (no I/O, no `node:` module: it runs in
 * browsers too): {@linkcode AsyncExporter}, the collector that encodes spans as they finish and
 * ships them as packets; {@linkcode PacketBuilder}, its queue of encoded spans and packet
 * cutter; the seam a wire protocol plugs into ({@linkcode SpanEncoder},
 * {@linkcode BatchFramer}, {@linkcode SpanProtocol}, {@linkcode PacketSink}); and the
 * {@linkcode ByteWriter} with its counting twin that protocols write their bytes with.
 *
 * Protocols: Jaeger (`@spanwire/trace/exporters/jaeger`, its `BatchEncoder` is a
 * `SpanProtocol`). Sinks: UDP to a Jaeger agent (`@spanwire/trace/exporters/jaeger/agent`).
 * `tracingFromEnv` (`@spanwire/trace/exporters`) assembles them from IOx's environment.
 *
 * @example
 * ```ts
 * import { AsyncExporter } from "@spanwire/trace/exporters/pipeline";
 * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const sent: Uint8Array[] = [];
 * const exporter = new AsyncExporter({
 *   packer: new BatchEncoder({ serviceName: "svc" }),
 *   sink: { send: (packet) => (sent.push(packet), true) },
 * });
 * exporter.export(Span.root("a"));
 * await exporter.close();
 * assert.equal(sent.length, 1);
 * ```
 *
 * @module
 */

export {
  AsyncExporter,
  type AsyncExporterOptions,
  type AsyncExporterStats,
  type ExporterClock,
} from "./async_exporter.ts";
export {
  AddResult,
  type AddResultCode,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_MAX_QUEUE_SPANS,
  PacketBuilder,
  type PacketBuilderOptions,
} from "./packet_builder.ts";
export type {
  BatchFramer,
  DroppedSpans,
  Packet,
  PacketFrame,
  PacketSink,
  SpanEncoder,
  SpanProtocol,
} from "./span_protocol.ts";
export {
  ByteCounter,
  BytesWriter,
  type ByteWriter,
  utf8Length,
  varint64Size,
  varintSize,
  zigzag64Hi,
  zigzag64Lo,
} from "./byte_writer.ts";
