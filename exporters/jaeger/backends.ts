/**
 * The registry of span encoder backends by name: `"js"` (pure TypeScript, the reference) and
 * `"wasm"` (the AssemblyScript module, which falls back to `"js"` by itself where WebAssembly
 * is unavailable). {@linkcode resolveBackend} turns a `backend` option into a
 * {@linkcode SpanEncoderBackend}.
 *
 * @module
 */

import { jsSpanEncoder } from "./js_span_encoder.ts";
import type { SpanEncoderBackend } from "./span_encoder_backend.ts";
import { wasmSpanEncoder } from "./wasm_span_encoder.ts";

/**
 * The names of the built-in backends.
 *
 * @example
 * ```ts
 * import type { BackendName } from "@spanwire/trace/exporters/jaeger";
 *
 * const name: BackendName = "js";
 * ```
 */
export type BackendName = "js" | "wasm";

/** The built-in backends, by name. A new backend is one line here. */
const registry: Record<BackendName, SpanEncoderBackend> = {
  js: jsSpanEncoder,
  wasm: wasmSpanEncoder,
};

/**
 * The default backend: `"js"`, on every runtime. It is the one measured faster where it counts,
 * inside the whole pipeline (`bench/pipeline_bench.ts` and `bench/pipeline_bench_node.mjs`):
 * under Node 20, 2.91-3.14 against 3.48-3.89 µs a span for `"wasm"` in three runs; under Deno the
 * two are even (3.66 and 3.68) and `"js"` saves the module's compile; browsers refuse synchronous
 * compiles of modules over 4 KB on the main thread. The encoders alone, on warm spans, favour
 * `"wasm"` in Node (the README's encoder micro-benchmark); freshly recorded spans do not.
 *
 * @returns The default backend's name.
 *
 * @example
 * ```ts
 * import { defaultBackendName } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * assert.equal(defaultBackendName(), "js");
 * ```
 */
export function defaultBackendName(): BackendName {
  return "js";
}

/**
 * Turns a backend option into a backend: a built-in name (`"js"`, `"wasm"`), a backend object
 * (used as is), or `undefined` (the runtime's default, {@linkcode defaultBackendName}).
 *
 * @param backend The option.
 * @returns The backend.
 * @throws {TypeError} For an unknown name or something that is not a backend.
 *
 * @example
 * ```ts
 * import { jsSpanEncoder, resolveBackend } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * assert.equal(resolveBackend(undefined), jsSpanEncoder); // under Deno
 * assert.equal(resolveBackend("wasm").name, "wasm");
 * assert.throws(() => resolveBackend("rust" as "js"), TypeError);
 * ```
 */
export function resolveBackend(
  backend: BackendName | SpanEncoderBackend | undefined,
): SpanEncoderBackend {
  if (backend === undefined) return registry[defaultBackendName()];
  if (typeof backend === "string") {
    const found = Object.hasOwn(registry, backend) ? registry[backend] : undefined;
    if (found === undefined) {
      throw new TypeError(
        `Cannot use span encoder backend ${JSON.stringify(backend)}: the backends are ${
          Object.keys(registry).map((k) => JSON.stringify(k)).join(", ")
        } or a SpanEncoderBackend object`,
      );
    }
    return found;
  }
  if (
    backend === null || typeof backend !== "object" ||
    typeof (backend as SpanEncoderBackend).encodeSpans !== "function"
  ) {
    throw new TypeError(
      `Cannot use span encoder backend: ${String(backend)} has no encodeSpans method`,
    );
  }
  return backend;
}

/**
 * The names of the built-in backends, in registry order.
 *
 * @returns The names.
 *
 * @example
 * ```ts
 * import { backendNames } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * assert.ok(backendNames().includes("js"));
 * ```
 */
export function backendNames(): BackendName[] {
  return Object.keys(registry) as BackendName[];
}
