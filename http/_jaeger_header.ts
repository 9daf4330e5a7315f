// The Jaeger `uber-trace-id` value, `{trace-id}:{span-id}:{parent-span-id}:{flags}`, read with
// IOx's rules: hex of either case and any length up to the id's width, trace and span ids of 0
// are errors, a parent of 0 means none, sampled = flags & 1, and `%3A` (or `%3a`) accepted for
// ":" as Jaeger clients send it URL-encoded.

import {
  type ContextFields,
  optionalSpanIdField,
  show,
  spanIdField,
  traceIdField,
} from "./_ids.ts";
import { TraceContextError } from "./trace_context_error.ts";

const ANY_CASE = { lowerCase: false } as const;
const ENCODED_COLON = /%3a/gi;

/**
 * Parses a Jaeger trace context value.
 *
 * @param value The header value (trimmed, non-empty).
 * @param header The header's name, for errors.
 * @returns The fields.
 * @throws {TraceContextError} When the value is malformed.
 */
export function parseJaegerTraceContext(value: string, header: string): ContextFields {
  const text = value.includes("%") ? value.replace(ENCODED_COLON, ":") : value;
  const a = text.indexOf(":");
  const b = a < 0 ? -1 : text.indexOf(":", a + 1);
  const c = b < 0 ? -1 : text.indexOf(":", b + 1);
  if (c < 0 || text.indexOf(":", c + 1) >= 0) {
    const fields = text.split(":").length;
    throw new TraceContextError(
      header,
      value,
      `expected "trace-id:span-id:parent-span-id:flags", found ${fields} field${
        fields === 1 ? "" : "s"
      }`,
    );
  }
  const traceId = traceIdField(text, ANY_CASE, header, value, "trace id", 0, a);
  const spanId = spanIdField(text, ANY_CASE, header, value, "span id", a + 1, b);
  const parentSpanId = optionalSpanIdField(
    text,
    ANY_CASE,
    header,
    value,
    "parent span id",
    b + 1,
    c,
  );
  // Flags: a hexadecimal byte (any number of leading zeros).
  let flagBits = c + 1 < text.length ? 0 : -1;
  for (let i = c + 1; i < text.length && flagBits >= 0; i++) {
    const code = text.charCodeAt(i);
    const digit = code >= 48 && code <= 57
      ? code - 48
      : code >= 97 && code <= 102
      ? code - 87
      : code >= 65 && code <= 70
      ? code - 55
      : -1;
    flagBits = digit < 0 || flagBits > 0xf ? -1 : flagBits * 16 + digit;
  }
  if (flagBits < 0) {
    throw new TraceContextError(
      header,
      value,
      `flags ${show(text.slice(c + 1))} are not a hexadecimal byte`,
    );
  }
  return { traceId, spanId, parentSpanId, sampled: (flagBits & 1) === 1 };
}
