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
const FLAGS = /^[0-9a-fA-F]+$/;
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
  const traceId = traceIdField(text.slice(0, a), ANY_CASE, header, value);
  const spanId = spanIdField(text.slice(a + 1, b), ANY_CASE, header, value);
  const parentSpanId = optionalSpanIdField(
    text.slice(b + 1, c),
    ANY_CASE,
    header,
    value,
    "parent span id",
  );
  const flags = text.slice(c + 1);
  const flagBits = FLAGS.test(flags) ? parseInt(flags, 16) : NaN;
  if (!(flagBits <= 0xff)) {
    throw new TraceContextError(header, value, `flags ${show(flags)} are not a hexadecimal byte`);
  }
  return { traceId, spanId, parentSpanId, sampled: (flagBits & 1) === 1 };
}
