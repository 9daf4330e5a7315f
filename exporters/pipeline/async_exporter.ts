/**
 * {@linkcode AsyncExporter}: the collector that encodes each finished span on the caller's path
 * (a few hundred bytes, no object kept) and ships the bytes in the background as packets, with a
 * queue bounded in spans and in bytes, a flush timer, a rate limit and an exact count of every
 * span it could not deliver.
 *
 * It is pure and protocol-neutral: the protocol is a {@linkcode SpanProtocol} (the Jaeger
 * `BatchEncoder`; an OTLP one plugs in the same way), the packets go to a
 * {@linkcode PacketSink} (the UDP `JaegerAgentExporter`, or anything else).
 *
 * @module
 */

import { messageOf } from "../../trace/_text.ts";
import type { TraceCollector } from "../../trace/collector.ts";
import type { Span } from "../../trace/span.ts";
import { RateLimitedWarning } from "../../trace/_warning.ts";
import { setUnrefTimeout } from "./_timers.ts";
import { DEFAULT_MAX_BURST, RateLimiter } from "./_rate_limiter.ts";
import { AddResult, DEFAULT_MAX_QUEUE_BYTES, PacketBuilder } from "./packet_builder.ts";
import type { Packet, PacketSink, SpanProtocol } from "./span_protocol.ts";

/**
 * A clock for the rate limit, in milliseconds, that tests can replace to step time by hand.
 *
 * @example A clock on `performance.now()`
 * ```ts
 * import type { ExporterClock } from "@spanwire/trace/exporters";
 *
 * const clock: ExporterClock = {
 *   now: () => performance.now(),
 *   sleepUntil: (t) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now()))),
 * };
 * ```
 */
export interface ExporterClock {
  /**
   * The current time in milliseconds (monotonic).
   *
   * @returns Milliseconds.
   */
  now(): number;
  /**
   * Resolves once `now()` has reached `deadline`. Must not keep the process alive.
   *
   * @param deadline Milliseconds, on the same scale as `now()`.
   * @returns A promise.
   */
  sleepUntil(deadline: number): Promise<void>;
}

const systemClock: ExporterClock = {
  now: () => performance.now(),
  sleepUntil: (deadline) =>
    new Promise<void>((resolve) => {
      setUnrefTimeout(resolve, Math.max(0, deadline - performance.now()));
    }),
};

/**
 * Options of an {@linkcode AsyncExporter}.
 *
 * @example
 * ```ts
 * import type { AsyncExporterOptions } from "@spanwire/trace/exporters";
 * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
 *
 * const options: AsyncExporterOptions = {
 *   packer: new BatchEncoder({ serviceName: "svc" }),
 *   sink: { send: () => true },
 *   maxQueueSize: 1000,
 * };
 * ```
 */
export interface AsyncExporterOptions {
  /** The protocol: its span encoder and batch framer (the Jaeger `BatchEncoder`). */
  packer: SpanProtocol;
  /** Sends packets (the `JaegerAgentExporter`). */
  sink: PacketSink;
  /** Spans the queue holds at most; more are dropped and counted (default 100,000, as IOx). */
  maxQueueSize?: number | undefined;
  /** Bytes of encoded spans the queue holds at most (default 64 MiB); more are dropped, counted. */
  maxQueueBytes?: number | undefined;
  /** The longest a span waits before its packet goes out, in ms (default 1000). */
  flushIntervalMs?: number | undefined;
  /** Packets sent per second at most (default 1000, IOx's `TRACES_JAEGER_MAX_MSGS_PER_SECOND`). */
  maxMessagesPerSecond?: number | undefined;
  /**
   * Packets that may leave back to back before the rate limit spaces them (default 3, whose
   * 195 KB fit Linux's default UDP receive buffer). `1` is IOx's strict spacing of
   * `1000 / maxMessagesPerSecond` ms between any two packets; a larger burst keeps the same
   * average rate with one timer wake-up per burst instead of one per packet.
   */
  maxBurst?: number | undefined;
  /** Ignored (spans are encoded one by one as they finish); kept for compatibility. */
  batchSize?: number | undefined;
  /** The rate limit's clock (default `performance.now()` and unref'd timers). */
  clock?: ExporterClock | undefined;
  /** Where the rate-limited warnings go (default `console.warn`). */
  warn?: ((message: string) => void) | undefined;
}

/**
 * The counters of an {@linkcode AsyncExporter}, all cumulative. Once the exporter is drained,
 * `exported + droppedQueueFull + droppedTooLarge + failedToSend` is the number of spans it
 * was given.
 *
 * @example
 * ```ts
 * import type { AsyncExporterStats } from "@spanwire/trace/exporters/pipeline";
 *
 * const s: AsyncExporterStats = {
 *   exported: 10, droppedQueueFull: 0, droppedTooLarge: 0, failedToSend: 0, packets: 1,
 * };
 * ```
 */
export interface AsyncExporterStats {
  /** Spans in packets that were sent. */
  exported: number;
  /** Spans dropped because the queue was full (or the exporter closed). */
  droppedQueueFull: number;
  /** Spans dropped because they did not fit a packet even trimmed. */
  droppedTooLarge: number;
  /** Spans in packets that could not be sent. */
  failedToSend: number;
  /** Packets sent. */
  packets: number;
}

function positive(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) {
    throw new RangeError(`Cannot make AsyncExporter: ${what} ${v} is not a positive number`);
  }
  return v;
}

/**
 * A {@linkcode TraceCollector} that encodes spans as they finish and exports them in the
 * background, as IOx's `AsyncExporter`, but batched into full packets and with every loss
 * counted.
 *
 * - `export(span)` encodes the span at once with the protocol's encoder (trimming one too large
 *   for a packet) and appends the bytes to a queue bounded in spans (`maxQueueSize`) and in
 *   bytes (`maxQueueBytes`); it never blocks or throws. A span that does not fit the queue (or
 *   comes after `close()`) is dropped and counted (`droppedQueueFull`), with one rate-limited
 *   warning; one that cannot be encoded or fit a packet even trimmed is counted as
 *   `droppedTooLarge`. The span object itself is not kept.
 * - As soon as the queue holds a full packet, the packets are cut (exact size, by the
 *   protocol's framer) and sent in the background (a macrotask, never on the caller's stack); a
 *   partly filled packet goes out `flushIntervalMs` after its first span arrived.
 * - At most `maxMessagesPerSecond` packets a second leave, on average (IOx's rate limiter, as a
 *   token bucket): up to `maxBurst` packets (default 3) may go back to back, then the next
 *   waits until the bucket is full again. With `maxBurst: 1`, packets are spaced at least
 *   `1000 / maxMessagesPerSecond` ms apart, exactly as IOx does.
 * - `drain()` sends everything queued and resolves when it is sent; `close()` drains, then
 *   closes the sink. {@linkcode AsyncExporter.flushSync} is for the last moment of a process.
 * - Its timers never keep a process alive.
 *
 * @example Export spans to an in-memory sink
 * ```ts
 * import { AsyncExporter } from "@spanwire/trace/exporters/pipeline";
 * import { BatchEncoder, decodeEmitBatch } from "@spanwire/trace/exporters/jaeger";
 * import { SpanContext, SpanRecorder } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const sent: Uint8Array[] = [];
 * const exporter = new AsyncExporter({
 *   packer: new BatchEncoder({ serviceName: "svc" }),
 *   sink: { send: (packet) => (sent.push(packet), true) },
 * });
 * const root = SpanContext.root(exporter);
 * for (let i = 0; i < 3; i++) {
 *   using span = new SpanRecorder(root.child(`step ${i}`));
 *   span.ok();
 * }
 * await exporter.drain();
 * assert.equal(decodeEmitBatch(sent[0]!).batch.spans.length, 3);
 * assert.deepEqual(exporter.stats(), {
 *   exported: 3, droppedQueueFull: 0, droppedTooLarge: 0, failedToSend: 0, packets: 1,
 * });
 * ```
 */
export class AsyncExporter implements TraceCollector {
  readonly #protocol: SpanProtocol;
  readonly #builder: PacketBuilder;
  readonly #sink: PacketSink;
  readonly #maxQueueSize: number;
  readonly #flushIntervalMs: number;
  readonly #limiter: RateLimiter;
  readonly #clock: ExporterClock;
  readonly #queueWarning: RateLimitedWarning;
  readonly #sendWarning: RateLimitedWarning;
  readonly #fullAt: number;

  #closed = false;
  #running: Promise<void> | undefined = undefined;
  #kickScheduled = false;
  #flushTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #flushWanted = false;
  #lastPacketSpans = 0;
  /** Spans of the packet being sent (waiting for the rate limit, or for the sink). */
  #inFlight = 0;
  /** That packet while it still waits for the rate limit (not yet handed to the sink). */
  #waiting: Packet | undefined = undefined;

  #exported = 0;
  #droppedQueueFull = 0;
  #droppedTooLarge = 0;
  #failedToSend = 0;
  #packets = 0;

  /**
   * Makes an exporter.
   *
   * @param options The protocol, the sink, the queue bounds, the flush interval and the rate.
   * @throws {RangeError} If a number option is not positive.
   */
  constructor(options: AsyncExporterOptions) {
    this.#protocol = options.packer;
    this.#sink = options.sink;
    this.#maxQueueSize = Math.floor(positive(options.maxQueueSize, 100_000, "maxQueueSize"));
    const maxBytes = Math.floor(
      positive(options.maxQueueBytes, DEFAULT_MAX_QUEUE_BYTES, "maxQueueBytes"),
    );
    this.#flushIntervalMs = positive(options.flushIntervalMs, 1000, "flushIntervalMs");
    const maxBurst = positive(options.maxBurst, DEFAULT_MAX_BURST, "maxBurst");
    if (!Number.isInteger(maxBurst)) {
      throw new RangeError(`Cannot make AsyncExporter: maxBurst ${maxBurst} is not an integer`);
    }
    this.#limiter = new RateLimiter(
      positive(options.maxMessagesPerSecond, 1000, "maxMessagesPerSecond"),
      maxBurst,
    );
    if (options.batchSize !== undefined) positive(options.batchSize, 1, "batchSize");
    this.#clock = options.clock ?? systemClock;
    const warn = options.warn ?? ((m: string) => console.warn(m));
    this.#queueWarning = new RateLimitedWarning(warn);
    this.#sendWarning = new RateLimitedWarning(warn);
    this.#builder = new PacketBuilder(this.#protocol, {
      maxSpans: this.#maxQueueSize,
      maxBytes,
    });
    this.#fullAt = this.#protocol.framer.maxPacketSize;
    try {
      this.#sink.onLateFailure?.(() => this.#lateFailure());
    } catch {
      // a sink without working late-failure reports still sends
    }
  }

  /**
   * Encodes and queues a finished span. Never blocks, never throws. A span that does not fit
   * the queue is dropped and counted.
   *
   * @param span The span.
   *
   * @example
   * ```ts
   * import { AsyncExporter } from "@spanwire/trace/exporters/pipeline";
   * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const exporter = new AsyncExporter({
   *   packer: new BatchEncoder({ serviceName: "svc" }),
   *   sink: { send: () => true },
   *   maxQueueSize: 1,
   * });
   * exporter.export(Span.root("a"));
   * exporter.export(Span.root("b")); // the queue is full
   * assert.equal(exporter.stats().droppedQueueFull, 1);
   * await exporter.close();
   * ```
   */
  export(span: Span): void {
    try {
      if (this.#closed) {
        this.#dropQueueFull();
        return;
      }
      const builder = this.#builder;
      const result = builder.add(span);
      if (result === AddResult.QUEUE_FULL) {
        this.#dropQueueFull();
        return;
      }
      if (result === AddResult.TOO_LARGE) {
        this.#dropTooLarge(1, builder.lastError);
        return;
      }
      if (builder.byteLength >= this.#fullAt) this.#scheduleKick();
      else if (this.#flushTimer === undefined) this.#armFlushTimer();
    } catch {
      // never throw into the caller
    }
  }

  /**
   * The counters so far.
   *
   * @returns A snapshot.
   *
   * @example
   * ```ts
   * import { AsyncExporter } from "@spanwire/trace/exporters/pipeline";
   * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
   * import assert from "node:assert/strict";
   *
   * const exporter = new AsyncExporter({
   *   packer: new BatchEncoder({ serviceName: "svc" }), sink: { send: () => true },
   * });
   * assert.equal(exporter.stats().packets, 0);
   * ```
   */
  stats(): AsyncExporterStats {
    return {
      exported: this.#exported,
      droppedQueueFull: this.#droppedQueueFull,
      droppedTooLarge: this.#droppedTooLarge,
      failedToSend: this.#failedToSend,
      packets: this.#packets,
    };
  }

  /**
   * The number of spans queued or in a packet being sent.
   *
   * @returns The count.
   */
  get pending(): number {
    return this.#builder.length + this.#inFlight;
  }

  /**
   * Bytes of the queued spans.
   *
   * @returns The count.
   */
  get queuedBytes(): number {
    return this.#builder.byteLength;
  }

  /**
   * Sends everything queued (closing a partly filled packet too) and resolves when it is
   * sent, respecting the rate limit. Spans exported meanwhile are sent as well.
   *
   * @returns A promise that resolves when nothing is left; it never rejects.
   *
   * @example
   * ```ts
   * import { AsyncExporter } from "@spanwire/trace/exporters/pipeline";
   * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * let packets = 0;
   * const exporter = new AsyncExporter({
   *   packer: new BatchEncoder({ serviceName: "svc" }),
   *   sink: { send: () => (packets++, true) },
   * });
   * exporter.export(Span.root("a"));
   * await exporter.drain();
   * assert.equal(packets, 1);
   * ```
   */
  async drain(): Promise<void> {
    // The exporter's own timers and socket never keep the process alive, but someone waiting
    // for drain() wants it to finish: hold the event loop open meanwhile.
    const keepAlive = setInterval(() => {}, 1_000_000);
    try {
      for (;;) {
        this.#flushWanted = true;
        await this.#start();
        if (this.#builder.length === 0) return;
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  /**
   * Drains, then closes the sink. Spans exported afterwards are dropped and counted.
   *
   * @returns A promise that resolves when closed; it never rejects.
   *
   * @example
   * ```ts
   * import { AsyncExporter } from "@spanwire/trace/exporters/pipeline";
   * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const exporter = new AsyncExporter({
   *   packer: new BatchEncoder({ serviceName: "svc" }), sink: { send: () => true },
   * });
   * await exporter.close();
   * exporter.export(Span.root("late"));
   * assert.equal(exporter.stats().droppedQueueFull, 1);
   * ```
   */
  async close(): Promise<void> {
    await this.drain();
    this.#closed = true;
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    try {
      await this.#sink.close?.();
    } catch {
      // closing is best effort
    }
  }

  /**
   * For the last moment of a process (`process.exit()`, an unhandled signal), when no promise
   * will settle again: cuts every queued span into packets and hands them to the sink's
   * `sendSync` (UDP can; without it nothing is sent), ignoring the rate limit. Spans it could
   * not send, and those of a packet still in flight, are counted as failed to send.
   *
   * @returns How many spans went out and how many were lost.
   *
   * @example
   * ```ts
   * import { AsyncExporter } from "@spanwire/trace/exporters/pipeline";
   * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
   * import { Span } from "@spanwire/trace/trace";
   * import assert from "node:assert/strict";
   *
   * const exporter = new AsyncExporter({
   *   packer: new BatchEncoder({ serviceName: "svc" }), sink: { send: () => true },
   * });
   * exporter.export(Span.root("a"));
   * assert.deepEqual(exporter.flushSync(), { sent: 0, lost: 1 }); // this sink has no sendSync
   * ```
   */
  flushSync(): { sent: number; lost: number } {
    let sent = 0;
    // A packet already handed to the sink is its business now; one still waiting for the rate
    // limit goes first.
    const waiting = this.#waiting;
    this.#waiting = undefined;
    let lost = waiting === undefined && this.#sink.sendsSynchronously !== true ? this.#inFlight : 0;
    this.#inFlight = 0;
    const sink = this.#sink;
    let first = waiting;
    try {
      for (;;) {
        const packet = first ?? this.#next(true);
        first = undefined;
        if (packet === undefined) break;
        let ok = false;
        try {
          ok = sink.sendSync?.(packet.bytes) === true;
        } catch {
          ok = false;
        }
        if (ok) {
          sent += packet.spans;
          this.#exported += packet.spans;
          this.#packets++;
        } else {
          lost += packet.spans;
        }
      }
    } catch {
      lost += this.#builder.clear();
    }
    if (lost > 0) this.#failedToSend += lost;
    return { sent, lost };
  }

  // --- internals -------------------------------------------------------------------------

  #dropQueueFull(): void {
    this.#droppedQueueFull++;
    try {
      this.#protocol.framer.recordDropped?.({ fullQueue: 1 });
    } catch {
      // counting must not throw
    }
    this.#queueWarning.warn(
      this.#closed
        ? "spanwire: a span was exported after the exporter closed; dropped (counted as full-queue drops)"
        : `spanwire: the span export queue is full (${this.#maxQueueSize} spans or ${this.#builder.byteLength} bytes); dropping spans (counted)`,
    );
  }

  #dropTooLarge(count: number, error: unknown): void {
    this.#droppedTooLarge += count;
    try {
      this.#protocol.framer.recordDropped?.({ tooLarge: count });
    } catch {
      // counting must not throw
    }
    this.#sendWarning.warn(
      `spanwire: ${count} span(s) could not be encoded into a packet, dropped and counted as too large: ${
        messageOf(error)
      }`,
    );
  }

  /** The next packet (counting late too-large drops), or undefined. */
  #next(partial: boolean): Packet | undefined {
    const builder = this.#builder;
    const packet = builder.next(partial);
    const late = builder.takeLateDrops();
    if (late > 0) {
      this.#dropTooLarge(late, new RangeError("the span no longer fitted a packet when framed"));
    }
    return packet;
  }

  #armFlushTimer(): void {
    if (this.#closed) return;
    this.#flushTimer = setUnrefTimeout(() => {
      this.#flushTimer = undefined;
      this.#flushWanted = true;
      void this.#start();
    }, this.#flushIntervalMs);
  }

  /** Starts the pump in a macrotask of its own (never on the exporting caller's stack). */
  #scheduleKick(): void {
    if (this.#kickScheduled || this.#running !== undefined) return;
    this.#kickScheduled = true;
    setUnrefTimeout(() => {
      this.#kickScheduled = false;
      void this.#start();
    }, 0);
  }

  #start(): Promise<void> {
    return this.#running ??= this.#pump().finally(() => {
      this.#running = undefined;
      if (this.#closed) return;
      // Spans exported while the last packets went out wait for the next round.
      if (this.#builder.hasFullPacket()) this.#scheduleKick();
      else if (this.#builder.length > 0 && this.#flushTimer === undefined) this.#armFlushTimer();
    });
  }

  async #pump(): Promise<void> {
    for (;;) {
      let packet: Packet | undefined;
      try {
        packet = this.#next(this.#flushWanted);
      } catch (e) {
        // A framer that throws breaks its contract: count the queued spans, keep going.
        this.#dropTooLarge(this.#builder.clear(), e);
        packet = undefined;
      }
      if (packet !== undefined) {
        await this.#send(packet);
        continue;
      }
      if (this.#flushWanted) {
        this.#flushWanted = false;
        if (this.#flushTimer !== undefined) {
          clearTimeout(this.#flushTimer);
          this.#flushTimer = undefined;
        }
      }
      return;
    }
  }

  async #send(packet: Packet): Promise<void> {
    this.#inFlight = packet.spans;
    // IOx's rate limiter (a token bucket: see _rate_limiter.ts).
    let now = this.#clock.now();
    const delay = this.#limiter.delay(now);
    if (delay > 0) {
      this.#waiting = packet;
      await this.#clock.sleepUntil(now + delay);
      if (this.#waiting !== packet) return; // flushSync() sent it (the process is ending)
      this.#waiting = undefined;
      now = this.#clock.now();
    }
    this.#limiter.take(now);
    let ok: boolean;
    try {
      ok = (await this.#sink.send(packet.bytes)) === true;
    } catch {
      ok = false;
    }
    if (this.#inFlight === 0) return; // flushSync() took it over (the process is ending)
    this.#inFlight = 0;
    if (this.#sink.releasesPackets === true) this.#builder.recycle(packet.bytes);
    if (ok) {
      this.#exported += packet.spans;
      this.#packets++;
      this.#lastPacketSpans = packet.spans;
    } else {
      this.#lastPacketSpans = 0;
      this.#countFailed(packet.spans);
    }
  }

  #countFailed(spans: number): void {
    this.#failedToSend += spans;
    try {
      this.#protocol.framer.recordDropped?.({ failedToSend: spans });
    } catch {
      // counting must not throw
    }
    this.#sendWarning.warn(
      `spanwire: a packet of ${spans} span(s) could not be sent; counted as failed to send`,
    );
  }

  /** The sink learnt that its last packet was not delivered: move its spans to the failures. */
  #lateFailure(): void {
    const spans = this.#lastPacketSpans;
    if (spans === 0) return;
    this.#lastPacketSpans = 0;
    this.#exported -= spans;
    this.#packets--;
    this.#countFailed(spans);
  }
}
