/**
 * {@linkcode BatchEncoder}: finished spans to `Agent.emitBatch` packets of at most
 * `maxPacketSize` bytes, each span encoded once, by exact size accounting.
 *
 * @module
 */

import { messageOf } from "../../trace/_text.ts";
import type { MetadataInit, Span } from "../../trace/span.ts";
import { RateLimitedWarning } from "../../trace/_warning.ts";
import { AddResult, PacketBuilder } from "../pipeline/packet_builder.ts";
import type {
  DroppedSpans as PipelineDroppedSpans,
  SpanProtocol,
} from "../pipeline/span_protocol.ts";
import { type BackendName, resolveBackend } from "./backends.ts";
import { encodeProcess } from "./encode_emit_batch.ts";
import { EmitBatchFramer } from "./emit_batch_framer.ts";
import { JaegerSpanEncoder } from "./jaeger_span_encoder.ts";
import { trimToFit } from "./_trim.ts";
import type { SpanEncoderBackend } from "./span_encoder_backend.ts";
import { processToJaeger } from "./span_to_jaeger.ts";
import type { JaegerProcess, JaegerSpan } from "./thrift_model.ts";
export { TRIMMED_TAG } from "./_trim.ts";

/** The default packet limit: what a Jaeger agent reads at most from one datagram. */
export const DEFAULT_MAX_PACKET_SIZE = 65000;
/** The smallest `maxPacketSize` accepted. */
export const MIN_PACKET_SIZE = 256;
/** The largest `maxPacketSize` accepted: the largest UDP payload over IPv4. */
export const MAX_PACKET_SIZE = 65507;
/**
 * Options of a {@linkcode BatchEncoder}.
 *
 * @example
 * ```ts
 * import type { BatchEncoderOptions } from "@spanwire/trace/exporters/jaeger";
 *
 * const options: BatchEncoderOptions = { serviceName: "iox-conductor", maxPacketSize: 9216 };
 * ```
 */
export interface BatchEncoderOptions {
  /** The service name (Jaeger's `Process.serviceName`). */
  serviceName: string;
  /** Process tags, typed as span metadata (optional). */
  tags?: MetadataInit | undefined;
  /** The host's name: added as the `hostname` process tag unless `tags` has one (optional). */
  hostname?: string | undefined;
  /**
   * The largest packet, in bytes (default 65000, what the agent reads; 9216 suits macOS's
   * default UDP limit, 1472 one Ethernet frame). From 256 to 65507.
   */
  maxPacketSize?: number | undefined;
  /**
   * The span encoder backend: `"js"`, `"wasm"` or a backend object. The default is `"js"`, the
   * one measured faster in the pipeline ({@linkcode defaultBackendName}).
   */
  backend?: BackendName | SpanEncoderBackend | undefined;
  /** Where the rate-limited warning about dropped spans goes (default `console.warn`). */
  warn?: ((message: string) => void) | undefined;
}

/**
 * One packet made by a {@linkcode BatchEncoder}: the bytes of a whole `emitBatch` message,
 * how many spans it carries, and its batch `seqNo`.
 *
 * @example
 * ```ts
 * import type { EncodedPacket } from "@spanwire/trace/exporters/jaeger";
 *
 * function totalSpans(packets: EncodedPacket[]): number {
 *   return packets.reduce((n, p) => n + p.spans, 0);
 * }
 * ```
 */
export interface EncodedPacket {
  /** The UDP payload. */
  readonly bytes: Uint8Array;
  /** The number of spans in it. */
  readonly spans: number;
  /** The batch's `seqNo`. */
  readonly seqNo: number;
}

/**
 * Span counts that the encoder's owner reports, so that the packets' `ClientStats` carry them.
 *
 * @example
 * ```ts
 * import type { DroppedSpans } from "@spanwire/trace/exporters/jaeger";
 *
 * const dropped: DroppedSpans = { fullQueue: 3 };
 * ```
 */
export interface DroppedSpans extends PipelineDroppedSpans {
  /** Spans dropped because a queue was full. */
  fullQueue?: number | undefined;
  /** Spans in packets that could not be sent. */
  failedToSend?: number | undefined;
  /** Spans dropped as too large elsewhere (the encoder counts its own). */
  tooLarge?: number | undefined;
}

/**
 * Turns finished spans into Jaeger agent packets (`Agent.emitBatch`, Thrift compact), each at
 * most `maxPacketSize` bytes by exact size accounting: every span is converted
 * ({@linkcode spanToJaeger}) and encoded by the backend once, then packed greedily, in order,
 * into packets whose size is computed exactly before anything is written.
 *
 * Every packet carries an incrementing `seqNo` (from 0; the message's seqid is the same number
 * modulo 2^31) and cumulative `ClientStats` as of when the packet was opened: spans it dropped
 * as too large, plus the full-queue and failed-to-send counts its owner reports with
 * {@linkcode BatchEncoder.recordDropped}.
 *
 * A span too large for a packet on its own is trimmed: its longest string and binary values
 * (tag values and log fields, longest first, not below 32 bytes) are shortened, then its last
 * logs are dropped, and it gets the tag `spanwire.trimmed=true`. Only a span that still cannot fit is dropped and counted as too
 * large (with a rate-limited warning); a span the backend cannot encode is counted the same way.
 * Spans keep their order (a trimmed span takes its place among the others).
 * Nothing here throws for a bad span.
 *
 * It is the synchronous face of the export pipeline's parts: each span is encoded at once by a
 * {@linkcode JaegerSpanEncoder} (through the backend's `encodeTraceSpan` fast path, the same
 * bytes as {@linkcode spanToJaeger} then the backend's `encodeSpans`), queued as bytes, and cut
 * into packets by an {@linkcode EmitBatchFramer}. As a {@linkcode SpanProtocol} (its `encoder`
 * and `framer`), it is what `AsyncExporter` takes.
 *
 * Use {@linkcode BatchEncoder.encode} for "these spans, now, all of them", or
 * {@linkcode BatchEncoder.add} and {@linkcode BatchEncoder.flush} to keep filling a packet
 * across calls (what `AsyncExporter` does).
 *
 * @example Encode spans into packets and read them back
 * ```ts
 * import { BatchEncoder, decodeEmitBatch } from "@spanwire/trace/exporters/jaeger";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const encoder = new BatchEncoder({ serviceName: "iox-conductor", maxPacketSize: 1472 });
 * const spans = Array.from({ length: 50 }, (_, i) => {
 *   const span = Span.root(`op-${i}`).setMetadata("i", i);
 *   span.start = 1_000;
 *   span.end = 2_000;
 *   return span;
 * });
 * const packets = encoder.encode(spans);
 * assert.ok(packets.length > 1);
 * let count = 0;
 * for (const [i, packet] of packets.entries()) {
 *   assert.ok(packet.length <= 1472);
 *   const { batch } = decodeEmitBatch(packet);
 *   assert.equal(batch.seqNo, BigInt(i));
 *   count += batch.spans.length;
 * }
 * assert.equal(count, 50);
 * ```
 */
export class BatchEncoder implements SpanProtocol {
  /** The packet limit in bytes. */
  readonly maxPacketSize: number;
  /** The encoder backend in use. */
  readonly backend: SpanEncoderBackend;
  /** The process every packet carries. */
  readonly process: JaegerProcess;
  /** The span encoder (for the export pipeline). */
  readonly encoder: JaegerSpanEncoder;
  /** The batch framer (for the export pipeline). */
  readonly framer: EmitBatchFramer;

  readonly #builder: PacketBuilder;
  readonly #warning: RateLimitedWarning;

  /**
   * Makes an encoder.
   *
   * @param options The service, tags, packet limit and backend.
   * @throws {TypeError} If the service name is not a string or the backend is unknown.
   * @throws {RangeError} If `maxPacketSize` is not an integer from 256 to 65507.
   */
  constructor(options: BatchEncoderOptions) {
    if (typeof options?.serviceName !== "string") {
      throw new TypeError("Cannot make BatchEncoder: serviceName must be a string");
    }
    const max = options.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE;
    if (!Number.isInteger(max) || max < MIN_PACKET_SIZE || max > MAX_PACKET_SIZE) {
      throw new RangeError(
        `Cannot make BatchEncoder: maxPacketSize ${max} is not an integer from ${MIN_PACKET_SIZE} to ${MAX_PACKET_SIZE}`,
      );
    }
    this.maxPacketSize = max;
    this.backend = resolveBackend(options.backend);
    this.process = processToJaeger(options.serviceName, options.tags, options.hostname);
    try {
      this.framer = new EmitBatchFramer(encodeProcess(this.process), max);
    } catch (e) {
      throw new RangeError(`Cannot make BatchEncoder: ${(e as Error).message}`);
    }
    this.encoder = new JaegerSpanEncoder(this.backend);
    this.#builder = new PacketBuilder(this, { maxSpans: Infinity, maxBytes: Infinity });
    const warn = options.warn;
    this.#warning = new RateLimitedWarning(warn ?? ((m: string) => console.warn(m)));
  }

  /**
   * Encodes `spans` into packets, including a last partly filled one (and any packet left
   * open by {@linkcode BatchEncoder.add}, which comes first).
   *
   * @param spans Finished spans.
   * @returns The packets, in order; each at most `maxPacketSize` bytes.
   *
   * @example
   * ```ts
   * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const packets = new BatchEncoder({ serviceName: "svc" }).encode([Span.root("a")]);
   * assert.equal(packets.length, 1);
   * ```
   */
  encode(spans: readonly Span[]): Uint8Array[] {
    const packets = this.add(spans);
    const last = this.flush();
    const out: Uint8Array[] = new Array(packets.length + last.length);
    for (let i = 0; i < packets.length; i++) out[i] = packets[i]!.bytes;
    for (let i = 0; i < last.length; i++) out[packets.length + i] = last[i]!.bytes;
    return out;
  }

  /**
   * Adds spans to the open packet, returning the packets that filled up. The spans that did
   * not fill a packet stay in the open packet (already encoded) until the next `add` or
   * {@linkcode BatchEncoder.flush}.
   *
   * @param spans Finished spans.
   * @returns The full packets, in order.
   *
   * @example
   * ```ts
   * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const encoder = new BatchEncoder({ serviceName: "svc" });
   * assert.deepEqual(encoder.add([Span.root("a")]), []);
   * assert.equal(encoder.pendingSpans, 1);
   * assert.equal(encoder.flush()[0]?.spans, 1);
   * ```
   */
  add(spans: readonly Span[]): EncodedPacket[] {
    const builder = this.#builder;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i]!;
      if (builder.add(span) === AddResult.TOO_LARGE) this.#dropTooLarge(builder.lastError);
    }
    return this.#packets(false);
  }

  /**
   * Adds spans already in the Jaeger model (see {@linkcode BatchEncoder.add}).
   *
   * @param spans Jaeger spans.
   * @returns The full packets, in order.
   *
   * @example
   * ```ts
   * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
   * import assert from "node:assert/strict";
   *
   * const encoder = new BatchEncoder({ serviceName: "svc" });
   * encoder.addJaegerSpans([{
   *   traceIdLow: 1, traceIdHigh: 0, spanId: 2, parentSpanId: 0,
   *   operationName: "GET /", flags: 1, startTime: 1_700_000_000_000_000, duration: 250,
   * }]);
   * assert.equal(encoder.flush().length, 1);
   * ```
   */
  addJaegerSpans(spans: readonly JaegerSpan[]): EncodedPacket[] {
    const limit = this.framer.maxSpanBytes;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i]!;
      try {
        let bytes = this.backend.encodeSpans([span]).bytes;
        if (bytes.length > limit) bytes = trimToFit(span, limit, this.backend);
        if (!this.#builder.addEncoded(bytes)) {
          this.#dropTooLarge(
            new RangeError(
              `span "${span.operationName}" does not fit a ${this.maxPacketSize}-byte packet even trimmed (${bytes.length} bytes)`,
            ),
          );
        }
      } catch (e) {
        this.#dropTooLarge(e);
      }
    }
    return this.#packets(false);
  }

  /**
   * Closes the open packet, if it holds any span.
   *
   * @returns The packet (an array of zero or one).
   *
   * @example
   * ```ts
   * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(new BatchEncoder({ serviceName: "svc" }).flush(), []);
   * ```
   */
  flush(): EncodedPacket[] {
    return this.#packets(true);
  }

  /**
   * How many spans wait in the open packet.
   *
   * @returns The count.
   */
  get pendingSpans(): number {
    return this.#builder.length;
  }

  /**
   * Records spans its owner dropped, so that later packets' `ClientStats` include them.
   *
   * @param dropped The counts to add.
   * @throws {RangeError} If a count is not a non-negative safe integer.
   *
   * @example
   * ```ts
   * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
   * import assert from "node:assert/strict";
   *
   * const encoder = new BatchEncoder({ serviceName: "svc" });
   * encoder.recordDropped({ fullQueue: 2, failedToSend: 5 });
   * assert.deepEqual(encoder.clientStats(), {
   *   fullQueueDroppedSpans: 2, tooLargeDroppedSpans: 0, failedToEmitSpans: 5,
   * });
   * ```
   */
  recordDropped(dropped: DroppedSpans): void {
    this.framer.recordDropped(dropped);
  }

  /**
   * The cumulative counts the next packet will carry.
   *
   * @returns Full-queue, too-large and failed-to-send span counts.
   *
   * @example
   * ```ts
   * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new BatchEncoder({ serviceName: "svc" }).clientStats().tooLargeDroppedSpans, 0);
   * ```
   */
  clientStats(): {
    fullQueueDroppedSpans: number;
    tooLargeDroppedSpans: number;
    failedToEmitSpans: number;
  } {
    return this.framer.clientStats();
  }

  /**
   * Spans this encoder dropped because they could not fit a packet even trimmed (or could not
   * be encoded), plus those reported with {@linkcode BatchEncoder.recordDropped}.
   *
   * @returns The count.
   */
  get tooLargeDropped(): number {
    return this.framer.clientStats().tooLargeDroppedSpans;
  }

  // --- internals -------------------------------------------------------------------------

  #packets(partial: boolean): EncodedPacket[] {
    const out: EncodedPacket[] = [];
    for (;;) {
      const seqNo = this.framer.nextSeqNo;
      const p = this.#builder.next(partial);
      const late = this.#builder.takeLateDrops();
      if (late > 0) {
        this.framer.recordDropped({ tooLarge: late });
        this.#warning.warn(
          `spanwire: ${late} span(s) no longer fitted a packet when framed; dropped and counted as too large`,
        );
      }
      if (p === undefined) return out;
      out.push({ bytes: p.bytes, spans: p.spans, seqNo });
    }
  }

  #dropTooLarge(error: unknown): void {
    this.framer.recordDropped({ tooLarge: 1 });
    this.#warning.warn(
      `spanwire: the Jaeger batch encoder dropped a span, counted as too large: ${
        messageOf(error)
      }`,
    );
  }
}
