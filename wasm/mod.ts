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
 * How it works: JavaScript walks the spans once and writes a compact word stream straight into
 * the module's memory (ids as 32-bit halves, never BigInt; short ASCII strings four characters
 * a store); one call into WASM then writes every byte. Strings and whole tags that repeat from
 * span to span are encoded once and kept in WASM memory (a bounded intern table), so the keys
 * and most values cost no staging at all. The memory grows with the largest batch, never with
 * the number of batches. Three entry points: `encodeSpans` (Jaeger spans, the backend seam),
 * `encodeTraceSpans` and `writeTraceSpans` (our spans directly, without making Jaeger
 * objects: the same bytes as `spanToJaeger` then `"js"`).
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
