// The OpenTelemetry SDK's "tracing suppressed" context key: `suppressTracing` and
// `isTracingSuppressed` of `@opentelemetry/core` set and read it. `createContextKey` is
// `Symbol.for(description)`, so the key is the same symbol across copies of the API (checked in
// @opentelemetry/api 1.10.0 and @opentelemetry/core 3.1.0).

import { type Context, createContextKey } from "@opentelemetry/api";

/** The key whose value `true` marks a context where tracing is suppressed. */
export const SUPPRESS_TRACING_KEY: symbol = createContextKey(
  "OpenTelemetry SDK Context Key SUPPRESS_TRACING",
);

/** Whether `context` suppresses tracing (as `isTracingSuppressed` of `@opentelemetry/core`). */
export function isSuppressed(context: Context): boolean {
  return context.getValue(SUPPRESS_TRACING_KEY) === true;
}
