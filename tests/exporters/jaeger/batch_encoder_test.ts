// BatchEncoder: packets within the limit, full by exact accounting (checked with the reference
// encoder, encodeEmitBatch, which the conformance vectors hold to Apache Thrift's bytes), every
// span exactly once and in order, seqNo and ClientStats, trimming of oversize spans, for every
// encoder backend.

import assert from "node:assert/strict";
import { BatchEncoder, TRIMMED_TAG } from "../../../exporters/jaeger/batch_encoder.ts";
import { decodeEmitBatch } from "../../../exporters/jaeger/decode_emit_batch.ts";
import { encodeEmitBatch } from "../../../exporters/jaeger/encode_emit_batch.ts";
import type { JaegerBatch, JaegerSpan } from "../../../exporters/jaeger/thrift_model.ts";
import { Span } from "../../../trace/mod.ts";
import { makeStandardSpans } from "../../_standard_span.ts";
import { backends } from "./_backends.ts";

const SIZES = [65000, 9216, 1472];

function decodeAll(packets: Uint8Array[]): JaegerBatch[] {
  return packets.map((p) => decodeEmitBatch(p).batch);
}

function hexOf(v: unknown): string {
  return BigInt.asUintN(64, v as bigint).toString(16).padStart(16, "0");
}

function spanKey(s: JaegerSpan): string {
  return hexOf(s.spanId);
}

for (const backend of backends) {
  for (const max of SIZES) {
    Deno.test(`BatchEncoder[${backend.name}] ${max}: packets are within the limit and full`, () => {
      const spans = makeStandardSpans(max === 1472 ? 300 : 2000);
      const encoder = new BatchEncoder({
        serviceName: "iox-conductor",
        hostname: "host-1",
        maxPacketSize: max,
        backend,
      });
      const packets = encoder.encode(spans);
      const batches = decodeAll(packets);
      assert.ok(packets.length > 1);

      // Every span once, in order.
      const got = batches.flatMap((b) => b.spans.map(spanKey));
      assert.deepEqual(got, spans.map((s) => s.ctx.spanId.toString()));

      for (let i = 0; i < packets.length; i++) {
        assert.ok(packets[i]!.length <= max, `packet ${i}: ${packets[i]!.length} > ${max}`);
        // The reference encoder writes the same bytes for the decoded values.
        const { seqId, batch } = decodeEmitBatch(packets[i]!);
        assert.deepEqual(encodeEmitBatch(batch, seqId), packets[i]);
        // Full: the next packet's first span would not have fitted.
        if (i + 1 < packets.length) {
          const grown = { ...batch, spans: [...batch.spans, batches[i + 1]!.spans[0]!] };
          assert.ok(
            encodeEmitBatch(grown, seqId).length > max,
            `packet ${i} had room for one more span`,
          );
        }
      }
    });
  }

  Deno.test(`BatchEncoder[${backend.name}]: seqNo increments and ClientStats accumulate`, () => {
    const encoder = new BatchEncoder({ serviceName: "svc", backend });
    const first = encoder.encode([Span.root("a")]);
    encoder.recordDropped({ fullQueue: 3, failedToSend: 2 });
    const second = encoder.encode([Span.root("b")]);
    encoder.recordDropped({ fullQueue: 1 });
    const third = encoder.encode([Span.root("c")]);
    const decoded = [...first, ...second, ...third].map((p) => decodeEmitBatch(p));
    assert.deepEqual(decoded.map((d) => d.batch.seqNo), [0n, 1n, 2n]);
    assert.deepEqual(decoded.map((d) => d.seqId), [0, 1, 2]);
    assert.deepEqual(decoded.map((d) => d.batch.stats), [
      { fullQueueDroppedSpans: 0n, tooLargeDroppedSpans: 0n, failedToEmitSpans: 0n },
      { fullQueueDroppedSpans: 3n, tooLargeDroppedSpans: 0n, failedToEmitSpans: 2n },
      { fullQueueDroppedSpans: 4n, tooLargeDroppedSpans: 0n, failedToEmitSpans: 2n },
    ]);
    assert.equal(decoded[0]!.batch.process.serviceName, "svc");
  });

  Deno.test(`BatchEncoder[${backend.name}]: add() keeps a packet open across calls`, () => {
    const encoder = new BatchEncoder({ serviceName: "svc", maxPacketSize: 9216, backend });
    const spans = makeStandardSpans(100);
    const out: Uint8Array[] = [];
    for (let i = 0; i < spans.length; i += 7) {
      for (const p of encoder.add(spans.slice(i, i + 7))) out.push(p.bytes);
    }
    assert.ok(encoder.pendingSpans > 0);
    const last = encoder.flush();
    assert.equal(last.length, 1);
    out.push(last[0]!.bytes);
    assert.equal(encoder.pendingSpans, 0);
    assert.deepEqual(encoder.flush(), []);
    const got = decodeAll(out).flatMap((b) => b.spans.map(spanKey));
    assert.deepEqual(got, spans.map((s) => s.ctx.spanId.toString()));
    // Same packing as one call: all packets but the last are full.
    const oneCall = new BatchEncoder({ serviceName: "svc", maxPacketSize: 9216, backend })
      .encode(spans);
    assert.deepEqual(out.map((p) => p.length), oneCall.map((p) => p.length));
  });

  Deno.test(`BatchEncoder[${backend.name}]: an oversize string value is trimmed`, () => {
    const encoder = new BatchEncoder({ serviceName: "svc", maxPacketSize: 9216, backend });
    const big = "x".repeat(20_000);
    const accents = "é".repeat(20_000); // 2 bytes each: the cut must fall between characters
    const span = Span.root("big").setMetadata("a.small", "keep me").setMetadata("body", big)
      .setMetadata("body2", accents);
    span.start = 1_000;
    span.end = 2_000;
    const small = Span.root("small");
    const packets = encoder.encode([span, small]);
    assert.equal(encoder.tooLargeDropped, 0);
    const spans = decodeAll(packets).flatMap((b) => b.spans);
    assert.deepEqual(spans.map((s) => s.operationName).sort(), ["big", "small"]);
    const trimmed = spans.find((s) => s.operationName === "big")!;
    const tags = new Map(trimmed.tags!.map((t) => [t.key, t]));
    assert.equal(tags.get(TRIMMED_TAG)?.vBool, true);
    assert.equal(tags.get("a.small")?.vStr, "keep me");
    const body = tags.get("body")!.vStr!;
    const body2 = tags.get("body2")!.vStr!;
    assert.ok(big.startsWith(body) && body.length < big.length);
    assert.ok(accents.startsWith(body2) && body2.length < accents.length);
    assert.ok(!body2.includes("\ufffd"));
    for (const p of packets) assert.ok(p.length <= 9216);
    // The small span was not held back by the big one.
    assert.equal(
      small.ctx.spanId.toString(),
      spanKey(spans.find((s) => s.operationName === "small")!),
    );
    // Trimming stops when it fits: the packet is close to the limit, not cut to the minimum.
    const packetOfBig = packets.find((p) =>
      decodeEmitBatch(p).batch.spans.some((s) => s.operationName === "big")
    )!;
    assert.ok(packetOfBig.length > 9216 - 64, `${packetOfBig.length}`);
  });

  Deno.test(`BatchEncoder[${backend.name}]: too many logs: the last ones are dropped`, () => {
    const encoder = new BatchEncoder({ serviceName: "svc", maxPacketSize: 1472, backend });
    const span = Span.root("chatty");
    for (let i = 0; i < 500; i++) span.event(`event number ${i}`, { i }, 1_000 + i);
    const packets = encoder.encode([span]);
    assert.equal(packets.length, 1);
    assert.ok(packets[0]!.length <= 1472);
    const [got] = decodeAll(packets)[0]!.spans;
    const logs = got!.logs!;
    assert.ok(logs.length > 0 && logs.length < 500);
    logs.forEach((log, i) => assert.equal(log.fields[0]!.vStr, `event number ${i}`));
    assert.ok(got!.tags!.some((t) => t.key === TRIMMED_TAG && t.vBool === true));
    // The longest prefix: one more log would not have fitted.
    const { seqId, batch } = decodeEmitBatch(packets[0]!);
    const more = structuredClone(batch);
    more.spans[0]!.logs!.push({
      timestamp: 1_000n + BigInt(logs.length),
      fields: [
        { key: "event", vType: 0, vStr: `event number ${logs.length}` },
        { key: "i", vType: 3, vLong: BigInt(logs.length) },
      ],
    });
    assert.ok(encodeEmitBatch(more, seqId).length > 1472);
  });

  Deno.test(`BatchEncoder[${backend.name}]: a span that cannot fit is dropped and counted`, () => {
    const warnings: string[] = [];
    const encoder = new BatchEncoder({
      serviceName: "svc",
      maxPacketSize: 1472,
      backend,
      warn: (m) => warnings.push(m),
    });
    const hopeless = Span.root("n".repeat(5000)); // the name is not trimmed
    const fine = Span.root("fine");
    const packets = encoder.encode([hopeless, fine]);
    assert.equal(encoder.tooLargeDropped, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /too large/);
    const spans = decodeAll(packets).flatMap((b) => b.spans);
    assert.deepEqual(spans.map((s) => s.operationName), ["fine"]);
    const next = decodeEmitBatch(encoder.encode([Span.root("later")])[0]!).batch;
    assert.equal(next.stats!.tooLargeDroppedSpans, 1n);
  });

  Deno.test(`BatchEncoder[${backend.name}]: a span the backend rejects is counted, not thrown`, () => {
    const encoder = new BatchEncoder({ serviceName: "svc", backend, warn: () => {} });
    const good: JaegerSpan = {
      traceIdLow: 1,
      traceIdHigh: 0,
      spanId: 2,
      parentSpanId: 0,
      operationName: "good",
      flags: 1,
      startTime: 10,
      duration: 1,
    };
    const bad: JaegerSpan = { ...good, operationName: "bad", startTime: 1.5 };
    const packets = [...encoder.addJaegerSpans([good, bad, good]), ...encoder.flush()];
    assert.equal(encoder.tooLargeDropped, 1);
    const names = decodeAll(packets.map((p) => p.bytes)).flatMap((b) =>
      b.spans.map((s) => s.operationName)
    );
    assert.deepEqual(names, ["good", "good"]);
  });
}

Deno.test("BatchEncoder: every backend writes the same packets", () => {
  const spans = makeStandardSpans(500);
  const results = backends.map((backend) =>
    new BatchEncoder({ serviceName: "svc", hostname: "h", maxPacketSize: 9216, backend })
      .encode(spans)
  );
  for (let i = 1; i < results.length; i++) {
    assert.deepEqual(results[i], results[0], `${backends[i]!.name} vs ${backends[0]!.name}`);
  }
});

Deno.test("BatchEncoder: options are checked", () => {
  assert.throws(() => new BatchEncoder({ serviceName: "s", maxPacketSize: 100 }), RangeError);
  assert.throws(() => new BatchEncoder({ serviceName: "s", maxPacketSize: 70000 }), RangeError);
  assert.throws(() => new BatchEncoder({ serviceName: "s", maxPacketSize: 1000.5 }), RangeError);
  assert.throws(
    () => new BatchEncoder({ serviceName: "s", backend: "fortran" as "js" }),
    TypeError,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new BatchEncoder({} as any), TypeError);
  const encoder = new BatchEncoder({ serviceName: "s" });
  assert.throws(() => encoder.recordDropped({ fullQueue: -1 }), RangeError);
  assert.equal(encoder.maxPacketSize, 65000);
  assert.equal(encoder.backend.name, "js");
  assert.equal(new BatchEncoder({ serviceName: "s", backend: "wasm" }).backend.name, "wasm");
});

Deno.test("BatchEncoder: process tags and hostname", () => {
  const encoder = new BatchEncoder({
    serviceName: "iox-conductor",
    tags: { env: "prod" },
    hostname: "host-1",
  });
  const { batch } = decodeEmitBatch(encoder.encode([Span.root("a")])[0]!);
  assert.deepEqual(batch.process, {
    serviceName: "iox-conductor",
    tags: [
      { key: "env", vType: 0, vStr: "prod" },
      { key: "hostname", vType: 0, vStr: "host-1" },
    ],
  });
});
