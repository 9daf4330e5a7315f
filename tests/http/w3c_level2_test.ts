// W3C Trace Context Level 2 (https://www.w3.org/TR/trace-context-2/), tested against the
// specification's text, quoted where each rule is checked:
//
// - trace-flags, "Random Trace ID Flag": "The second least significant bit of the
//   trace-flags field denotes the random-trace-id flag."
// - "If the flag is set in the incoming traceparent header, it MUST also be set in all
//   outgoing traceparent headers which use the same trace-id." / "If the flag is unset in the
//   incoming traceparent header, it MUST also be unset in any outgoing traceparent headers
//   which use the same trace-id."
// - "When at least the right-most 7 bytes of the trace-id are randomly (or pseudo-randomly)
//   generated, the random-trace-id flag SHOULD be set to 1."
// - "Other Flags: The behavior of other flags, such as (00000100) is not defined and is
//   reserved for future use. Vendors MUST set those to zero."
// - parent-id: "This is the ID of this request as known by the caller".
// - tracestate mutations: "vendors MAY also discard duplicate keys that were not generated
//   by them" (the W3C suite's test_tracestate_duplicated_keys keeps the list).

import assert from "node:assert/strict";
import "../../context/mod.ts";
import { formatTraceparent, tracedFetch, TraceHeaderParser, traceLayer } from "../../http/mod.ts";
import { alwaysOn, parentBased, RingBufferTraceCollector } from "../../trace/mod.ts";

const TRACE = "12345678901234567890123456789012";
const PARENT = "1234567890123456";

/** One hop through a service: the outgoing traceparent and tracestate for incoming headers. */
async function hop(
  headers: Record<string, string>,
  sampler = parentBased(alwaysOn()),
): Promise<{ traceparent: string | null; tracestate: string | null }> {
  let out: Headers | undefined;
  const fetchTraced = tracedFetch({
    fetch: (_input, init) => {
      out = new Headers(init?.headers);
      return Promise.resolve(new Response(null, { status: 204 }));
    },
  });
  const handler = traceLayer(async () => {
    await fetchTraced("http://next.test/");
    return new Response("ok");
  }, { collector: new RingBufferTraceCollector(10), parser: new TraceHeaderParser({ sampler }) });
  await (await handler(new Request("http://localhost/", { headers }))).text();
  return {
    traceparent: out?.get("traceparent") ?? null,
    tracestate: out?.get("tracestate") ?? null,
  };
}

const flagsOf = (traceparent: string | null): number => parseInt(traceparent!.slice(53), 16);

Deno.test("the random flag (0x02) is read from traceparent", () => {
  const parser = new TraceHeaderParser();
  const cases: [string, boolean, boolean][] = [
    ["00", false, false],
    ["01", true, false],
    ["02", false, true],
    ["03", true, true],
    ["05", true, false], // 0x04 is reserved: ignored
    ["ff", true, true],
  ];
  for (const [flags, sampled, random] of cases) {
    const ctx = parser.parse({ traceparent: `00-${TRACE}-${PARENT}-${flags}` })!;
    assert.equal(ctx.sampled, sampled, flags);
    assert.equal(ctx.randomTraceId, random, flags);
  }
});

Deno.test("incoming random flag set or unset: the same on every outgoing traceparent", async () => {
  for (const flags of ["00", "01", "02", "03", "ff", "fd"]) {
    const { traceparent } = await hop({ traceparent: `00-${TRACE}-${PARENT}-${flags}` });
    const incoming = parseInt(flags, 16);
    assert.ok(traceparent?.startsWith(`00-${TRACE}-`), `${flags}: ${traceparent}`);
    // "parent-id: the ID of this request as known by the caller": ours, not the caller's.
    assert.notEqual(traceparent!.slice(36, 52), PARENT);
    const out = flagsOf(traceparent);
    assert.equal(out & 2, incoming & 2, `random flag for incoming ${flags}`);
    assert.equal(out & 1, incoming & 1, `sampled flag for incoming ${flags}`);
    assert.equal(out & ~3, 0, `reserved flags are zero for incoming ${flags}`);
  }
});

Deno.test("a trace started here has random ids: the random flag is set", async () => {
  const sampled = await hop({});
  assert.equal(flagsOf(sampled.traceparent), 0x03);
  const unsampled = await hop(
    {},
    parentBased({
      description: "never",
      startsTraces: true,
      shouldSample: () => false,
    }),
  );
  assert.equal(flagsOf(unsampled.traceparent), 0x02);
  // An invalid traceparent restarts the trace (W3C: "the implementation should restart the
  // trace"): new random trace id, random flag set.
  const restarted = await hop({ traceparent: `00-${TRACE}-${PARENT}-0g` });
  assert.ok(!restarted.traceparent?.includes(TRACE));
  assert.equal(flagsOf(restarted.traceparent), 0x03);
});

Deno.test("formatTraceparent writes only the flags it knows", () => {
  const parser = new TraceHeaderParser();
  const ctx = parser.parse({ traceparent: `00-${TRACE}-${PARENT}-ff` })!;
  assert.equal(formatTraceparent(ctx), `00-${TRACE}-${PARENT}-03`);
});

Deno.test("tracestate with duplicated keys: the list is kept, the first entry wins", async () => {
  const traceparent = `00-${TRACE}-${PARENT}-00`;
  const cases: [string, string][] = [
    ["foo=1,foo=1", "foo=1"],
    ["foo=1,foo=2", "foo=1"],
    ["rojo=1,congo=2,rojo=3", "rojo=1,congo=2"],
  ];
  for (const [tracestate, expected] of cases) {
    const out = await hop({ traceparent, tracestate });
    assert.equal(out.tracestate, expected, tracestate);
    assert.ok(out.traceparent?.startsWith(`00-${TRACE}-`));
  }
  // Sent as two header fields (combined by RFC 9110's field order).
  const headers = new Headers({ traceparent });
  headers.append("tracestate", "foo=1");
  headers.append("tracestate", "foo=1");
  assert.equal(new TraceHeaderParser().parse(headers)?.traceState, "foo=1");
});
