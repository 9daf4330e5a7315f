/**
 * The loader of the compact-Thrift encoder module (AssemblyScript, wasm/assembly/encoder.ts),
 * whose bytes are inlined in this package, so it loads with no file access, no `fetch` and no
 * compiler. It knows nothing of Jaeger: it hands the module's exports ({@linkcode EncoderExports},
 * a word-stream ABI) to whoever drives them, the `"wasm"` backend of the Jaeger exporter
 * (`exporters/jaeger/wasm_span_encoder.ts`). The dependency goes one way: the Jaeger exporter
 * imports this folder, never the reverse.
 *
 * The module is compiled lazily and synchronously on first use. Hosts that refuse synchronous
 * compiles can call {@linkcode initWasmSpanEncoder} first. Where WebAssembly is unavailable
 * (or the module fails to load) the backend falls back to the pure-TypeScript `"js"` encoder,
 * and says so once.
 *
 * @module
 */

import { ENCODER_WASM_BASE64 } from "./_encoder_wasm.generated.ts";

/**
 * The exports of the compiled module: its memory, where its own data ends, and the two entry
 * points (see wasm/assembly/encoder.ts for the stage format they read).
 *
 * @example
 * ```ts
 * import { type EncoderExports, loadEncoderModule } from "@spanwire/trace/wasm";
 *
 * const x: EncoderExports | undefined = loadEncoderModule();
 * ```
 */
export interface EncoderExports {
  /**
   * The module's memory (a `WebAssembly.Memory`; JS grows it). Typed structurally so that the
   * declarations need no `WebAssembly` namespace (Node's type library has none without DOM).
   */
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  /** Where the module's own data ends. */
  heapBase(): number;
  /** Encodes `count` staged spans at `stage`, writing their end offsets at `ends`. */
  encode(stage: number, count: number, ends: number, out: number): number;
  /** Encodes one staged tag at `stage` into `out`; returns the end. */
  encodeTag(stage: number, out: number): number;
}

/** How the backend runs now: not loaded yet, on WASM, or fallen back to `"js"`. */
export type WasmSpanEncoderState = "unloaded" | "wasm" | "js-fallback";

let compiled: WebAssembly.Module | undefined;
let exportsOf: EncoderExports | undefined;
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
  exportsOf = instance.exports as unknown as EncoderExports;
}

/** true: loaded; false: on the fallback (now or from now on); undefined: yet to load. */
function settled(): boolean | undefined {
  if (exportsOf !== undefined) return true;
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
    if (exportsOf === undefined) {
      const { exports } = await WebAssembly.instantiate(compiled, {});
      exportsOf ??= exports as unknown as EncoderExports;
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
 * import { loadEncoderModule, wasmSpanEncoderState } from "@spanwire/trace/wasm";
 * import assert from "node:assert/strict";
 *
 * loadEncoderModule(); // what the backend does on first use
 * assert.notEqual(wasmSpanEncoderState(), "unloaded");
 * ```
 */
export function wasmSpanEncoderState(): WasmSpanEncoderState {
  return exportsOf !== undefined ? "wasm" : fallback ? "js-fallback" : "unloaded";
}

/**
 * The size in bytes of the WASM module's memory, or 0 when it is not loaded. It grows with
 * the largest batch encoded and never with the number of batches.
 *
 * @returns The memory size in bytes.
 *
 * @example
 * ```ts
 * import { loadEncoderModule, wasmMemoryBytes } from "@spanwire/trace/wasm";
 * import assert from "node:assert/strict";
 *
 * loadEncoderModule();
 * assert.ok(wasmMemoryBytes() >= 0);
 * ```
 */
export function wasmMemoryBytes(): number {
  return exportsOf?.memory.buffer.byteLength ?? 0;
}

/**
 * The module's exports, loading it synchronously on first call; `undefined` when running on
 * the fallback (WebAssembly missing or refused; said once on the console).
 *
 * @returns The exports, or `undefined`.
 *
 * @example
 * ```ts
 * import { loadEncoderModule } from "@spanwire/trace/wasm";
 * import assert from "node:assert/strict";
 *
 * const x = loadEncoderModule();
 * if (x !== undefined) assert.ok(x.memory.buffer.byteLength > 0);
 * ```
 */
export function loadEncoderModule(): EncoderExports | undefined {
  if (exportsOf !== undefined || ready()) return exportsOf;
  return undefined;
}
