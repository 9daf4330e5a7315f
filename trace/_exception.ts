// The `exception` event of OpenTelemetry's semantic conventions: one reading of a thrown value,
// for `SpanRecorder.recordException` and the OpenTelemetry API's `Span.recordException`
// (./otel), as OpenTelemetry's JS SDK reads it:
//
// - a string is the message (no type);
// - an object (an `Error` or the API's `Exception` shape): `exception.type` is its `code` when it
//   has one (a Node system error's "ECONNRESET"), else its `name`; `exception.message` its
//   `message`; `exception.stacktrace` its `stack`, cut to 4096 characters;
// - anything else, or an object with neither type nor message: the value's type ("number",
//   "null", "object", ...) and `String(value)`.

import type { MetadataValue } from "./span.ts";

/** The event's name. */
export const EXCEPTION_EVENT = "exception";

const MAX_STACK_CHARS = 4096;

/** The event's details, and the message to keep with an error status. */
export function exceptionDetails(
  error: unknown,
): { details: Map<string, MetadataValue>; message: string } {
  const details = new Map<string, MetadataValue>();
  if (typeof error === "string") {
    details.set("exception.message", error);
    return { details, message: error };
  }
  if (error !== null && typeof error === "object") {
    const { code, name, message, stack } = error as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      stack?: unknown;
    };
    if (typeof code === "string" || typeof code === "number") {
      details.set("exception.type", String(code));
    } else if (typeof name === "string") details.set("exception.type", name);
    if (typeof message === "string") details.set("exception.message", message);
    if (typeof stack === "string" && stack.length > 0) {
      details.set(
        "exception.stacktrace",
        stack.length > MAX_STACK_CHARS ? stack.slice(0, MAX_STACK_CHARS) : stack,
      );
    }
    if (details.has("exception.type") || details.has("exception.message")) {
      const text = details.get("exception.message") ?? details.get("exception.type");
      return { details, message: String(text) };
    }
  }
  const text = String(error);
  details.set("exception.type", error === null ? "null" : typeof error);
  details.set("exception.message", text);
  return { details, message: text };
}
