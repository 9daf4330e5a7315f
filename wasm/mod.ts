/**
 * The WASM hot path of the Jaeger exporter: the `"wasm"` span encoder backend, compact-Thrift
 * span encoding in an AssemblyScript module whose bytes are inlined (no file access, no
 * `fetch`, no compiler at run time). It writes exactly the bytes of the pure-TypeScript `"js"`
 * backend, and falls back to it (saying so once) where WebAssembly is unavailable.
 *
 * `new BatchEncoder({ ..., backend: "wasm" })` selects it; this module offers the backend
 * itself and an async {@linkcode initWasmSpanEncoder} for hosts that refuse synchronous
 * WebAssembly compiles.
 *
 * @example
 * ```ts
 * import { initWasmSpanEncoder, wasmSpanEncoder } from "@spanwire/trace/wasm";
 * import assert from "node:assert/strict";
 *
 * await initWasmSpanEncoder(); // optional: the module otherwise loads on first use
 * const { bytes, ends } = wasmSpanEncoder.encodeSpans([{
 *   traceIdLow: 1, traceIdHigh: 0, spanId: 2, parentSpanId: 0, operationName: "GET /",
 *   flags: 1, startTime: 1_700_000_000_000_000, duration: 250,
 * }]);
 * assert.equal(ends[0], bytes.length);
 * ```
 *
 * @module
 */

export {
  initWasmSpanEncoder,
  wasmMemoryBytes,
  wasmSpanEncoder,
  type WasmSpanEncoderBackend,
  type WasmSpanEncoderState,
  wasmSpanEncoderState,
} from "./wasm_span_encoder.ts";
