/**
 * {@linkcode PacketBuilder}: the protocol-neutral core of the export pipeline. It encodes each
 * finished span at once with the protocol's {@linkcode SpanEncoder} (trimming or dropping one too
 * large for a packet), keeps the bytes in a queue bounded in spans and in bytes, and cuts the
 * queue into packets of exact size with the protocol's {@linkcode BatchFramer}, in order,
 * greedily. It does no I/O and keeps no timers: `AsyncExporter` drives it, and so does the
 * Jaeger `BatchEncoder` for synchronous use.
 *
 * @module
 */

import type { Span } from "../../trace/span.ts";
import { ByteQueue } from "./_byte_queue.ts";
import type { BatchFramer, Packet, SpanEncoder, SpanProtocol } from "./span_protocol.ts";

/** What {@linkcode PacketBuilder.add} did with a span. */
export const AddResult = {
  /** Encoded and queued. */
  QUEUED: 0,
  /** Encoded (trimmed to fit a packet) and queued. */
  TRIMMED: 1,
  /** Dropped: the queue is full (in spans or in bytes). */
  QUEUE_FULL: 2,
  /** Dropped: too large for a packet even trimmed, or the encoder threw. */
  TOO_LARGE: 3,
} as const;

/**
 * The code {@linkcode PacketBuilder.add} returns.
 *
 * @example
 * ```ts
 * import { AddResult, type AddResultCode } from "@spanwire/trace/exporters/pipeline";
 *
 * const code: AddResultCode = AddResult.QUEUED;
 * ```
 */
export type AddResultCode = typeof AddResult[keyof typeof AddResult];

/** The default bound in spans: IOx's channel size. */
export const DEFAULT_MAX_QUEUE_SPANS = 100_000;
/** The default bound in bytes of encoded spans (64 MiB). */
export const DEFAULT_MAX_QUEUE_BYTES = 64 * 1024 * 1024;

/**
 * Options of a {@linkcode PacketBuilder}.
 *
 * @example
 * ```ts
 * import type { PacketBuilderOptions } from "@spanwire/trace/exporters/pipeline";
 *
 * const options: PacketBuilderOptions = { maxSpans: 1000, maxBytes: 1 << 20 };
 * ```
 */
export interface PacketBuilderOptions {
  /** Spans queued at most (default 100,000). */
  maxSpans?: number | undefined;
  /** Bytes of encoded spans queued at most (default 64 MiB). */
  maxBytes?: number | undefined;
}

/**
 * Encodes spans as they finish and cuts them into packets (see the module doc).
 *
 * @example
 * ```ts
 * import { AddResult, PacketBuilder } from "@spanwire/trace/exporters/pipeline";
 * import { BatchEncoder, decodeEmitBatch } from "@spanwire/trace/exporters/jaeger";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const builder = new PacketBuilder(new BatchEncoder({ serviceName: "svc" }));
 * assert.equal(builder.add(Span.root("a")), AddResult.QUEUED);
 * assert.equal(builder.next(false), undefined); // not a full packet yet
 * const packet = builder.next(true)!;
 * assert.equal(packet.spans, 1);
 * assert.equal(decodeEmitBatch(packet.bytes).batch.spans[0]!.operationName, "a");
 * ```
 */
export class PacketBuilder {
  /** The protocol's span encoder. */
  readonly encoder: SpanEncoder;
  /** The protocol's batch framer. */
  readonly framer: BatchFramer;
  readonly #queue: ByteQueue;
  #lastError: unknown = undefined;
  #lateTooLarge = 0;
  /** A sent packet's memory, for the next packet (see `recycle`). */
  #spare: Uint8Array | undefined = undefined;
  /** Whether packets come back (`recycle` was called). */
  #recycling = false;

  /**
   * Makes a builder.
   *
   * @param protocol The encoder and the framer.
   * @param options The queue's bounds.
   */
  constructor(protocol: SpanProtocol, options: PacketBuilderOptions = {}) {
    this.encoder = protocol.encoder;
    this.framer = protocol.framer;
    this.#queue = new ByteQueue(
      options.maxSpans ?? DEFAULT_MAX_QUEUE_SPANS,
      options.maxBytes ?? DEFAULT_MAX_QUEUE_BYTES,
    );
  }

  /** Spans queued. */
  get length(): number {
    return this.#queue.length;
  }

  /** Bytes of the queued spans. */
  get byteLength(): number {
    return this.#queue.byteLength;
  }

  /** The error of the last span that could not be encoded (for warnings). */
  get lastError(): unknown {
    return this.#lastError;
  }

  /**
   * Encodes `span` and queues its bytes. Never throws.
   *
   * @param span A finished span.
   * @returns What happened to it.
   */
  add(span: Span): AddResultCode {
    const queue = this.#queue;
    if (queue.length >= queue.maxCount) return AddResult.QUEUE_FULL;
    let bytes: Uint8Array | undefined;
    let trimmed = false;
    try {
      bytes = this.encoder.encode(span);
      if (bytes.length > this.framer.maxSpanBytes) {
        trimmed = true;
        bytes = this.encoder.trim?.(span, this.framer.maxSpanBytes);
        if (bytes === undefined || bytes.length > this.framer.maxSpanBytes) {
          this.#lastError = new RangeError(
            `span "${span.name}" does not fit a ${this.framer.maxPacketSize}-byte packet even trimmed`,
          );
          return AddResult.TOO_LARGE;
        }
      }
    } catch (e) {
      this.#lastError = e;
      return AddResult.TOO_LARGE;
    }
    if (!queue.push(bytes)) return AddResult.QUEUE_FULL;
    return trimmed ? AddResult.TRIMMED : AddResult.QUEUED;
  }

  /**
   * Queues bytes already encoded by this protocol's encoder (at most `maxSpanBytes`).
   *
   * @param bytes One span's encoding.
   * @returns Whether it was queued (false: the queue is full, or the bytes are too large).
   */
  addEncoded(bytes: Uint8Array): boolean {
    if (bytes.length > this.framer.maxSpanBytes) return false;
    return this.#queue.push(bytes);
  }

  /**
   * Whether the queued spans fill at least one packet.
   *
   * @returns True when {@linkcode PacketBuilder.next} with `partial` false would make a packet.
   */
  hasFullPacket(): boolean {
    const q = this.#queue;
    return q.length > 0 &&
      this.framer.packetSize(q.length, q.byteLength) > this.framer.maxPacketSize;
  }

  /**
   * Cuts the next packet off the queue: the oldest spans, as many as fit.
   *
   * @param partial Whether a packet that is not full may be made (a flush).
   * @returns The packet, or `undefined` when the queue is empty (or holds less than a full
   *   packet and `partial` is false).
   */
  next(partial: boolean): Packet | undefined {
    const queue = this.#queue;
    const n = queue.length;
    if (n === 0) return undefined;
    const framer = this.framer;
    const max = framer.maxPacketSize;
    let count = 0;
    let bytes = 0;
    while (count < n) {
      const len = queue.lengthAt(count);
      if (framer.packetSize(count + 1, bytes + len) > max) break;
      count++;
      bytes += len;
    }
    if (count === n && !partial) return undefined;
    if (count === 0) {
      // The oldest span no longer fits a packet alone (the frame grew since it was queued):
      // drop it, to be counted by the owner (takeLateDrops).
      queue.take(1, queue.lengthAt(0), undefined, 0);
      this.#lateTooLarge++;
      return this.next(partial);
    }
    const { head, tail } = framer.frame(count, bytes);
    const size = head.length + bytes + tail.length;
    const spare = this.#spare;
    let out: Uint8Array;
    if (spare !== undefined && spare.length >= size) {
      this.#spare = undefined;
      out = spare.subarray(0, size);
    } else if (this.#recycling) {
      // The sink gives packets back: room for the largest packet, so that every one fits.
      out = new Uint8Array(Math.max(size, framer.maxPacketSize)).subarray(0, size);
    } else {
      out = new Uint8Array(size);
    }
    out.set(head, 0);
    queue.take(count, bytes, out, head.length);
    out.set(tail, head.length + bytes);
    return { bytes: out, spans: count };
  }

  /**
   * Gives back the bytes of a packet this builder made, once nothing uses them any more (the
   * sink's `send` settled and the sink does not keep packets): the next packet is written into
   * the same memory when it fits (once packets come back, a new packet's memory has room for
   * the largest packet, `maxPacketSize`). One packet's memory is kept at most.
   *
   * @param bytes A packet's `bytes`, as `next()` returned them.
   *
   * @example
   * ```ts
   * import { PacketBuilder } from "@spanwire/trace/exporters/pipeline";
   * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const builder = new PacketBuilder(new BatchEncoder({ serviceName: "svc" }));
   * builder.add(Span.root("a longer name, so that the next packet is smaller"));
   * const first = builder.next(true)!;
   * builder.recycle(first.bytes); // the sink is done with it
   * builder.add(Span.root("b"));
   * assert.equal(builder.next(true)!.bytes.buffer, first.bytes.buffer);
   * ```
   */
  recycle(bytes: Uint8Array): void {
    this.#recycling = true;
    if (bytes.byteOffset !== 0) return;
    const whole = new Uint8Array(bytes.buffer);
    if (this.#spare === undefined || whole.length > this.#spare.length) this.#spare = whole;
  }

  /**
   * Spans dropped since the last call because they no longer fitted a packet alone when
   * framed (see `BatchFramer.maxSpanBytes`); the owner counts them as too large.
   *
   * @returns The count.
   */
  takeLateDrops(): number {
    const n = this.#lateTooLarge;
    this.#lateTooLarge = 0;
    return n;
  }

  /**
   * Drops everything queued.
   *
   * @returns How many spans were dropped.
   */
  clear(): number {
    return this.#queue.clear();
  }
}
