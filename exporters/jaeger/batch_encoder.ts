/**
 * {@linkcode BatchEncoder}: finished spans to `Agent.emitBatch` packets of at most
 * `maxPacketSize` bytes, each span encoded once, by exact size accounting.
 *
 * @module
 */

import type { MetadataInit, Span } from "../../trace/span.ts";
import { RateLimitedWarning } from "../../trace/_warning.ts";
import { utf8Length, varint32Size } from "./_compact_writer.ts";
import { type BackendName, resolveBackend } from "./backends.ts";
import { jsSpanEncoder } from "./js_span_encoder.ts";
import { type WriteSpans, writeSpans } from "./_span_writer.ts";
import {
  assembleEmitBatch,
  type EmitBatchFrame,
  emitBatchOverhead,
  encodeProcess,
} from "./encode_emit_batch.ts";
import type { SpanEncoderBackend } from "./span_encoder_backend.ts";
import { processToJaeger, spanToJaeger } from "./span_to_jaeger.ts";
import {
  type ClientStats,
  type JaegerLog,
  type JaegerProcess,
  type JaegerSpan,
  type JaegerTag,
  TagType,
} from "./thrift_model.ts";
import { messageOf } from "../../trace/_text.ts";

/** The default packet limit: what a Jaeger agent reads at most from one datagram. */
export const DEFAULT_MAX_PACKET_SIZE = 65000;
/** The smallest `maxPacketSize` accepted. */
export const MIN_PACKET_SIZE = 256;
/** The largest `maxPacketSize` accepted: the largest UDP payload over IPv4. */
export const MAX_PACKET_SIZE = 65507;
/** The tag added to a span that was trimmed to fit a packet (a `BOOL`, `true`). */
export const TRIMMED_TAG = "spanwire.trimmed";
/** The size of the buffers packets are assembled in (each packet is a view of one). */
const SLAB_BYTES = 1 << 20;
/** Spans converted and encoded at a time. */
const CHUNK = 64;
/** Trimming never shortens a string or binary value below this many bytes. */
const MIN_KEPT_VALUE_BYTES = 32;

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
   * The span encoder backend: `"js"`, `"wasm"` or a backend object. The default is the one
   * faster on this runtime ({@linkcode defaultBackendName}): `"wasm"` on Node, `"js"` elsewhere.
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
export interface DroppedSpans {
  /** Spans dropped because a queue was full. */
  fullQueue?: number | undefined;
  /** Spans in packets that could not be sent. */
  failedToSend?: number | undefined;
  /** Spans dropped as too large elsewhere (the encoder counts its own). */
  tooLarge?: number | undefined;
}

function countOf(n: number | undefined, what: string): number {
  if (n === undefined) return 0;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`Cannot record dropped spans: ${what} ${n} is not a count`);
  }
  return n;
}

function copyTag(t: JaegerTag): JaegerTag {
  return { ...t };
}

function copyForTrimming(span: JaegerSpan): JaegerSpan {
  return {
    ...span,
    tags: span.tags?.map(copyTag),
    logs: span.logs?.map((l): JaegerLog => ({
      timestamp: l.timestamp,
      fields: l.fields.map(copyTag),
    })),
  };
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** `s` cut to at most `maxBytes` UTF-8 bytes, on a character boundary. */
function truncateUtf8(s: string, maxBytes: number): string {
  const bytes = utf8.encode(s);
  if (bytes.length <= maxBytes) return s;
  let n = maxBytes;
  while (n > 0 && (bytes[n]! & 0xc0) === 0x80) n--;
  return utf8Decoder.decode(bytes.subarray(0, n));
}

function valueLength(t: JaegerTag): number {
  if (t.vBinary != null) return t.vBinary.length;
  if (t.vStr != null) return utf8Length(t.vStr);
  return 0;
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
 * logs are dropped, and it gets the tag `spanwire.trimmed=true`. Trimmed spans go out after the
 * spans of the same call. Only a span that still cannot fit is dropped and counted as too
 * large (with a rate-limited warning); a span the backend cannot encode is counted the same way.
 * Nothing here throws for a bad span.
 *
 * With the `"js"` backend (the default under Deno), spans are written straight from the span model into
 * compact bytes (no Jaeger span objects in between): the same bytes as {@linkcode spanToJaeger}
 * followed by `jsSpanEncoder`, at a fraction of the cost. A backend with a `writeTraceSpans`
 * method (the `"wasm"` one) is used the same way; other backends get Jaeger spans, 64 at a
 * time.
 *
 * Packets are views into buffers of 1 MiB shared by consecutive packets (one allocation for
 * many packets): send them, copy them to keep them long, do not write into them.
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
export class BatchEncoder {
  /** The packet limit in bytes. */
  readonly maxPacketSize: number;
  /** The encoder backend in use. */
  readonly backend: SpanEncoderBackend;
  /** The process every packet carries. */
  readonly process: JaegerProcess;

  #processBytes: Uint8Array;
  #nextSeqNo = 0;
  #fullQueue = 0;
  #tooLarge = 0;
  #failedToSend = 0;
  #warning: RateLimitedWarning;

  // The open packet: its frame (fixed when it opened) and its span bytes so far.
  #frame: EmitBatchFrame | undefined = undefined;
  #frameBase = 0;
  /** The fused path (Span straight to bytes) of the backend, if it has one. */
  #writeSpans: WriteSpans | undefined;
  // Packets are assembled in large slabs and handed out as views of them: one allocation for
  // many packets. The open packet's span bytes start at #spansAt.
  #slab: Uint8Array = new Uint8Array(0);
  #slabPos = 0;
  #spansAt = 0;
  #prefix: Uint8Array = new Uint8Array(0);
  #suffix: Uint8Array = new Uint8Array(0);
  #pendingBytes = 0;
  #pendingSpans = 0;

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
    const backend = this.backend as SpanEncoderBackend & { writeTraceSpans?: WriteSpans };
    this.#writeSpans = backend === jsSpanEncoder
      ? writeSpans
      : typeof backend.writeTraceSpans === "function"
      ? backend.writeTraceSpans.bind(backend)
      : undefined;
    this.process = processToJaeger(options.serviceName, options.tags, options.hostname);
    this.#processBytes = encodeProcess(this.process);
    if (emitBatchOverhead(this.#freshFrame(), 1) + 64 > max) {
      throw new RangeError(
        `Cannot make BatchEncoder: maxPacketSize ${max} leaves no room for spans beside the process (${this.#processBytes.length} bytes)`,
      );
    }
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
    const out: EncodedPacket[] = [];
    const n = spans.length;
    if (this.#writeSpans !== undefined) {
      this.#addFused(spans, out);
      return out;
    }
    // Converted spans live only until their chunk is encoded: a small live set stays in the
    // young generation of the garbage collector, which is much cheaper than promoting a
    // whole batch of Jaeger spans.
    const converted: JaegerSpan[] = [];
    for (let start = 0; start < n; start += CHUNK) {
      const end = Math.min(n, start + CHUNK);
      converted.length = 0;
      for (let i = start; i < end; i++) {
        try {
          converted.push(spanToJaeger(spans[i]!));
        } catch (e) {
          this.#dropUnencodable(1, e);
        }
      }
      this.#addJaeger(converted, out);
    }
    return out;
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
    const out: EncodedPacket[] = [];
    this.#addJaeger(spans, out);
    return out;
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
    const out: EncodedPacket[] = [];
    this.#close(out);
    return out;
  }

  /**
   * How many spans wait in the open packet.
   *
   * @returns The count.
   */
  get pendingSpans(): number {
    return this.#pendingSpans;
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
    const fullQueue = countOf(dropped.fullQueue, "fullQueue");
    const failed = countOf(dropped.failedToSend, "failedToSend");
    const tooLarge = countOf(dropped.tooLarge, "tooLarge");
    this.#fullQueue += fullQueue;
    this.#failedToSend += failed;
    this.#tooLarge += tooLarge;
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
    return {
      fullQueueDroppedSpans: this.#fullQueue,
      tooLargeDroppedSpans: this.#tooLarge,
      failedToEmitSpans: this.#failedToSend,
    };
  }

  /**
   * Spans this encoder dropped because they could not fit a packet even trimmed (or could not
   * be encoded), plus those reported with {@linkcode BatchEncoder.recordDropped}.
   *
   * @returns The count.
   */
  get tooLargeDropped(): number {
    return this.#tooLarge;
  }

  // --- internals -------------------------------------------------------------------------

  #stats(): ClientStats {
    return {
      fullQueueDroppedSpans: this.#fullQueue,
      tooLargeDroppedSpans: this.#tooLarge,
      failedToEmitSpans: this.#failedToSend,
    };
  }

  /** The frame a packet opened now would get. */
  #freshFrame(): EmitBatchFrame {
    const seqNo = this.#nextSeqNo;
    return {
      seqId: seqNo % 0x80000000,
      processBytes: this.#processBytes,
      seqNo,
      stats: this.#stats(),
    };
  }

  #dropUnencodable(count: number, error: unknown): void {
    this.#tooLarge += count;
    this.#warning.warn(
      `spanwire: the Jaeger batch encoder could not encode ${count} span(s), dropped and counted as too large: ${
        messageOf(error)
      }`,
    );
  }

  #close(out: EncodedPacket[]): void {
    const frame = this.#frame;
    if (frame === undefined) return;
    // The packet is assembled in place around its span bytes: the list header (1 to 3 bytes)
    // and the frame's prefix end right where the spans start, the suffix follows them.
    const slab = this.#slab;
    const n = this.#pendingSpans;
    const spansAt = this.#spansAt;
    const prefix = this.#prefix;
    const headerBytes = n < 15 ? 1 : 1 + varint32Size(n);
    const start = spansAt - headerBytes - prefix.length;
    slab.set(prefix, start);
    let h = spansAt - headerBytes;
    if (n < 15) {
      slab[h] = (n << 4) | 0x0c;
    } else {
      slab[h++] = 0xfc;
      let v = n;
      while (v >= 0x80) {
        slab[h++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      slab[h] = v;
    }
    let end = spansAt + this.#pendingBytes;
    slab.set(this.#suffix, end);
    end += this.#suffix.length;
    out.push({ bytes: slab.subarray(start, end), spans: n, seqNo: frame.seqNo as number });
    this.#slabPos = end;
    this.#frame = undefined;
    this.#pendingBytes = 0;
    this.#pendingSpans = 0;
  }

  /** Opens a packet: fixes its frame and reserves its room in the slab. */
  #open(): void {
    const frame = this.#freshFrame();
    this.#frame = frame;
    this.#frameBase = emitBatchOverhead(frame, 0);
    this.#nextSeqNo++;
    // The frame's bytes before and after the span list, read off the codec's own messages:
    // the list headers of 0 spans (0x0c) and of 15 (0xfc 0x0f) start where the prefix ends.
    const empty = assembleEmitBatch(frame, [], 0);
    const fifteen = assembleEmitBatch(frame, [], 15);
    let prefixLength = 0;
    while (empty[prefixLength] === fifteen[prefixLength]) prefixLength++;
    this.#prefix = empty.subarray(0, prefixLength);
    this.#suffix = empty.subarray(prefixLength + 1);
    const room = this.maxPacketSize + 3;
    if (this.#slab.length - this.#slabPos < room) {
      this.#slab = new Uint8Array(Math.max(SLAB_BYTES, room));
      this.#slabPos = 0;
    }
    this.#spansAt = this.#slabPos + prefixLength + 3;
  }

  /** Puts one encoded span (known to fit a packet on its own) into the open packet. */
  #place(bytes: Uint8Array, start: number, end: number, out: EncodedPacket[]): void {
    const size = end - start;
    if (this.#frame !== undefined) {
      // The frame's overhead for k spans is its overhead for none plus the list header's
      // growth: 1 byte below 15 spans, then 1 + varint(k).
      const k = this.#pendingSpans + 1;
      const overhead = this.#frameBase + (k < 15 ? 0 : varint32Size(k));
      if (overhead + this.#pendingBytes + size > this.maxPacketSize) this.#close(out);
    }
    if (this.#frame === undefined) this.#open();
    this.#slab.set(bytes.subarray(start, end), this.#spansAt + this.#pendingBytes);
    this.#pendingBytes += size;
    this.#pendingSpans++;
  }

  /** The most span bytes a packet opened now can hold with one span. */
  #singleLimit(): number {
    return this.maxPacketSize - emitBatchOverhead(this.#freshFrame(), 1);
  }

  #addJaeger(spans: readonly JaegerSpan[], out: EncodedPacket[]): void {
    if (spans.length === 0) return;
    let encoded;
    try {
      encoded = this.backend.encodeSpans(spans);
    } catch {
      // A span the backend rejects: encode one by one to keep the others.
      for (let i = 0; i < spans.length; i++) this.#addJaeger1(spans[i]!, out);
      return;
    }
    const { bytes, ends } = encoded;
    let oversize: JaegerSpan[] | undefined;
    let start = 0;
    // The limit for a span alone changes only when a packet opens (seqNo) or a count changes.
    let limit = this.#singleLimit();
    for (let i = 0; i < spans.length; i++) {
      const end = ends[i]!;
      if (end - start > limit) {
        (oversize ??= []).push(spans[i]!);
      } else {
        const open = this.#frame;
        this.#place(bytes, start, end, out);
        if (this.#frame !== open) limit = this.#singleLimit();
      }
      start = end;
    }
    // The backend's view is no longer needed: trimming may call the backend again.
    if (oversize !== undefined) {
      for (let i = 0; i < oversize.length; i++) this.#addTrimmed(oversize[i]!, out);
    }
  }

  /** The "js" fast path: spans written straight to bytes, a chunk at a time, then placed. */
  #addFused(spans: readonly Span[], out: EncodedPacket[]): void {
    const write = this.#writeSpans!;
    const n = spans.length;
    const starts: number[] = new Array(CHUNK);
    const ends: number[] = new Array(CHUNK);
    const which: number[] = new Array(CHUNK);
    const onError = (e: unknown): void => this.#dropUnencodable(1, e);
    for (let from = 0; from < n; from += CHUNK) {
      const to = Math.min(n, from + CHUNK);
      const { bytes, written } = write(spans, from, to, starts, ends, which, onError);
      let oversize: Span[] | undefined;
      let limit = this.#singleLimit();
      for (let k = 0; k < written; k++) {
        const start = starts[k]!;
        const end = ends[k]!;
        if (end - start > limit) {
          (oversize ??= []).push(spans[which[k]!]!);
        } else {
          const open = this.#frame;
          this.#place(bytes, start, end, out);
          if (this.#frame !== open) limit = this.#singleLimit();
        }
      }
      // As in the generic path: a chunk's oversize spans follow its other spans.
      if (oversize !== undefined) {
        for (const span of oversize) {
          let converted: JaegerSpan;
          try {
            converted = spanToJaeger(span);
          } catch (e) {
            this.#dropUnencodable(1, e);
            continue;
          }
          this.#addTrimmed(converted, out);
        }
      }
    }
  }

  #addJaeger1(span: JaegerSpan, out: EncodedPacket[]): void {
    let bytes: Uint8Array;
    try {
      bytes = this.backend.encodeSpans([span]).bytes.slice();
    } catch (e) {
      this.#dropUnencodable(1, e);
      return;
    }
    if (bytes.length > this.#singleLimit()) this.#addTrimmed(span, out);
    else this.#place(bytes, 0, bytes.length, out);
  }

  /** The span's encoded bytes (a copy), or undefined when the backend rejects it. */
  #encodeOne(span: JaegerSpan): Uint8Array {
    return this.backend.encodeSpans([span]).bytes.slice();
  }

  #addTrimmed(original: JaegerSpan, out: EncodedPacket[]): void {
    let bytes: Uint8Array;
    try {
      bytes = this.#trim(original);
    } catch (e) {
      this.#dropUnencodable(1, e);
      return;
    }
    // Opening a fresh packet may be needed; the limit is that of a fresh packet.
    if (bytes.length > this.#singleLimit()) {
      this.#tooLarge++;
      this.#warning.warn(
        `spanwire: span "${original.operationName}" does not fit a ${this.maxPacketSize}-byte packet even trimmed (${bytes.length} bytes); dropped and counted as too large`,
      );
      return;
    }
    if (this.#frame !== undefined) this.#close(out); // a trimmed span fills a packet anyway
    this.#place(bytes, 0, bytes.length, out);
  }

  /** Trims a copy of `original` until it fits a packet alone (or nothing more can go). */
  #trim(original: JaegerSpan): Uint8Array {
    const limit = this.#singleLimit();
    const span = copyForTrimming(original);
    const marker: JaegerTag = {
      key: TRIMMED_TAG,
      vType: TagType.BOOL,
      vStr: undefined,
      vDouble: undefined,
      vBool: true,
      vLong: undefined,
      vBinary: undefined,
    };
    span.tags = span.tags === undefined ? [marker] : [...span.tags, marker];
    let bytes = this.#encodeOne(span);
    if (bytes.length <= limit) return bytes;

    // 1. Shorten the longest string and binary values, longest first.
    const values: JaegerTag[] = [];
    for (const t of span.tags) if (t.vStr != null || t.vBinary != null) values.push(t);
    for (const l of span.logs ?? []) {
      for (const t of l.fields) if (t.vStr != null || t.vBinary != null) values.push(t);
    }
    while (bytes.length > limit) {
      let longest: JaegerTag | undefined;
      let longestLength = MIN_KEPT_VALUE_BYTES;
      for (const t of values) {
        const len = valueLength(t);
        if (len > longestLength) {
          longest = t;
          longestLength = len;
        }
      }
      if (longest === undefined) break;
      const keep = Math.max(MIN_KEPT_VALUE_BYTES, longestLength - (bytes.length - limit));
      if (longest.vBinary != null) longest.vBinary = longest.vBinary.subarray(0, keep);
      if (longest.vStr != null) longest.vStr = truncateUtf8(longest.vStr, keep);
      if (valueLength(longest) >= longestLength) break; // no progress (cannot happen)
      bytes = this.#encodeOne(span);
    }

    // 2. Drop the last logs: keep the longest prefix that fits (binary search).
    const logs = span.logs;
    if (bytes.length > limit && logs !== undefined && logs.length > 0) {
      let lo = 0; // fits? unknown for 0 too; find the largest k in [0, n) that fits
      let hi = logs.length - 1;
      let best: Uint8Array | undefined;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        span.logs = logs.slice(0, mid);
        const b = this.#encodeOne(span);
        if (b.length <= limit) {
          best = b;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      if (best !== undefined) return best;
      span.logs = [];
      bytes = this.#encodeOne(span);
    }
    return bytes;
  }
}
