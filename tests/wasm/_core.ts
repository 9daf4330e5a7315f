// A fresh instance of the WASM encoder (its own memory and intern table), for tests that look
// at memory and interning without sharing the backend's singleton.

import { ENCODER_WASM_BASE64 } from "../../wasm/_encoder_wasm.generated.ts";
import {
  createWasmEncoderCore,
  type WasmEncoderCore,
} from "../../exporters/jaeger/_wasm_encoder_core.ts";
import type { EncoderExports } from "../../wasm/encoder_module.ts";

const bytes = Uint8Array.from(atob(ENCODER_WASM_BASE64), (c) => c.charCodeAt(0));
const module = new WebAssembly.Module(bytes);

/** A new encoder over a new instance of the module. */
export function newCore(): WasmEncoderCore {
  const instance = new WebAssembly.Instance(module, {});
  return createWasmEncoderCore(instance.exports as unknown as EncoderExports);
}
