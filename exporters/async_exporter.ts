/**
 * {@linkcode AsyncExporter}: the collector that takes finished spans on the caller's path in
 * O(1) and ships them in the background as packets, with a bounded queue, a flush timer, a rate
 * limit and an exact count of every span it could not deliver.
 *
 * It is pure: the packets come from a {@linkcode SpanPacker} (the Jaeger `BatchEncoder`) and go
 * to a {@linkcode PacketSink} (the UDP `JaegerAgentExporter`, or anything else).
 *
 * @module
 */

import type { TraceCollector } from "../trace/collector.ts";
import type { Span } from "../trace/span.ts";
import { RateLimitedWarning } from "../trace/_warning.ts";
import { FifoQueue } from "./_span_queue.ts";
import { setUnrefTimeout } from "./_timers.ts";
import { messageOf } from "../trace/_text.ts";

/**
 * A packet made by a {@linkcode SpanPacker}: its bytes and the number of spans it carries.
 *
 * @example
 * ```ts
 * import type { Packet } from "@spanwire/trace/exporters";
 *
 * const packet: Packet = { bytes: new Uint8Array(10), spans: 1 };
 * ```
 */
export interface Packet {
  /** The payload. */
  readonly bytes: Uint8Array;
  /** How many spans it carries. */
  readonly spans: number;
}

/**
 * Turns spans into packets, keeping a partly filled packet open between calls. The Jaeger
 * `BatchEncoder` is one.
 *
 * @example
 * ```ts
 * import type { SpanPacker } from "@spanwire/trace/exporters";
 * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
 *
 * const packer: SpanPacker = new BatchEncoder({ serviceName: "svc" });
 * ```
 */
export interface SpanPacker {
  /**
   * Adds spans; returns the packets that filled up.
   *
   * @param spans Finished spans.
   * @returns Full packets.
   */
  add(spans: readonly Span[]): Packet[];
  /**
   * Closes the open packet.
   *
   * @returns Zero or one packet.
   */
  flush(): Packet[];
  /** How many spans wait in the open packet. */
  readonly pendingSpans: number;
  /** Spans dropped as too large (cumulative). */
  readonly tooLargeDropped: number;
  /**
   * Learns of spans dropped by its owner (so packets can report them).
   *
   * @param dropped The counts to add.
   */
  recordDropped(dropped: { fullQueue?: number; failedToSend?: number }): void;
}

/**
 * Where packets go: for example a UDP socket to a Jaeger agent.
 *
 * @example A sink that keeps packets in memory
 * ```ts
 * import type { PacketSink } from "@spanwire/trace/exporters";
 *
 * const sent: Uint8Array[] = [];
 * const sink: PacketSink = { send: (packet) => (sent.push(packet), true) };
 * ```
 */
export interface PacketSink {
  /**
   * Sends one packet. Resolves `true` when it went out, `false` when it failed (a rejection
   * counts as a failure too). The packet belongs to the sink afterwards.
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
  /** Optional: releases the sink's resources. */
  close?(): Promise<void> | void;
}

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
  /** Makes packets from spans (the Jaeger `BatchEncoder`). */
  packer: SpanPacker;
  /** Sends packets (the `JaegerAgentExporter`). */
  sink: PacketSink;
  /** Spans the queue holds at most; more are dropped and counted (default 100,000, as IOx). */
  maxQueueSize?: number | undefined;
  /** The longest a span waits before its packet goes out, in ms (default 1000). */
  flushIntervalMs?: number | undefined;
  /** Packets sent per second at most (default 1000, IOx's `TRACES_JAEGER_MAX_MSGS_PER_SECOND`). */
  maxMessagesPerSecond?: number | undefined;
  /** Spans handed to the packer at once (default 256). */
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
 * import type { AsyncExporterStats } from "@spanwire/trace/exporters";
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
 * A {@linkcode TraceCollector} that queues spans and exports them in the background, as IOx's
 * `AsyncExporter`, but batched into full packets and with every loss counted.
 *
 * - `export(span)` is O(1): it appends to a bounded queue, and never blocks or throws. A span
 *   beyond `maxQueueSize` (or after `close()`) is dropped and counted (`droppedQueueFull`),
 *   with one rate-limited warning.
 * - Spans are encoded in the background (a macrotask, never on the caller's stack) as soon as
 *   `batchSize` of them are queued, and a packet goes out as soon as it is full; a partly filled
 *   packet goes out `flushIntervalMs` after its first span arrived.
 * - At most `maxMessagesPerSecond` packets a second leave (IOx's rate limiter: packets are
 *   spaced at least `1000 / maxMessagesPerSecond` ms apart).
 * - `drain()` sends everything queued and resolves when it is sent; `close()` drains, then
 *   closes the sink.
 * - Its timers never keep a process alive.
 *
 * @example Export spans to an in-memory sink
 * ```ts
 * import { AsyncExporter } from "@spanwire/trace/exporters";
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
  readonly #packer: SpanPacker;
  readonly #sink: PacketSink;
  readonly #maxQueueSize: number;
  readonly #flushIntervalMs: number;
  readonly #intervalMs: number;
  readonly #batchSize: number;
  readonly #clock: ExporterClock;
  readonly #queueWarning: RateLimitedWarning;
  readonly #sendWarning: RateLimitedWarning;

  #queue = new FifoQueue<Span>();
  #closed = false;
  #running: Promise<void> | undefined = undefined;
  #kickScheduled = false;
  #flushTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #flushWanted = false;
  #lastSend: number | undefined = undefined;
  #lastPacketSpans = 0;

  #exported = 0;
  #droppedQueueFull = 0;
  #failedToSend = 0;
  #packets = 0;
  #packerFailures = 0;

  /**
   * Makes an exporter.
   *
   * @param options The packer, the sink, the queue bound, the flush interval and the rate.
   * @throws {RangeError} If a number option is not positive.
   */
  constructor(options: AsyncExporterOptions) {
    this.#packer = options.packer;
    this.#sink = options.sink;
    this.#maxQueueSize = Math.floor(positive(options.maxQueueSize, 100_000, "maxQueueSize"));
    this.#flushIntervalMs = positive(options.flushIntervalMs, 1000, "flushIntervalMs");
    this.#intervalMs = 1000 /
      positive(options.maxMessagesPerSecond, 1000, "maxMessagesPerSecond");
    this.#batchSize = Math.max(1, Math.floor(positive(options.batchSize, 256, "batchSize")));
    this.#clock = options.clock ?? systemClock;
    const warn = options.warn ?? ((m: string) => console.warn(m));
    this.#queueWarning = new RateLimitedWarning(warn);
    this.#sendWarning = new RateLimitedWarning(warn);
    try {
      this.#sink.onLateFailure?.(() => this.#lateFailure());
    } catch {
      // a sink without working late-failure reports still sends
    }
  }

  /**
   * Queues a finished span. O(1); never blocks, never throws. A span that does not fit the
   * queue is dropped and counted.
   *
   * @param span The span.
   *
   * @example
   * ```ts
   * import { AsyncExporter } from "@spanwire/trace/exporters";
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
      if (this.#closed || this.#queue.length >= this.#maxQueueSize) {
        this.#dropQueueFull();
        return;
      }
      this.#queue.push(span);
      if (this.#queue.length >= this.#batchSize) this.#scheduleKick();
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
   * import { AsyncExporter } from "@spanwire/trace/exporters";
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
      droppedTooLarge: this.#packer.tooLargeDropped + this.#packerFailures,
      failedToSend: this.#failedToSend,
      packets: this.#packets,
    };
  }

  /**
   * The number of spans queued or waiting in an open packet.
   *
   * @returns The count.
   */
  get pending(): number {
    return this.#queue.length + this.#packer.pendingSpans;
  }

  /**
   * Sends everything queued (closing a partly filled packet too) and resolves when it is
   * sent, respecting the rate limit. Spans exported meanwhile are sent as well.
   *
   * @returns A promise that resolves when nothing is left; it never rejects.
   *
   * @example
   * ```ts
   * import { AsyncExporter } from "@spanwire/trace/exporters";
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
        if (this.#queue.length === 0 && this.#packer.pendingSpans === 0) return;
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
   * import { AsyncExporter } from "@spanwire/trace/exporters";
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

  // --- internals -------------------------------------------------------------------------

  #dropQueueFull(): void {
    this.#droppedQueueFull++;
    try {
      this.#packer.recordDropped({ fullQueue: 1 });
    } catch {
      // counting must not throw
    }
    this.#queueWarning.warn(
      this.#closed
        ? "spanwire: a span was exported after the exporter closed; dropped (counted as full-queue drops)"
        : `spanwire: the span export queue is full (${this.#maxQueueSize} spans); dropping spans (counted)`,
    );
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
      if (this.#queue.length >= this.#batchSize) this.#scheduleKick();
      else if (this.pending > 0 && this.#flushTimer === undefined) this.#armFlushTimer();
    });
  }

  async #pump(): Promise<void> {
    for (;;) {
      if (this.#queue.length > 0) {
        const spans = this.#queue.take(this.#batchSize);
        let packets: Packet[];
        try {
          packets = this.#packer.add(spans);
        } catch (e) {
          // A packer should count what it cannot encode itself; if it throws, count the spans
          // here (as too large: they could not be packed) and keep the pump going.
          packets = [];
          this.#packerFailures += spans.length;
          this.#sendWarning.warn(
            `spanwire: the span packer failed on ${spans.length} span(s), dropped and counted: ${
              messageOf(e)
            }`,
          );
        }
        for (const p of packets) await this.#send(p);
        continue;
      }
      if (this.#flushWanted) {
        this.#flushWanted = false;
        if (this.#flushTimer !== undefined) {
          clearTimeout(this.#flushTimer);
          this.#flushTimer = undefined;
        }
        let packets: Packet[];
        const pending = this.#packer.pendingSpans;
        try {
          packets = this.#packer.flush();
        } catch {
          packets = [];
          this.#packerFailures += pending;
        }
        for (const p of packets) await this.#send(p);
        continue;
      }
      return;
    }
  }

  async #send(packet: Packet): Promise<void> {
    // IOx's rate limiter: at least `#intervalMs` between two packets.
    let now = this.#clock.now();
    if (this.#lastSend !== undefined) {
      const until = this.#lastSend + this.#intervalMs;
      if (until > now) {
        await this.#clock.sleepUntil(until);
        now = this.#clock.now();
      }
    }
    this.#lastSend = now;
    let ok: boolean;
    try {
      ok = (await this.#sink.send(packet.bytes)) === true;
    } catch {
      ok = false;
    }
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
      this.#packer.recordDropped({ failedToSend: spans });
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
