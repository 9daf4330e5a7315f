// OpenTelemetry attribute values to spanwire metadata values. The model holds a string, a
// number (an integer when it is a safe integer, else a float), a bigint or a boolean per key;
// these pass through unchanged. What it cannot hold is recorded as a JSON string: arrays
// (homogeneous or not, as Jaeger's own OTLP translation and OpenTelemetry's Jaeger exporter
// record them), and the `AnyValue` maps of API 1.10; byte arrays become base64 (as OTLP's JSON
// encoding writes bytes). `null` and `undefined` are no value: the attribute is dropped and
// counted, as OpenTelemetry's SDK drops it.

import { base64Of } from "../trace/_base64.ts";
import type { MetadataValue } from "../trace/span.ts";

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return base64Of(value);
  return value;
}

/** The metadata value an attribute value is recorded as, or `undefined` to drop it. */
export function toMetadataValue(value: unknown): MetadataValue | undefined {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "bigint":
      return value;
    case "object": {
      if (value === null) return undefined;
      if (value instanceof Uint8Array) return base64Of(value);
      try {
        return JSON.stringify(value, jsonReplacer);
      } catch {
        // A cycle: still record that there was a value.
        return String(value);
      }
    }
    default:
      return undefined;
  }
}
