// MockOtlpReceiver: OTLP/HTTP as a collector's receiver answers it.

import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { makeStandardSpans } from "../../_standard_span.ts";
import { OtlpEncoder } from "../../../exporters/otlp/mod.ts";
import { MockOtlpReceiver } from "../../../exporters/otlp/testing.ts";

async function post(
  url: string,
  body: BodyInit,
  headers: Record<string, string>,
): Promise<{ status: number; body: Uint8Array; retryAfter: string | null }> {
  const res = await fetch(url, { method: "POST", body, headers });
  return {
    status: res.status,
    body: new Uint8Array(await res.arrayBuffer()),
    retryAfter: res.headers.get("retry-after"),
  };
}

Deno.test("MockOtlpReceiver: protobuf, JSON and gzip bodies; bad ones answered and counted", async () => {
  const receiver = await MockOtlpReceiver.start({ maxBodyBytes: 1 << 20 });
  try {
    const url = `${receiver.url}/v1/traces`;
    const proto = new OtlpEncoder({ serviceName: "p" });
    const json = new OtlpEncoder({ serviceName: "j", format: "json" });
    const spans = makeStandardSpans(4);
    assert.equal(
      (await post(url, proto.encode(spans), { "content-type": "application/x-protobuf" })).status,
      200,
    );
    assert.equal(
      (await post(url, json.encode(spans), { "content-type": "application/json; charset=utf-8" }))
        .status,
      200,
    );
    assert.equal(
      (await post(url, new Uint8Array(gzipSync(proto.encode(spans))), {
        "content-type": "application/x-protobuf",
        "content-encoding": "gzip",
      })).status,
      200,
    );
    const got = await receiver.waitForSpans(12);
    assert.deepEqual(got.map((s) => s.serviceName), [..."pppp", ..."jjjj", ..."pppp"]);
    assert.equal(got[4]?.traceId, spans[0]!.ctx.traceId.toString());

    // A gzip bomb: 64 MiB of zeros inflates past the limit: 400, counted, nothing kept.
    const bomb = new Uint8Array(gzipSync(new Uint8Array(64 << 20)));
    const r1 = await post(url, bomb, {
      "content-type": "application/x-protobuf",
      "content-encoding": "gzip",
    });
    assert.equal(r1.status, 400);
    assert.equal(receiver.malformed, 1);
    assert.match(receiver.lastError!.message, /inflate/);
    // Garbage: 400; wrong type 415; wrong path 404; wrong method 405; too large 413.
    assert.equal((await post(url, "{", { "content-type": "application/json" })).status, 400);
    assert.equal(receiver.malformed, 2);
    assert.equal((await post(url, "x", { "content-type": "text/plain" })).status, 415);
    assert.equal((await post(`${receiver.url}/v1/logs`, "{}", {})).status, 404);
    const get = await fetch(url);
    await get.arrayBuffer();
    assert.equal(get.status, 405);
    assert.equal(
      (await post(url, new Uint8Array(2 << 20), { "content-type": "application/x-protobuf" }))
        .status,
      413,
    );
    assert.equal(receiver.spans.length, 12);
  } finally {
    await receiver.close();
  }
});

Deno.test("MockOtlpReceiver: scripted answers (503 with Retry-After, partial success)", async () => {
  const receiver = await MockOtlpReceiver.start();
  try {
    const url = `${receiver.url}/v1/traces`;
    const proto = new OtlpEncoder({ serviceName: "p" });
    receiver.respondNext({ status: 503, retryAfter: "2" }, { rejectedSpans: 1, errorMessage: "m" });
    const body = proto.encode(makeStandardSpans(2));
    const r1 = await post(url, body, { "content-type": "application/x-protobuf" });
    assert.equal(r1.status, 503);
    assert.equal(r1.retryAfter, "2");
    assert.equal(receiver.spans.length, 0);
    const r2 = await post(url, body, { "content-type": "application/x-protobuf" });
    assert.equal(r2.status, 200);
    // partial_success { rejected_spans: 1, error_message: "m" }
    assert.deepEqual([...r2.body], [0x0a, 0x05, 0x08, 0x01, 0x12, 0x01, 0x6d]);
    assert.equal(receiver.spans.length, 2);
    await assert.rejects(receiver.waitForSpans(3, 50), /2 of 3 spans/);
  } finally {
    await receiver.close();
  }
});
