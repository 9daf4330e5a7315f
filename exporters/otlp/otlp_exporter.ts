/**
 * {@linkcode OtlpExporter}: the export pipeline with the OTLP protocol and the OTLP/HTTP sink:
 * a collector that encodes spans as they finish and POSTs them to an OpenTelemetry Collector
 * (Jaeger v2, Tempo, any OTLP/HTTP receiver).
 *
 * @module
 */

import type { MetadataValue } from "../../trace/span.ts";
import {
  AsyncExporter,
  type AsyncExporterOptions,
  type AsyncExporterStats,
} from "../pipeline/async_exporter.ts";
import { OtlpEncoder, type OtlpFormat } from "./otlp_encoder.ts";
import { OtlpHttpSink, type OtlpHttpSinkOptions } from "./otlp_http_sink.ts";

/**
 * Options of an {@linkcode OtlpExporter}: the encoder's, the sink's and the pipeline's.
 *
 * @example
 * ```ts
 * import type { OtlpExporterOptions } from "@spanwire/trace/exporters/otlp";
 *
 * const options: OtlpExporterOptions = {
 *   serviceName: "svc",
 *   url: "http://localhost:4318/v1/traces",
 *   format: "json",
 *   compression: "gzip",
 * };
 * ```
 */
export interface OtlpExporterOptions
  extends
    Omit<OtlpHttpSinkOptions, "format" | "warn">,
    Omit<AsyncExporterOptions, "packer" | "sink" | "batchSize"> {
  /** The resource's `service.name`. */
  serviceName: string;
  /** More resource attributes (`host.name`, process tags). */
  attributes?:
    | Readonly<Record<string, MetadataValue>>
    | ReadonlyMap<string, MetadataValue>
    | undefined;
  /** The body encoding (default `"protobuf"`). */
  format?: OtlpFormat | undefined;
  /** The largest request body in bytes (default 1 MiB). */
  maxBatchBytes?: number | undefined;
}

/**
 * The counters of an {@linkcode OtlpExporter}: the pipeline's (as the Jaeger exporter's), plus
 * the retries made and the spans the receiver rejected in partial successes (those are also
 * counted in `exported`: they were delivered).
 *
 * @example
 * ```ts
 * import type { OtlpExporterStats } from "@spanwire/trace/exporters/otlp";
 *
 * const s: OtlpExporterStats = {
 *   exported: 10, droppedQueueFull: 0, droppedTooLarge: 0, failedToSend: 0, packets: 1,
 *   retries: 0, rejectedSpans: 0,
 * };
 * ```
 */
export interface OtlpExporterStats extends AsyncExporterStats {
  /** HTTP attempts after the first one of a body. */
  retries: number;
  /** Spans the receiver reported rejected (partial success). */
  rejectedSpans: number;
}

/**
 * An `AsyncExporter` over {@linkcode OtlpEncoder} and {@linkcode OtlpHttpSink}: never blocks
 * or throws on the caller's path, bounded queue, every loss counted, `drain()` and `close()`
 * end even when the receiver is absent or slow (timeouts, bounded retries, a down receiver
 * fails fast).
 *
 * @example Export to a mock receiver
 * ```ts
 * import { OtlpExporter } from "@spanwire/trace/exporters/otlp";
 * import { MockOtlpReceiver } from "@spanwire/trace/exporters/otlp/testing";
 * import { SpanContext, SpanRecorder } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const receiver = await MockOtlpReceiver.start();
 * const exporter = new OtlpExporter({ serviceName: "svc", url: `${receiver.url}/v1/traces` });
 * const root = SpanContext.root(exporter);
 * {
 *   using span = new SpanRecorder(root.child("work"));
 *   span.ok();
 * }
 * await exporter.close();
 * assert.equal((await receiver.waitForSpans(1))[0]?.name, "work");
 * assert.deepEqual(exporter.stats(), {
 *   exported: 1, droppedQueueFull: 0, droppedTooLarge: 0, failedToSend: 0, packets: 1,
 *   retries: 0, rejectedSpans: 0,
 * });
 * await receiver.close();
 * ```
 */
export class OtlpExporter extends AsyncExporter {
  /** The OTLP protocol (encoder and framer). */
  readonly encoder: OtlpEncoder;
  /** The HTTP sender. */
  readonly sink: OtlpHttpSink;

  /**
   * Makes an exporter.
   *
   * @param options Service, resource, encoding, URL, headers, compression, timeouts, retries,
   *   queue bounds, flush interval.
   * @throws {TypeError} For a bad service name, format, URL or compression.
   * @throws {RangeError} For a number option out of range.
   */
  constructor(options: OtlpExporterOptions) {
    const encoder = new OtlpEncoder({
      serviceName: options.serviceName,
      attributes: options.attributes,
      format: options.format,
      maxBatchBytes: options.maxBatchBytes,
    });
    const sink = new OtlpHttpSink({ ...options, format: encoder.format, warn: options.warn });
    super({ ...options, packer: encoder, sink });
    this.encoder = encoder;
    this.sink = sink;
  }

  /**
   * The counters so far: the pipeline's plus `retries` and `rejectedSpans`.
   *
   * @returns A snapshot.
   */
  override stats(): OtlpExporterStats {
    const http = this.sink.stats();
    return { ...super.stats(), retries: http.retries, rejectedSpans: http.rejectedSpans };
  }
}
