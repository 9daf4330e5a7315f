/**
 * The seam between the export pipeline and a wire protocol. A protocol (Jaeger compact Thrift,
 * OTLP protobuf, ...) plugs in with two parts, and the pipeline does the rest (queue, packets of
 * exact size, timers, rate limit, counters, exit):
 *
 * - a {@linkcode SpanEncoder}: one finished `Span` to **self-contained bytes**, at the moment the
 *   span finishes, so that the queue holds bytes and span objects die young. "Self-contained"
 *   means a packet's span part is the plain concatenation of the spans' encodings: a Jaeger
 *   span is one `jaeger.Span` struct (fields and stop byte, an element of the batch's
 *   `list<Span>`); an OTLP span is one `ScopeSpans.spans` field: tag `0x12`, varint length, the
 *   `Span` message.
 * - a {@linkcode BatchFramer}: wraps a run of encoded spans into one packet or request body
 *   of an exact size at most `maxPacketSize`: the bytes before the spans (`head`) and after
 *   them (`tail`). Jaeger: the `Agent.emitBatch` message header, `Batch.process`, the list
 *   header (which depends on the count), then `seqNo` and `ClientStats`. OTLP:
 *   `ExportTraceServiceRequest { ResourceSpans { Resource, ScopeSpans { Scope, <spans> } } }`,
 *   whose nested length prefixes depend on the spans' total size.
 *
 * Sizes are never hand-counted: a framer writes its head and tail once, against a
 * {@linkcode ByteWriter}, and takes sizes from the {@linkcode ByteCounter} twin of that writer.
 *
 * @example A toy protocol: spans as their name, a packet as a count byte then the names
 * ```ts
 * import type { BatchFramer, SpanEncoder, SpanProtocol } from "@spanwire/trace/exporters/pipeline";
 * import { BytesWriter } from "@spanwire/trace/exporters/pipeline";
 * import type { Span } from "@spanwire/trace/trace";
 *
 * const w = new BytesWriter();
 * const encoder: SpanEncoder = {
 *   encode(span: Span): Uint8Array {
 *     w.reset();
 *     w.utf8(span.name);
 *     return w.written();
 *   },
 * };
 * const framer: BatchFramer = {
 *   maxPacketSize: 1000,
 *   maxSpanBytes: 999,
 *   packetSize: (count, spanBytes) => 1 + spanBytes,
 *   frame: (count) => ({ head: new Uint8Array([count]), tail: new Uint8Array(0) }),
 * };
 * const toy: SpanProtocol = { encoder, framer };
 * ```
 *
 * @module
 */

import type { Span } from "../../trace/span.ts";
// deno-lint-ignore no-unused-vars
import type { ByteCounter, ByteWriter } from "./byte_writer.ts";

/**
 * One protocol's span encoder: a finished span to self-contained bytes (see the module doc).
 *
 * The pipeline calls it on the caller's path, when the span finishes (`export(span)`), and
 * copies the bytes into its queue at once; nothing else holds the span afterwards.
 *
 * @example An encoder that writes the span name only
 * ```ts
 * import type { SpanEncoder } from "@spanwire/trace/exporters/pipeline";
 *
 * const names: SpanEncoder = { encode: (span) => new TextEncoder().encode(span.name) };
 * ```
 */
export interface SpanEncoder {
  /**
   * Encodes one finished span.
   *
   * @param span The span (read only; never kept).
   * @returns Its bytes: may be a view of the encoder's own buffer, valid until its next call.
   * @throws {Error} When the span cannot be encoded (for example a time outside the wire's
   *   range); the pipeline drops the span, counts it as too large, and warns (rate-limited).
   */
  encode(span: Span): Uint8Array;
  /**
   * Optional: a smaller encoding of a span whose {@linkcode SpanEncoder.encode} exceeded
   * `maxBytes` (long values shortened, events dropped, marked as trimmed), or `undefined` when
   * nothing fits. Without it, such a span is dropped and counted as too large.
   *
   * @param span The span.
   * @param maxBytes The most bytes the encoding may take.
   * @returns The trimmed encoding (same lifetime rule as `encode`), or `undefined`.
   */
  trim?(span: Span, maxBytes: number): Uint8Array | undefined;
}

/**
 * The bytes a {@linkcode BatchFramer} puts around a run of encoded spans.
 *
 * @example
 * ```ts
 * import type { PacketFrame } from "@spanwire/trace/exporters/pipeline";
 *
 * const frame: PacketFrame = { head: new Uint8Array([1]), tail: new Uint8Array(0) };
 * ```
 */
export interface PacketFrame {
  /** The bytes before the spans. */
  readonly head: Uint8Array;
  /** The bytes after the spans. */
  readonly tail: Uint8Array;
}

/**
 * Counts of spans lost before they reached a packet, reported to a framer whose protocol carries
 * them in-band (Jaeger's `ClientStats`).
 *
 * @example
 * ```ts
 * import type { DroppedSpans } from "@spanwire/trace/exporters/pipeline";
 *
 * const dropped: DroppedSpans = { fullQueue: 3 };
 * ```
 */
export interface DroppedSpans {
  /** Spans dropped because a queue was full. */
  fullQueue?: number | undefined;
  /** Spans in packets that could not be sent. */
  failedToSend?: number | undefined;
  /** Spans dropped as too large (or that could not be encoded). */
  tooLarge?: number | undefined;
}

/**
 * One protocol's batch framer: wraps a run of encoded spans into one packet (a UDP datagram,
 * an HTTP request body) of exact size.
 *
 * Contract, relied on by the pipeline:
 * - `packetSize(count, spanBytes)` is the exact size of the packet the next
 *   {@linkcode BatchFramer.frame} call makes for `count` spans whose encodings total
 *   `spanBytes` bytes, as long as no other method of the framer is called in between (the
 *   pipeline sizes and frames in one synchronous step). It never decreases as `count` or
 *   `spanBytes` grows.
 * - `frame(count, spanBytes)` returns `head` and `tail` with
 *   `head.length + spanBytes + tail.length === packetSize(count, spanBytes)`, and advances
 *   whatever a packet numbers (Jaeger's `seqNo`).
 * - `maxSpanBytes` bounds one span: an encoding of at most that many bytes fits the next packet
 *   on its own. The pipeline trims or drops a span above it when the span finishes. A framer
 *   whose frames grow (Jaeger's `seqNo` and `ClientStats` varints) may lower it a little later;
 *   a queued span that no longer fits a packet alone is then dropped and counted as too large
 *   (in practice only a span trimmed to the very byte when a counter crosses a varint length).
 * - It never throws for counts and sizes within these bounds.
 *
 * @example A framer writing a count byte before the spans
 * ```ts
 * import type { BatchFramer } from "@spanwire/trace/exporters/pipeline";
 *
 * const framer: BatchFramer = {
 *   maxPacketSize: 1472,
 *   maxSpanBytes: 1471,
 *   packetSize: (_count, spanBytes) => 1 + spanBytes,
 *   frame: (count) => ({ head: new Uint8Array([count]), tail: new Uint8Array(0) }),
 * };
 * ```
 */
export interface BatchFramer {
  /** The largest packet, in bytes. */
  readonly maxPacketSize: number;
  /** The largest encoded span that fits the next packet on its own. */
  readonly maxSpanBytes: number;
  /**
   * The exact size of the next packet for `count` spans of `spanBytes` bytes in all.
   *
   * @param count The number of spans.
   * @param spanBytes Their encodings' total size.
   * @returns The packet size in bytes.
   */
  packetSize(count: number, spanBytes: number): number;
  /**
   * Makes the next packet's head and tail (see the contract above).
   *
   * @param count The number of spans.
   * @param spanBytes Their encodings' total size.
   * @returns The head and the tail.
   */
  frame(count: number, spanBytes: number): PacketFrame;
  /**
   * Optional: learns of spans lost elsewhere, for protocols that report them in packets.
   *
   * @param dropped The counts to add.
   */
  recordDropped?(dropped: DroppedSpans): void;
}

/**
 * A protocol: its span encoder and its batch framer. The Jaeger `BatchEncoder` is one.
 *
 * @example
 * ```ts
 * import type { SpanProtocol } from "@spanwire/trace/exporters/pipeline";
 * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
 *
 * const jaeger: SpanProtocol = new BatchEncoder({ serviceName: "svc" });
 * ```
 */
export interface SpanProtocol {
  /** Finished span to bytes. */
  readonly encoder: SpanEncoder;
  /** Bytes of spans to packets. */
  readonly framer: BatchFramer;
}

/**
 * A packet made by the pipeline: its bytes and the number of spans it carries.
 *
 * @example
 * ```ts
 * import type { Packet } from "@spanwire/trace/exporters/pipeline";
 *
 * const packet: Packet = { bytes: new Uint8Array(10), spans: 1 };
 * ```
 */
export interface Packet {
  /** The payload (owned by whoever receives it). */
  readonly bytes: Uint8Array;
  /** How many spans it carries. */
  readonly spans: number;
}

/**
 * Where packets go: a UDP socket to a Jaeger agent, an HTTP POST to an OTLP endpoint, memory.
 *
 * The pipeline sends one packet at a time and awaits each `send` (a slow sink holds packets
 * back; the bounded queue absorbs it and counts what it cannot hold). Retrying is the sink's
 * business: it resolves `false` only when it gave up.
 *
 * @example A sink that keeps packets in memory
 * ```ts
 * import type { PacketSink } from "@spanwire/trace/exporters/pipeline";
 *
 * const sent: Uint8Array[] = [];
 * const sink: PacketSink = { send: (packet) => (sent.push(packet), true) };
 * ```
 */
export interface PacketSink {
  /**
   * Sends one packet. Resolves `true` when it went out, `false` when it failed (a rejection
   * counts as a failure too). The packet belongs to the sink afterwards, unless the sink says
   * otherwise ({@linkcode PacketSink.releasesPackets}).
   *
   * @param packet The payload.
   * @returns Whether it was sent.
   */
  send(packet: Uint8Array): Promise<boolean> | boolean;
  /**
   * Optional: registers a listener the sink calls when it learns, after `send` resolved, that
   * its most recent packet was not delivered (a UDP port-unreachable report).
   *
   * @param listener The listener.
   */
  onLateFailure?(listener: () => void): void;
  /**
   * Optional: sends `packet` synchronously if the sink can, for the last moment of a process
   * (`process.exit()` or an unhandled signal, when no promise will ever settle). Returns
   * whether it went out. UDP can (a datagram is handed to the kernel at once); HTTP cannot.
   *
   * @param packet The payload.
   * @returns Whether it was sent.
   */
  sendSync?(packet: Uint8Array): boolean;
  /**
   * Optional: true when `send` hands the packet over before it returns (Node's UDP sends), so
   * that a packet whose `send` was called is not lost when the process exits right after. By
   * default such a packet counts as lost at exit.
   */
  readonly sendsSynchronously?: boolean;
  /**
   * Optional: true when the sink is done with a packet's bytes once its `send` has settled (it
   * wrote or copied them and keeps no reference), so that the pipeline may write a later packet
   * into the same memory. That spares the garbage collector a packet-sized buffer a packet: a
   * buffer that lives through a send is promoted to the old generation, where its bytes count
   * towards the next full collection. By default a packet belongs to the sink.
   */
  readonly releasesPackets?: boolean;
  /** Optional: releases the sink's resources. */
  close?(): Promise<void> | void;
}
