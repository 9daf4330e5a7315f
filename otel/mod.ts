/**
 * OpenTelemetry API support: code instrumented with `@opentelemetry/api` (libraries,
 * frameworks, `@opentelemetry/instrumentation-*`) records spanwire spans, which go to
 * spanwire's collectors and exporters (Jaeger, OTLP) like any other.
 *
 * - {@linkcode SpanwireTracerProvider} / {@linkcode SpanwireTracer}: the API's
 *   `TracerProvider` and `Tracer` (`startSpan`, `startActiveSpan` with all its overloads); the
 *   spans they hand out implement the API's `Span`.
 * - {@linkcode SpanwireContextManager}: the API's `ContextManager`, whose active context is
 *   spanwire's current context (`@spanwire/trace/context`): one storage, so
 *   `currentSpanContext()` and `trace.getActiveSpan()` always agree.
 * - {@linkcode SpanwirePropagator}: the API's `TextMapPropagator` for W3C, Jaeger and B3,
 *   with spanwire's header parser and formatters.
 * - {@linkcode register}: installs all three as the process's globals.
 *
 * `@opentelemetry/api` (1.x, at least 1.10) is an optional peer dependency: only this entry
 * point imports it. Importing this entry point also imports `@spanwire/trace/context`, which
 * installs the `AsyncLocalStorage` context storage (`node:async_hooks`: Deno, Node, Bun).
 *
 * ## How the API maps onto the span model
 *
 * | OpenTelemetry | spanwire |
 * | --- | --- |
 * | trace id, span id (hex) | `TraceId`, `SpanId`: an id is valid as the API's `isSpanContextValid` decides (32 / 16 hex digits in either case, not all zero), read in one pass by the model's hex decoder; formatted by the model (lower case) |
 * | parent: the span in the given or active context (none with `root: true`) | `parentSpanId`; the child keeps the parent's trace id, `sampled` and trace state |
 * | `traceFlags` sampled bit (0x01) | `sampled`; an unsampled span is not recording and never exported |
 * | `traceFlags` random bit (0x02, W3C Level 2) | `randomTraceId`: carried from an incoming context to its children and outgoing requests; not set on traces the API starts (as OpenTelemetry's SDK, so a sampled span's `traceFlags` is 1) |
 * | `traceState` (`TraceState`) | `traceState` (its serialized string), carried to children and outgoing `tracestate` |
 * | sampling | the provider's `sampler` (spanwire's `Sampler`, default `parentBased(alwaysOn())` as OpenTelemetry's), asked per span with the parent's decision |
 * | `kind` (`SpanKind.INTERNAL` ... `CONSUMER`) | `kind` `"internal"`, `"server"`, `"client"`, `"producer"`, `"consumer"`; which the Jaeger mapping writes, other than internal, as the `span.kind` tag (as for `traceLayer` and `tracedFetch`), and OTLP as its kind field |
 * | `setAttribute`, `setAttributes`, `attributes` at start | `metadata`: string, boolean, number, bigint as they are |
 * | array attributes, `AnyValue` maps | `metadata` as a JSON string (`["a","b"]`): the model holds one scalar per key |
 * | byte arrays (`Uint8Array`) | `metadata` as a base64 string |
 * | `null` / `undefined` values, empty keys | dropped and counted (below) |
 * | `addEvent(name, attributes?, time?)` | an event: `message` = name, `metadata` from the attributes |
 * | `recordException(e, time?)` | an event `exception` with `exception.type` (`code`, else `name`), `exception.message`, `exception.stacktrace` (cut to 4096 characters), read as `SpanRecorder.recordException` reads it; as the SDK, the status is left alone |
 * | `addLink`, `addLinks`, `links` at start | `ctx.links` (Jaeger FOLLOWS_FROM); link attributes cannot be held: counted (below) |
 * | `setStatus` OK / ERROR (message) / UNSET | `status` `"ok"` / `"error"` with `statusMessage` / unchanged; OK is final, ERROR may be set again or turned OK (the API's rules, not the model's "first wins") |
 * | `updateName` | `name` |
 * | `startTime`, `end(time)`: `TimeInput` | `start`, `end` in microseconds since the epoch: `HrTime` `[s, ns]` (nanoseconds past the microsecond kept as a fraction), `Date`, epoch milliseconds, or `performance.now()` milliseconds (a number not past `performance.now()`, the SDK's rule); anything else is now; an end before the start is the start |
 * | tracer name and version (instrumentation scope) | not recorded by default (the model has no scope); with `recordScope: true`, the `metadata` `otel.scope.name`, `otel.scope.version`, as OpenTelemetry specifies for Jaeger; the schema URL is never kept |
 * | dropped counts | `metadata` `otel.dropped_attributes_count`, `otel.dropped_links_count`, `otel.dropped_link_attributes_count`, set at `end()` only when not zero (nothing else is ever dropped: the model has no limits) |
 * | resource (service name, ...) | the exporter's process (`serviceName`, tags), as for every spanwire span |
 * | `end()` | exports the span to the provider's collector, once; a second `end()` is ignored with a rate-limited warning |
 *
 * Spans made by spanwire itself that are current (the server span inside `traceLayer` or
 * `traceNodeListener`) are seen by `trace.getActiveSpan()` as a span over their recorder:
 * attributes, events, status and names set through it land on the server span; its `end()`
 * is left to the layer.
 *
 * Suppressed tracing is one notion in both APIs: inside spanwire's `withTracingSuppressed`,
 * `context.active()` carries the SDK's `SUPPRESS_TRACING` key (`isTracingSuppressed` of
 * `@opentelemetry/core` is `true`), and a context made with `suppressTracing`, entered with
 * `context.with`, is a suppressed spanwire frame. There the tracer hands out non-recording
 * spans and the propagator injects nothing (as the SDK's), and `tracedFetch` makes no span.
 * spanwire's OTLP exporter sends its requests that way, so `@opentelemetry/instrumentation-http`
 * does not trace the export of spans (a feedback loop otherwise).
 *
 * @example Instrumented code that knows only the OpenTelemetry API
 * ```ts
 * import { register } from "@spanwire/trace/otel";
 * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
 * import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
 * import assert from "node:assert/strict";
 *
 * const collector = new RingBufferTraceCollector(10);
 * const registration = register({ collector });
 *
 * // A library's code:
 * const tracer = trace.getTracer("my-db", "2.0.0");
 * await tracer.startActiveSpan("SELECT", { kind: SpanKind.CLIENT }, async (span) => {
 *   span.setAttribute("db.statement", "SELECT 1");
 *   span.setAttribute("db.hosts", ["a", "b"]);
 *   span.addEvent("connected", { pool: 3 });
 *   span.setStatus({ code: SpanStatusCode.OK });
 *   span.end();
 * });
 *
 * registration.unregister();
 * const [span] = collector.spans();
 * assert.equal(span?.name, "SELECT");
 * assert.equal(span?.kind, "client");
 * assert.equal(span?.metadata.get("db.hosts"), '["a","b"]');
 * assert.equal(span?.events[0]?.message, "connected");
 * assert.equal(span?.status, "ok");
 * ```
 *
 * @module
 */

export { SpanwireContextManager } from "./context_manager.ts";
export { SpanwirePropagator, type SpanwirePropagatorOptions } from "./propagator.ts";
export { register, type RegisterOptions, type Registration } from "./register.ts";
export {
  SCOPE_NAME_KEY,
  SCOPE_VERSION_KEY,
  SpanwireTracer,
  type SpanwireTracerConfig,
} from "./tracer.ts";
export { SpanwireTracerProvider, type SpanwireTracerProviderOptions } from "./tracer_provider.ts";
export { spanwireSpanOf } from "./spanwire_span_of.ts";
