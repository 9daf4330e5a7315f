// AsyncExporter with in-memory sinks and a hand-stepped clock: the rate limit (IOx's: packets
// at least 1/N s apart), the bounded queue, drain(), failure accounting, late failures, the
// flush timer, close(). Sums are checked exactly: exported + dropped = produced.

import assert from "node:assert/strict";
import {
  AsyncExporter,
  type ExporterClock,
  type PacketSink,
} from "../../exporters/async_exporter.ts";
import { BatchEncoder } from "../../exporters/jaeger/batch_encoder.ts";
import { decodeEmitBatch } from "../../exporters/jaeger/decode_emit_batch.ts";
import { Span } from "../../trace/mod.ts";
import { makeStandardSpans } from "../_standard_span.ts";

/** A clock that moves only when told; sleepers wake when it reaches their deadline. */
class SteppedClock implements ExporterClock {
  time = 0;
  #sleepers: { deadline: number; wake: () => void }[] = [];
  now(): number {
    return this.time;
  }
  sleepUntil(deadline: number): Promise<void> {
    if (deadline <= this.time) return Promise.resolve();
    return new Promise((wake) => this.#sleepers.push({ deadline, wake }));
  }
  get sleeping(): number {
    return this.#sleepers.length;
  }
  advance(ms: number): void {
    this.time += ms;
    const due = this.#sleepers.filter((s) => s.deadline <= this.time);
    this.#sleepers = this.#sleepers.filter((s) => s.deadline > this.time);
    for (const s of due) s.wake();
  }
}

/** Lets every pending promise and zero-delay timer run. */
async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}

class MemorySink implements PacketSink {
  packets: Uint8Array[] = [];
  times: number[] = [];
  constructor(readonly clock?: SteppedClock, readonly fail?: (i: number) => boolean | "throw") {}
  send(packet: Uint8Array): boolean {
    const i = this.packets.length + this.failed;
    const f = this.fail?.(i);
    if (f === "throw") {
      this.failed++;
      throw new Error("boom");
    }
    if (f === true) {
      this.failed++;
      return false;
    }
    this.packets.push(packet);
    this.times.push(this.clock?.now() ?? 0);
    return true;
  }
  failed = 0;
  spanCount(): number {
    return this.packets.reduce((n, p) => n + decodeEmitBatch(p).batch.spans.length, 0);
  }
}

/** An exporter of 1472-byte packets (3 standard spans each) over a stepped clock and a memory sink. */
function steppedExporter(
  rate: { maxMessagesPerSecond: number; maxBurst?: number },
): { clock: SteppedClock; sink: MemorySink; exporter: AsyncExporter } {
  const clock = new SteppedClock();
  const sink = new MemorySink(clock);
  const exporter = new AsyncExporter({
    packer: new BatchEncoder({ serviceName: "svc", maxPacketSize: 1472 }),
    sink,
    clock,
    ...rate,
  });
  return { clock, sink, exporter };
}

function total(s: ReturnType<AsyncExporter["stats"]>): number {
  return s.exported + s.droppedQueueFull + s.droppedTooLarge + s.failedToSend;
}

Deno.test("AsyncExporter: maxBurst 1 spaces packets as IOx's rate limiter (stepped clock)", async () => {
  // 100 ms apart
  const { clock, sink, exporter } = steppedExporter({ maxMessagesPerSecond: 10, maxBurst: 1 });
  for (const span of makeStandardSpans(15)) exporter.export(span); // 3 a packet: 5 packets
  let drained = false;
  const draining = exporter.drain().then(() => (drained = true));
  await settle();
  assert.equal(sink.packets.length, 1);
  assert.equal(clock.sleeping, 1);
  clock.advance(99);
  await settle();
  assert.equal(sink.packets.length, 1, "sent before the interval passed");
  clock.advance(1);
  await settle();
  assert.equal(sink.packets.length, 2);
  for (let i = 0; i < 3; i++) {
    clock.advance(100);
    await settle();
  }
  await draining;
  assert.ok(drained);
  assert.deepEqual(sink.times, [0, 100, 200, 300, 400]);
  assert.equal(sink.spanCount(), 15);
  assert.deepEqual(exporter.stats(), {
    exported: 15,
    droppedQueueFull: 0,
    droppedTooLarge: 0,
    failedToSend: 0,
    packets: 5,
  });
});

Deno.test("AsyncExporter: the default burst: 3 packets at once, then the bucket refills (stepped clock)", async () => {
  // one token every 100 ms, 3 at most
  const { clock, sink, exporter } = steppedExporter({ maxMessagesPerSecond: 10 });
  for (const span of makeStandardSpans(21)) exporter.export(span); // 3 a packet: 7 packets
  const draining = exporter.drain();
  await settle();
  assert.deepEqual(sink.times, [0, 0, 0], "a full bucket lets 3 go back to back");
  clock.advance(299);
  await settle();
  assert.equal(sink.packets.length, 3, "the 4th waits until the bucket is full again");
  clock.advance(1);
  await settle();
  assert.deepEqual(sink.times, [0, 0, 0, 300, 300, 300]);
  clock.advance(300);
  await draining;
  // 7 packets in 600 ms: never more than the rate's 10 a second, plus the burst
  assert.deepEqual(sink.times, [0, 0, 0, 300, 300, 300, 600]);
  assert.equal(sink.spanCount(), 21);
  assert.throws(
    () =>
      new AsyncExporter({ packer: new BatchEncoder({ serviceName: "svc" }), sink, maxBurst: 1.5 }),
    RangeError,
  );
});

Deno.test("AsyncExporter: no wait when the interval already passed", async () => {
  const { clock, sink, exporter } = steppedExporter({ maxMessagesPerSecond: 1000 });
  for (const span of makeStandardSpans(2)) exporter.export(span);
  await exporter.drain();
  clock.advance(5);
  for (const span of makeStandardSpans(2)) exporter.export(span);
  await exporter.drain(); // resolves without the clock moving
  assert.deepEqual(sink.times, [0, 5]);
});

Deno.test("AsyncExporter: a flood past the queue bound: sent + dropped = produced", async () => {
  const sink = new MemorySink();
  const warnings: string[] = [];
  const exporter = new AsyncExporter({
    packer: new BatchEncoder({ serviceName: "svc" }),
    sink,
    maxQueueSize: 100,
    maxMessagesPerSecond: 1e9,
    warn: (m) => warnings.push(m),
  });
  const produced = 1000;
  // All in one synchronous burst: the background work cannot run in between.
  for (const span of makeStandardSpans(produced)) exporter.export(span);
  await exporter.drain();
  const s = exporter.stats();
  assert.equal(s.droppedQueueFull, produced - 100);
  assert.equal(s.exported, 100);
  assert.equal(total(s), produced);
  assert.equal(sink.spanCount(), 100);
  assert.equal(warnings.length, 1, "one warning for the whole flood");
  // Later packets report the drops to Jaeger.
  exporter.export(Span.root("after"));
  await exporter.drain();
  const last = decodeEmitBatch(sink.packets.at(-1)!).batch;
  assert.equal(last.stats!.fullQueueDroppedSpans, BigInt(produced - 100));
});

Deno.test("AsyncExporter: a flood while sending: the identity holds exactly", async () => {
  const sink = new MemorySink();
  const exporter = new AsyncExporter({
    packer: new BatchEncoder({ serviceName: "svc", maxPacketSize: 9216 }),
    sink,
    maxQueueSize: 300,
    batchSize: 64,
    maxMessagesPerSecond: 1e9,
  });
  const spans = makeStandardSpans(5000);
  for (let i = 0; i < spans.length; i += 500) {
    for (const span of spans.slice(i, i + 500)) exporter.export(span);
    await settle(2); // let some background work happen between bursts
  }
  await exporter.drain();
  const s = exporter.stats();
  assert.equal(total(s), 5000);
  assert.ok(s.droppedQueueFull > 0);
  assert.equal(sink.spanCount(), s.exported);
});

Deno.test("AsyncExporter: drain() loses nothing", async () => {
  const sink = new MemorySink();
  const exporter = new AsyncExporter({
    packer: new BatchEncoder({ serviceName: "svc" }),
    sink,
    maxMessagesPerSecond: 1e9,
  });
  const spans = makeStandardSpans(5000);
  for (const span of spans) exporter.export(span);
  await exporter.drain();
  const ids = sink.packets.flatMap((p) =>
    decodeEmitBatch(p).batch.spans.map((s) =>
      BigInt.asUintN(64, s.spanId as bigint).toString(16).padStart(16, "0")
    )
  );
  assert.deepEqual(ids, spans.map((s) => s.ctx.spanId.toString()));
  assert.equal(exporter.pending, 0);
  assert.equal(exporter.stats().packets, sink.packets.length);
});

Deno.test("AsyncExporter: failed sends are counted and reported to Jaeger", async () => {
  // Packet 1 fails (false), packet 3 throws; the others go out.
  const sink = new MemorySink(undefined, (i) => (i === 1 ? true : i === 3 ? "throw" : false));
  const warnings: string[] = [];
  const exporter = new AsyncExporter({
    packer: new BatchEncoder({ serviceName: "svc", maxPacketSize: 1472 }),
    sink,
    maxMessagesPerSecond: 1e9,
    warn: (m) => warnings.push(m),
  });
  for (const span of makeStandardSpans(18)) exporter.export(span); // 6 packets of 3
  await exporter.drain();
  const s = exporter.stats();
  assert.equal(s.failedToSend, 6);
  assert.equal(s.exported, 12);
  assert.equal(s.packets, 4);
  assert.equal(total(s), 18);
  assert.equal(sink.spanCount(), 12);
  assert.equal(warnings.length, 1);
  // A packet carries the counts as of when it was opened: the next one reports the failures.
  exporter.export(Span.root("next"));
  await exporter.drain();
  const last = decodeEmitBatch(sink.packets.at(-1)!).batch;
  assert.equal(last.stats!.failedToEmitSpans, 6n);
});

Deno.test("AsyncExporter: a late failure moves the last packet's spans to failedToSend", async () => {
  let report: (() => void) | undefined;
  const sink: PacketSink = {
    send: () => true,
    onLateFailure: (listener) => (report = listener),
  };
  const exporter = new AsyncExporter({
    packer: new BatchEncoder({ serviceName: "svc" }),
    sink,
    warn: () => {},
  });
  for (const span of makeStandardSpans(3)) exporter.export(span);
  await exporter.drain();
  assert.equal(exporter.stats().exported, 3);
  report!();
  report!(); // a second report for the same packet counts nothing more
  assert.deepEqual(exporter.stats(), {
    exported: 0,
    droppedQueueFull: 0,
    droppedTooLarge: 0,
    failedToSend: 3,
    packets: 0,
  });
});

Deno.test("AsyncExporter: a partly filled packet goes out on the timer", async () => {
  let arrived!: (packet: Uint8Array) => void;
  const first = new Promise<Uint8Array>((resolve) => (arrived = resolve));
  const exporter = new AsyncExporter({
    packer: new BatchEncoder({ serviceName: "svc" }),
    sink: { send: (p) => (arrived(p), true) },
    flushIntervalMs: 5,
  });
  exporter.export(Span.root("lonely"));
  // No drain(): only the timer can send it. That timer is unref'd, so a ref'd one keeps the
  // test's event loop alive meanwhile (it bounds nothing: the test ends when the packet comes).
  const keepAlive = setTimeout(() => {}, 60_000);
  const packet = await first;
  clearTimeout(keepAlive);
  assert.equal(decodeEmitBatch(packet).batch.spans[0]!.operationName, "lonely");
  await exporter.close();
});

Deno.test("AsyncExporter: export() never throws, even when the encoder does", async () => {
  const warnings: string[] = [];
  const exporter = new AsyncExporter({
    packer: {
      encoder: {
        encode: () => {
          throw new Error("broken packer");
        },
      },
      framer: new BatchEncoder({ serviceName: "svc" }).framer,
    },
    sink: { send: () => true },
    warn: (m) => warnings.push(m),
  });
  for (let i = 0; i < 10; i++) exporter.export(Span.root(`s${i}`));
  await exporter.drain();
  const s = exporter.stats();
  assert.equal(s.droppedTooLarge, 10);
  assert.equal(total(s), 10);
  assert.match(warnings[0]!, /broken packer/);
});

Deno.test("AsyncExporter: close() drains, closes the sink, then drops and counts", async () => {
  let closed = false;
  let sent = 0;
  const exporter = new AsyncExporter({
    packer: new BatchEncoder({ serviceName: "svc" }),
    sink: { send: () => (sent++, true), close: () => void (closed = true) },
    warn: () => {},
  });
  exporter.export(Span.root("a"));
  await exporter.close();
  assert.equal(sent, 1);
  assert.ok(closed);
  exporter.export(Span.root("late"));
  assert.deepEqual(exporter.stats(), {
    exported: 1,
    droppedQueueFull: 1,
    droppedTooLarge: 0,
    failedToSend: 0,
    packets: 1,
  });
});

Deno.test("AsyncExporter: options are checked", () => {
  const packer = new BatchEncoder({ serviceName: "svc" });
  const sink = { send: () => true };
  assert.throws(() => new AsyncExporter({ packer, sink, maxQueueSize: 0 }), RangeError);
  assert.throws(() => new AsyncExporter({ packer, sink, maxMessagesPerSecond: -1 }), RangeError);
  assert.throws(() => new AsyncExporter({ packer, sink, flushIntervalMs: NaN }), RangeError);
});

Deno.test("AsyncExporter: drain() keeps the event loop alive until the work is done", async () => {
  // The exporter's timers are unref'd, and this test holds nothing else open: without drain()
  // holding the loop, the test runner finds the loop empty with the promise still pending.
  let sent = 0;
  const exporter = new AsyncExporter({
    packer: new BatchEncoder({ serviceName: "svc", maxPacketSize: 1472 }),
    sink: { send: () => (sent++, true) },
    maxMessagesPerSecond: 50, // real 20 ms waits between packets
  });
  for (let i = 0; i < 30; i++) {
    exporter.export(Span.root(`s${i}`).setMetadata("pad", "x".repeat(300)));
  }
  await exporter.close();
  assert.ok(sent > 1);
  assert.equal(exporter.stats().exported, 30);
});

Deno.test("AsyncExporter: flushSync() sends the queue and a packet waiting for the rate limit", async () => {
  const clock = new SteppedClock();
  const sent: Uint8Array[] = [];
  const sync: Uint8Array[] = [];
  const exporter = new AsyncExporter({
    packer: new BatchEncoder({ serviceName: "svc", maxPacketSize: 1472 }),
    sink: { send: (p) => (sent.push(p), true), sendSync: (p) => (sync.push(p), true) },
    clock,
    maxMessagesPerSecond: 1,
    maxBurst: 1,
    warn: () => {},
  });
  const spans = makeStandardSpans(40);
  for (const s of spans) exporter.export(s);
  await settle();
  assert.equal(sent.length, 1); // the second packet waits a second for the rate limit
  assert.ok(clock.sleeping > 0);
  const { sent: n, lost } = exporter.flushSync();
  assert.equal(lost, 0);
  const count = (ps: Uint8Array[]): number =>
    ps.reduce((k, p) => k + decodeEmitBatch(p).batch.spans.length, 0);
  assert.equal(count(sent) + count(sync), 40);
  assert.equal(n, count(sync));
  clock.advance(10_000);
  await settle();
  assert.equal(sent.length, 1); // the waiting packet is not sent twice
  assert.equal(exporter.stats().exported, 40);
});

Deno.test("AsyncExporter: flushSync() without a synchronous sink counts what it cannot send", () => {
  const exporter = new AsyncExporter({
    packer: new BatchEncoder({ serviceName: "svc" }),
    sink: { send: () => true },
    warn: () => {},
  });
  for (const s of makeStandardSpans(7)) exporter.export(s);
  assert.deepEqual(exporter.flushSync(), { sent: 0, lost: 7 });
  assert.equal(exporter.stats().failedToSend, 7);
});

Deno.test("AsyncExporter: a sink that releases packets gets later packets in the same memory; others never", async () => {
  for (const releases of [true, false]) {
    const buffers: ArrayBufferLike[] = [];
    const decoded: number[] = [];
    const exporter = new AsyncExporter({
      packer: new BatchEncoder({ serviceName: "svc", maxPacketSize: 1472 }),
      sink: {
        releasesPackets: releases,
        send: (p) => {
          buffers.push(p.buffer);
          // decoded at once: a released packet's bytes are only valid until send settles
          decoded.push(decodeEmitBatch(p).batch.spans.length);
          return true;
        },
      },
      maxMessagesPerSecond: 1e9,
    });
    for (const span of makeStandardSpans(24)) exporter.export(span); // 3 a packet: 8 packets
    await exporter.drain();
    assert.deepEqual(decoded, [3, 3, 3, 3, 3, 3, 3, 3]);
    // released: the first packet's memory, then at most one buffer with room for any packet
    if (releases) assert.ok(new Set(buffers).size <= 2, `${new Set(buffers).size} buffers`);
    else assert.equal(new Set(buffers).size, 8);
    assert.equal(exporter.stats().exported, 24);
  }
});
