/**
 * The WASM module of the Jaeger exporter's hot path: compact-Thrift encoding in an
 * AssemblyScript module (wasm/assembly/encoder.ts) whose bytes are inlined (no file access, no
 * `fetch`, no compiler at run time), and its loader. This entry point knows nothing of Jaeger:
 * the `"wasm"` span encoder backend that drives the module, `wasmSpanEncoder`, is exported by
 * `@spanwire/trace/exporters/jaeger` (`new BatchEncoder({ ..., backend: "wasm" })` selects it).
 * It writes exactly the bytes of the pure-TypeScript `"js"` backend, and falls back to it
 * (saying so once) where WebAssembly is unavailable.
 *
 * {@linkcode initWasmSpanEncoder} loads the module asynchronously, for hosts that refuse
 * synchronous WebAssembly compiles; {@linkcode wasmSpanEncoderState} and
 * {@linkcode wasmMemoryBytes} tell how it runs.
 *
 * How the backend uses it: JavaScript walks the spans once and writes a compact word stream
 * straight into the module's memory (ids as 32-bit halves, never BigInt; short ASCII strings
 * four characters a store); one call into WASM then writes every byte. Strings and whole tags
 * that repeat from span to span are encoded once and kept in WASM memory (a bounded intern
 * table), so the keys and most values cost no staging at all. The memory grows with the largest
 * batch, never with the number of batches.
 *
 * @example
 * ```ts
 * import { initWasmSpanEncoder, wasmSpanEncoderState } from "@spanwire/trace/wasm";
 * import { wasmSpanEncoder } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * await initWasmSpanEncoder(); // optional: the module otherwise loads on first use
 * const { bytes, ends } = wasmSpanEncoder.encodeSpans([{
 *   traceIdLow: 1, traceIdHigh: 0, spanId: 2, parentSpanId: 0, operationName: "GET /",
 *   flags: 1, startTime: 1_700_000_000_000_000, duration: 250,
 * }]);
 * assert.equal(ends[0], bytes.length);
 * assert.notEqual(wasmSpanEncoderState(), "unloaded");
 * ```
 *
 * @module
 */

export {
  type EncoderExports,
  initWasmSpanEncoder,
  loadEncoderModule,
  wasmMemoryBytes,
  type WasmSpanEncoderState,
  wasmSpanEncoderState,
} from "./encoder_module.ts";
