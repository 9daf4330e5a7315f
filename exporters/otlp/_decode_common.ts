// Pieces shared by the protobuf and JSON decoders: limits, safe attribute maps, the flat span
// list.

import type { OtlpAttributes, OtlpTraces, OtlpValue } from "./otlp_model.ts";

/** How deep `AnyValue`s may nest (arrays and key-value lists inside each other). */
export const MAX_VALUE_DEPTH = 32;

/** Sets an attribute safely (a key `__proto__` is an own property, not the prototype). */
export function setAttribute(target: OtlpAttributes, key: string, value: OtlpValue): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/** Fills in `serviceName` and the flat `spans` list. */
export function flatten(traces: OtlpTraces): OtlpTraces {
  for (const rs of traces.resourceSpans) {
    const name = rs.resource.attributes["service.name"];
    const serviceName = typeof name === "string" ? name : undefined;
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        span.serviceName = serviceName;
        span.resource = rs.resource;
        span.scope = ss.scope;
        traces.spans.push(span);
      }
    }
  }
  return traces;
}

const HEX_DIGITS = "0123456789abcdef";

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out += HEX_DIGITS[b >>> 4]! + HEX_DIGITS[b & 15]!;
  }
  return out;
}
