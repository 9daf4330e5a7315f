/**
 * The WASM encoder backend (`"wasm"`): the compact-Thrift span encoding of the Jaeger exporter
 * run by an AssemblyScript module (wasm/assembly/encoder.ts) whose bytes are inlined in this
 * package, so it loads with no file access, no `fetch` and no compiler.
 *
 * The module is compiled lazily and synchronously on first use. Hosts that refuse synchronous
 * compiles can call {@linkcode initWasmSpanEncoder} first. Where WebAssembly is unavailable
 * (or the module fails to load) the backend falls back to the pure-TypeScript `"js"` encoder,
 * and says so once.
 *
 * @module
 */

import { jsSpanEncoder } from "../exporters/jaeger/js_span_encoder.ts";
import { spanToJaeger } from "../exporters/jaeger/span_to_jaeger.ts";
import type { EncodedSpans, SpanEncoderBackend } from "../exporters/jaeger/span_encoder_backend.ts";
import type { JaegerSpan } from "../exporters/jaeger/thrift_model.ts";
import {
  encodeTraceSpan as encodeTraceSpanJs,
  type WriteSpans,
  writeSpans,
} from "../exporters/jaeger/_span_writer.ts";
import type { Span } from "../trace/span.ts";
import { ENCODER_WASM_BASE64 } from "./_encoder_wasm.generated.ts";
import {
  createWasmEncoderCore,
  type EncoderExports,
  type WasmEncoderCore,
} from "./_wasm_encoder_core.ts";

/** How the backend runs now: not loaded yet, on WASM, or fallen back to `"js"`. */
export type WasmSpanEncoderState = "unloaded" | "wasm" | "js-fallback";

let compiled: WebAssembly.Module | undefined;
let core: WasmEncoderCore | undefined;
let fallback = false;
let warned = false;

function wasmBytes(): Uint8Array {
  const s = atob(ENCODER_WASM_BASE64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

function hasWebAssembly(): boolean {
  return typeof WebAssembly === "object" && WebAssembly !== null &&
    typeof WebAssembly.Module === "function";
}

function fallBack(reason: string): void {
  fallback = true;
  if (warned) return;
  warned = true;
  try {
    console.warn(`spanwire: the "wasm" span encoder falls back to "js": ${reason}`);
  } catch {
    // a broken console must not break the caller
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function instantiate(module: WebAssembly.Module): void {
  const instance = new WebAssembly.Instance(module, {});
  core = createWasmEncoderCore(instance.exports as unknown as EncoderExports);
}

/** true: loaded; false: on the fallback (now or from now on); undefined: yet to load. */
function settled(): boolean | undefined {
  if (core !== undefined) return true;
  if (fallback) return false;
  if (!hasWebAssembly()) {
    fallBack("WebAssembly is not available in this runtime");
    return false;
  }
  return undefined;
}

/** Loads the module synchronously if not done; false when running on the fallback. */
function ready(): boolean {
  const done = settled();
  if (done !== undefined) return done;
  try {
    compiled ??= new WebAssembly.Module(wasmBytes() as BufferSource);
    instantiate(compiled);
    return true;
  } catch (e) {
    fallBack(
      `cannot load the module synchronously (${describe(e)}); ` +
        "call initWasmSpanEncoder() first on hosts that refuse synchronous compiles",
    );
    return false;
  }
}

/**
 * Compiles and instantiates the WASM module asynchronously, for hosts that refuse synchronous
 * compiles (such as a browser's main thread for large modules). Optional elsewhere: the
 * backend loads itself on first use. Never rejects.
 *
 * @returns `true` when the backend runs on WASM, `false` when it falls back to `"js"`.
 *
 * @example
 * ```ts
 * import { initWasmSpanEncoder, wasmSpanEncoderState } from "@spanwire/trace/wasm";
 * import assert from "node:assert/strict";
 *
 * const onWasm = await initWasmSpanEncoder();
 * assert.equal(wasmSpanEncoderState(), onWasm ? "wasm" : "js-fallback");
 * ```
 */
export async function initWasmSpanEncoder(): Promise<boolean> {
  const done = settled();
  if (done !== undefined) return done;
  try {
    compiled ??= await WebAssembly.compile(wasmBytes() as BufferSource);
    if (core === undefined) {
      const { exports } = await WebAssembly.instantiate(compiled, {});
      core ??= createWasmEncoderCore(exports as unknown as EncoderExports);
    }
    return true;
  } catch (e) {
    fallBack(`cannot load the module (${describe(e)})`);
    return false;
  }
}

/**
 * Whether the `"wasm"` backend has loaded its module, runs on it, or fell back to `"js"`.
 *
 * @returns The state.
 *
 * @example
 * ```ts
 * import { wasmSpanEncoder, wasmSpanEncoderState } from "@spanwire/trace/wasm";
 * import assert from "node:assert/strict";
 *
 * wasmSpanEncoder.encodeSpans([]); // loads the module on first use
 * assert.notEqual(wasmSpanEncoderState(), "unloaded");
 * ```
 */
export function wasmSpanEncoderState(): WasmSpanEncoderState {
  return core !== undefined ? "wasm" : fallback ? "js-fallback" : "unloaded";
}

/**
 * The size in bytes of the WASM module's memory, or 0 when it is not loaded. It grows with
 * the largest batch encoded and never with the number of batches.
 *
 * @returns The memory size in bytes.
 *
 * @example
 * ```ts
 * import { wasmMemoryBytes, wasmSpanEncoder } from "@spanwire/trace/wasm";
 * import assert from "node:assert/strict";
 *
 * wasmSpanEncoder.encodeSpans([]);
 * assert.ok(wasmMemoryBytes() >= 0);
 * ```
 */
export function wasmMemoryBytes(): number {
  return core?.memoryBytes() ?? 0;
}

function encodeSpans(spans: readonly JaegerSpan[]): EncodedSpans {
  if (core !== undefined || ready()) return core!.encodeSpans(spans);
  return jsSpanEncoder.encodeSpans(spans);
}

const writeTraceSpans: WriteSpans = (spans, from, to, starts, ends, which, onError) => {
  if (core !== undefined || ready()) {
    return core!.writeTraceSpans(spans, from, to, starts, ends, which, onError);
  }
  return writeSpans(spans, from, to, starts, ends, which, onError); // the "js" fused writer
};

function encodeTraceSpan(span: Span): Uint8Array {
  if (core !== undefined || ready()) return core!.encodeTraceSpan(span);
  return encodeTraceSpanJs(span); // the "js" fused writer
}

function encodeTraceSpans(spans: readonly Span[]): EncodedSpans {
  if (core !== undefined || ready()) return core!.encodeTraceSpans(spans);
  return jsSpanEncoder.encodeSpans(spans.map(spanToJaeger));
}

/**
 * A {@linkcode SpanEncoderBackend} that also encodes our finished {@linkcode Span}s directly,
 * without making the Jaeger objects first.
 *
 * @example
 * ```ts
 * import { type WasmSpanEncoderBackend, wasmSpanEncoder } from "@spanwire/trace/wasm";
 *
 * const backend: WasmSpanEncoderBackend = wasmSpanEncoder;
 * ```
 */
export interface WasmSpanEncoderBackend extends SpanEncoderBackend {
  /**
   * One span straight to its bytes (the pipeline's fast path; see
   * {@linkcode SpanEncoderBackend.encodeTraceSpan}).
   *
   * @param span A finished span.
   * @returns Its bytes, a view of the WASM memory valid until the next call.
   */
  encodeTraceSpan(span: Span): Uint8Array;
  /**
   * Encodes finished spans: the same bytes as `encodeSpans(spans.map(spanToJaeger))` (IOx's
   * mapping, see `spanToJaeger`), but without making the Jaeger spans, which is most of the
   * cost of that path. Throws where that path throws (a time beyond the i64 range).
   *
   * @param spans Finished spans.
   * @returns Their bytes and end offsets, a view valid until the next call.
   */
  encodeTraceSpans(spans: readonly Span[]): EncodedSpans;
  /**
   * Encodes `spans[from..to)` (the batch encoder's chunked fast path): the `written` spans it
   * could encode go into one byte view, span `k` being `bytes[starts[k]..ends[k])` from
   * `spans[which[k]]`; a span that cannot be encoded (a time beyond the i64 range) goes to
   * `onError` and is skipped. The bytes are those of `spanToJaeger` then `"js"`; the view is
   * valid until the next call.
   *
   * @param spans Finished spans.
   * @param from The first index.
   * @param to The index past the last.
   * @param starts Filled with each written span's start offset.
   * @param ends Filled with each written span's end offset.
   * @param which Filled with each written span's index in `spans`.
   * @param onError Called with the error of each span skipped.
   * @returns The bytes and how many spans were written.
   */
  writeTraceSpans(
    spans: readonly Span[],
    from: number,
    to: number,
    starts: number[],
    ends: number[],
    which: number[],
    onError: (error: unknown) => void,
  ): { bytes: Uint8Array; written: number };
}

/**
 * The WASM {@linkcode SpanEncoderBackend} (name `"wasm"`): byte for byte the output of the
 * `"js"` backend (and so of Apache Thrift), one crossing into WASM a batch. Its result is a
 * view into the WASM memory: valid until its next call (copy what you keep). Like `"js"`, it
 * throws a `RangeError` when an i64 `number` is not an integer in [-2^63, 2^63).
 *
 * Besides Jaeger spans ({@linkcode SpanEncoderBackend.encodeSpans}), it encodes our spans
 * directly ({@linkcode WasmSpanEncoderBackend.encodeTraceSpans}), which skips the conversion.
 *
 * @example
 * ```ts
 * import { wasmSpanEncoder } from "@spanwire/trace/wasm";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const encoded = wasmSpanEncoder.encodeSpans([{
 *   traceIdLow: { hi: 0, lo: 1 }, traceIdHigh: 0, spanId: { hi: 0xdeadbeef, lo: 2 },
 *   parentSpanId: 0, operationName: "GET /", flags: 1, startTime: 1_700_000_000_000_000,
 *   duration: 250,
 * }]);
 * assert.equal(encoded.ends.length, 1);
 * assert.equal(encoded.ends[0], encoded.bytes.length);
 * assert.equal(encoded.bytes.at(-1), 0); // the struct's stop byte
 *
 * const span = Span.root("GET /").setMetadata("http.status_code", 200).ok();
 * const direct = wasmSpanEncoder.encodeTraceSpans([span]);
 * assert.equal(direct.ends.length, 1);
 * ```
 */
export const wasmSpanEncoder: WasmSpanEncoderBackend = {
  name: "wasm",
  encodeSpans,
  encodeTraceSpans,
  writeTraceSpans,
  encodeTraceSpan,
};
