// How the "wasm" backend loads: lazily and synchronously on first use; through
// initWasmSpanEncoder() where synchronous compiles are refused; and where WebAssembly is
// missing it falls back to "js" (same bytes) and warns exactly once. Each case runs in its own
// Deno process, since the module's state is per process.

import assert from "node:assert/strict";

const wasmMod = new URL("../../wasm/mod.ts", import.meta.url).href;
const backendMod = new URL("../../exporters/jaeger/wasm_span_encoder.ts", import.meta.url).href;
const jsMod = new URL("../../exporters/jaeger/js_span_encoder.ts", import.meta.url).href;
const convertMod = new URL("../../exporters/jaeger/span_to_jaeger.ts", import.meta.url).href;
const traceMod = new URL("../../trace/mod.ts", import.meta.url).href;

interface Outcome {
  stateBefore: string;
  init: boolean | null;
  state: string;
  same: boolean;
  warnings: string[];
}

/** Runs `setup` (JS source) in a fresh process, then encodes with the backend. */
async function run(setup: string, callInit: boolean): Promise<Outcome> {
  const code = `
    const warnings = [];
    console.warn = (m) => warnings.push(String(m));
    ${setup}
    const w = { ...(await import(${JSON.stringify(wasmMod)})), ...(await import(${
    JSON.stringify(backendMod)
  })) };
    const { jsSpanEncoder } = await import(${JSON.stringify(jsMod)});
    const { spanToJaeger } = await import(${JSON.stringify(convertMod)});
    const { Span } = await import(${JSON.stringify(traceMod)});
    const stateBefore = w.wasmSpanEncoderState();
    const init = ${callInit} ? await w.initWasmSpanEncoder() : null;
    const spans = [{
      traceIdLow: { hi: 1, lo: 2 }, traceIdHigh: -5, spanId: 3n, parentSpanId: 0,
      operationName: "op \\ud800 é", flags: 1, startTime: 1700000000000000, duration: 9,
      tags: [{ key: "k", vType: 0, vStr: "v" }, { key: "d", vType: 1, vDouble: NaN }],
    }];
    let same = true;
    for (let i = 0; i < 3; i++) {
      const a = w.wasmSpanEncoder.encodeSpans(spans).bytes.slice();
      const b = jsSpanEncoder.encodeSpans(spans).bytes;
      same &&= a.length === b.length && a.every((x, j) => x === b[j]);
      const span = Span.root("direct \udc00").setMetadata("n", 200).ok();
      span.start = 1000.5;
      span.end = 2000;
      const c = w.wasmSpanEncoder.encodeTraceSpans([span]).bytes.slice();
      const d = jsSpanEncoder.encodeSpans([spanToJaeger(span)]).bytes;
      same &&= c.length === d.length && c.every((x, j) => x === d[j]);
      // writeTraceSpans skips a span that cannot be encoded and reports it
      const bad = Span.root("bad");
      bad.start = 2 ** 64;
      const errors = [];
      const starts = [], ends = [], which = [];
      const out = w.wasmSpanEncoder.writeTraceSpans(
        [span, bad, span], 0, 3, starts, ends, which, (e) => errors.push(e),
      );
      same &&= out.written === 2 && errors.length === 1 && which.join() === "0,2" &&
        out.bytes.subarray(starts[1], ends[1]).every((x, j) => x === d[j]);
    }
    console.log(JSON.stringify({ stateBefore, init, state: w.wasmSpanEncoderState(), same, warnings }));
  `;
  const { code: exit, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=js", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(exit, 0, new TextDecoder().decode(stderr));
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

Deno.test("wasm loading: lazily and synchronously on first use", async () => {
  const o = await run("", false);
  assert.equal(o.stateBefore, "unloaded");
  assert.equal(o.state, "wasm");
  assert.ok(o.same);
  assert.deepEqual(o.warnings, []);
});

Deno.test("wasm loading: initWasmSpanEncoder() where synchronous compiles are refused", async () => {
  const refuse = `
    const Real = WebAssembly.Module;
    WebAssembly.Module = function () { throw new RangeError("synchronous compile refused"); };
    WebAssembly.Module.prototype = Real.prototype;
  `;
  const withInit = await run(refuse, true);
  assert.equal(withInit.init, true);
  assert.equal(withInit.state, "wasm");
  assert.ok(withInit.same);
  assert.deepEqual(withInit.warnings, []);

  const withoutInit = await run(refuse, false);
  assert.equal(withoutInit.state, "js-fallback");
  assert.ok(withoutInit.same, "the fallback writes the js bytes");
  assert.equal(withoutInit.warnings.length, 1, "it says so once");
  assert.match(withoutInit.warnings[0]!, /falls back to "js".*initWasmSpanEncoder/);
});

Deno.test("wasm loading: without WebAssembly it falls back to js and says so once", async () => {
  const o = await run("delete globalThis.WebAssembly;", true);
  assert.equal(o.init, false);
  assert.equal(o.state, "js-fallback");
  assert.ok(o.same);
  assert.equal(o.warnings.length, 1);
  assert.match(o.warnings[0]!, /WebAssembly is not available/);
});
