// Every SpanEncoderBackend the conformance tests run. Other backends (the WASM one) append
// themselves here.

import type { SpanEncoderBackend } from "../../../exporters/jaeger/span_encoder_backend.ts";
import { jsSpanEncoder } from "../../../exporters/jaeger/js_span_encoder.ts";
import { wasmSpanEncoder } from "../../../exporters/jaeger/wasm_span_encoder.ts";

/** The backends under test. */
export const backends: SpanEncoderBackend[] = [jsSpanEncoder, wasmSpanEncoder];
