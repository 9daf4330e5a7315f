/**
 * {@linkcode EmitBatchFramer}: the Jaeger {@linkcode BatchFramer}. It wraps a run of encoded
 * `jaeger.Span` structs into one `Agent.emitBatch` message (compact Thrift) with the process,
 * an incrementing `seqNo` and cumulative `ClientStats`, of exact size. Its bytes and sizes come
 * from one writer (`_emit_batch_frame.ts`) through the writing and counting `ByteWriter`s.
 *
 * @module
 */

import { ByteCounter, BytesWriter } from "../pipeline/byte_writer.ts";
import type { BatchFramer, DroppedSpans, PacketFrame } from "../pipeline/span_protocol.ts";
import {
  type FrameFields,
  writeFrameHead,
  writeFrameTail,
  writeStructListHeader,
} from "./_emit_batch_frame.ts";
import type { ClientStats } from "./thrift_model.ts";

/** Counters are sized as at least this for `maxSpanBytes` (5-byte zigzag varints). */
const HEADROOM_COUNT = 2 ** 27 - 1;

function countOf(n: number | undefined, what: string): number {
  if (n === undefined) return 0;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`Cannot record dropped spans: ${what} ${n} is not a count`);
  }
  return n;
}

/**
 * The Jaeger batch framer: `emitBatch` messages of at most `maxPacketSize` bytes.
 *
 * Each frame carries the next `seqNo` (from 0; the message's seqid is the same number modulo
 * 2^31) and the `ClientStats` as of when it is framed: the spans reported with
 * {@linkcode EmitBatchFramer.recordDropped}.
 *
 * @example Frame two spans
 * ```ts
 * import { EmitBatchFramer, encodeProcess, jsSpanEncoder, decodeEmitBatch } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * const framer = new EmitBatchFramer(encodeProcess({ serviceName: "svc" }), 65000);
 * const span = {
 *   traceIdLow: 1, traceIdHigh: 0, spanId: 2, parentSpanId: 0, operationName: "GET /",
 *   flags: 1, startTime: 1_700_000_000_000_000, duration: 250,
 * };
 * const { bytes } = jsSpanEncoder.encodeSpans([span, span]);
 * const size = framer.packetSize(2, bytes.length);
 * const { head, tail } = framer.frame(2, bytes.length);
 * const packet = new Uint8Array([...head, ...bytes, ...tail]);
 * assert.equal(packet.length, size);
 * assert.equal(decodeEmitBatch(packet).batch.spans.length, 2);
 * ```
 */
export class EmitBatchFramer implements BatchFramer {
  /** The packet limit in bytes. */
  readonly maxPacketSize: number;
  /**
   * The largest span that fits a packet alone: the room beside a frame whose `seqNo`, seqid
   * and `ClientStats` counters are at least 2^27 - 1 (5-byte varints), so that a span queued now
   * still fits when its packet is framed later. Only past 2^27 packets or dropped spans can a
   * trimmed span outgrow its frame (then it is dropped and counted as too large).
   *
   * @returns Bytes.
   */
  get maxSpanBytes(): number {
    if (this.#maxSpan < 0) {
      const big = (n: number): number => Math.max(n, HEADROOM_COUNT);
      const f: FrameFields = {
        seqId: big(this.#nextSeqNo % 0x80000000),
        processBytes: this.#processBytes,
        seqNo: big(this.#nextSeqNo),
        stats: {
          fullQueueDroppedSpans: big(this.#fullQueue),
          tooLargeDroppedSpans: big(this.#tooLarge),
          failedToEmitSpans: big(this.#failed),
        },
      };
      const c = this.#counter;
      c.reset();
      writeFrameHead(c, f, 1);
      writeFrameTail(c, f);
      this.#maxSpan = this.maxPacketSize - c.length;
    }
    return this.#maxSpan;
  }
  readonly #processBytes: Uint8Array;
  #nextSeqNo = 0;
  #fullQueue = 0;
  #tooLarge = 0;
  #failed = 0;
  /** The next frame's size without its list header and spans; -1 when it must be recounted. */
  #fixed = -1;
  /** `maxSpanBytes`, -1 when it must be recounted. */
  #maxSpan = -1;
  readonly #counter = new ByteCounter();

  /**
   * Makes a framer.
   *
   * @param processBytes The `Process` struct, as `encodeProcess` writes it.
   * @param maxPacketSize The packet limit in bytes.
   * @throws {RangeError} If the limit leaves no room for a span beside the frame.
   */
  constructor(processBytes: Uint8Array, maxPacketSize: number) {
    this.#processBytes = processBytes;
    this.maxPacketSize = maxPacketSize;
    if (this.maxSpanBytes < 64) {
      throw new RangeError(
        `Cannot frame Jaeger batches: maxPacketSize ${maxPacketSize} leaves no room for spans beside the process (${processBytes.length} bytes)`,
      );
    }
  }

  /** The fields the next frame carries. */
  #fields(): FrameFields {
    const seqNo = this.#nextSeqNo;
    return {
      seqId: seqNo % 0x80000000,
      processBytes: this.#processBytes,
      seqNo,
      stats: this.clientStats(),
    };
  }

  /**
   * The exact size of the next packet.
   *
   * @param count Spans.
   * @param spanBytes Their total size.
   * @returns Bytes.
   */
  packetSize(count: number, spanBytes: number): number {
    const c = this.#counter;
    if (this.#fixed < 0) {
      const f = this.#fields();
      c.reset();
      writeFrameHead(c, f, 0);
      writeFrameTail(c, f);
      this.#fixed = c.length - 1; // less the 1-byte list header of 0 spans
    }
    c.reset();
    writeStructListHeader(c, count);
    return this.#fixed + c.length + spanBytes;
  }

  /**
   * The next packet's head and tail; advances `seqNo`.
   *
   * @param count Spans.
   * @param _spanBytes Their total size (the Jaeger frame does not depend on it).
   * @returns Head and tail.
   */
  frame(count: number, _spanBytes: number): PacketFrame {
    const f = this.#fields();
    const head = new BytesWriter(64 + this.#processBytes.length);
    writeFrameHead(head, f, count);
    const tail = new BytesWriter(48);
    writeFrameTail(tail, f);
    this.#nextSeqNo++;
    this.#fixed = -1;
    this.#maxSpan = -1;
    return { head: head.written(), tail: tail.written() };
  }

  /**
   * The `seqNo` the next frame gets.
   *
   * @returns The number.
   */
  get nextSeqNo(): number {
    return this.#nextSeqNo;
  }

  /**
   * Records spans lost elsewhere, so that later frames' `ClientStats` include them.
   *
   * @param dropped The counts to add.
   * @throws {RangeError} If a count is not a non-negative safe integer.
   */
  recordDropped(dropped: DroppedSpans): void {
    const fullQueue = countOf(dropped.fullQueue, "fullQueue");
    const failed = countOf(dropped.failedToSend, "failedToSend");
    const tooLarge = countOf(dropped.tooLarge, "tooLarge");
    this.#fullQueue += fullQueue;
    this.#failed += failed;
    this.#tooLarge += tooLarge;
    this.#fixed = -1;
    this.#maxSpan = -1;
  }

  /**
   * The cumulative counts the next frame carries.
   *
   * @returns The `ClientStats`.
   */
  clientStats(): ClientStats & {
    fullQueueDroppedSpans: number;
    tooLargeDroppedSpans: number;
    failedToEmitSpans: number;
  } {
    return {
      fullQueueDroppedSpans: this.#fullQueue,
      tooLargeDroppedSpans: this.#tooLarge,
      failedToEmitSpans: this.#failed,
    };
  }
}
