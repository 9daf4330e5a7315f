/**
 * Outgoing trace context: format a {@linkcode SpanContext} as Jaeger, W3C or B3 headers and
 * inject them into a request's headers, so that a trace follows a request from service to
 * service.
 *
 * @module
 */

import type { SpanContext } from "../trace/span_context.ts";
import { B3_PARENT_SPAN_ID, B3_SAMPLED, B3_SPAN_ID, B3_TRACE_ID } from "./_b3.ts";
import type { TraceContextFormat } from "./trace_header_parser.ts";

function trimZeros(hex: string): string {
  let i = 0;
  while (i < hex.length - 1 && hex.charCodeAt(i) === 48 /* "0" */) i++;
  return i === 0 ? hex : hex.slice(i);
}

/**
 * Formats a context as a Jaeger trace context value, as IOx does: lower-case hex without
 * leading zeros, `trace:span:parent:flags`, the parent `0` when there is none, flags `1` when
 * sampled and `0` when not. The caller of an outgoing request passes its own (client) span's
 * context, so the callee sees that span as its parent.
 *
 * @param ctx The context.
 * @returns The header value.
 *
 * @example
 * ```ts
 * import { formatJaegerTraceContext, TraceHeaderParser } from "@spanwire/trace/http";
 * import { SpanContext, SpanId, TraceId } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const ctx = new SpanContext({ traceId: TraceId.parse("4d2"), spanId: SpanId.parse("162e") });
 * assert.equal(formatJaegerTraceContext(ctx), "4d2:162e:0:1");
 * const back = new TraceHeaderParser().parse({ "uber-trace-id": formatJaegerTraceContext(ctx) });
 * assert.ok(back?.traceId.equals(ctx.traceId));
 * ```
 */
export function formatJaegerTraceContext(ctx: SpanContext): string {
  const parent = ctx.parentSpanId === undefined ? "0" : trimZeros(ctx.parentSpanId.toString());
  return `${trimZeros(ctx.traceId.toString())}:${trimZeros(ctx.spanId.toString())}:${parent}:${
    ctx.sampled ? "1" : "0"
  }`;
}

const TRACE_FLAGS = ["00", "01", "02", "03"] as const;

/**
 * Formats a context as a W3C `traceparent` value, version 00:
 * `00-{32 hex trace id}-{16 hex span id}-{flags}`, where the flags are `sampled` (0x01) and,
 * after Trace Context Level 2, `random-trace-id` (0x02) from the context's `randomTraceId`:
 * `00`, `01`, `02` or `03`.
 *
 * @param ctx The context (its span becomes the callee's parent).
 * @returns The header value.
 *
 * @example
 * ```ts
 * import { formatTraceparent } from "@spanwire/trace/http";
 * import { SpanContext, SpanId, TraceId } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const ctx = new SpanContext({
 *   traceId: TraceId.parse("4bf92f3577b34da6a3ce929d0e0e4736"),
 *   spanId: SpanId.parse("00f067aa0ba902b7"),
 * });
 * assert.equal(formatTraceparent(ctx), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
 * // A new trace's ids are random: Level 2's random flag is set.
 * assert.match(formatTraceparent(SpanContext.root()), /-03$/);
 * ```
 */
export function formatTraceparent(ctx: SpanContext): string {
  return `00-${ctx.traceId.toString()}-${ctx.spanId.toString()}-${
    TRACE_FLAGS[(ctx.sampled ? 1 : 0) | (ctx.randomTraceId ? 2 : 0)]
  }`;
}

/**
 * Formats a context as a single B3 header value:
 * `{32 hex trace id}-{16 hex span id}-{1 | 0}[-{16 hex parent span id}]`.
 *
 * @param ctx The context.
 * @returns The header value.
 *
 * @example
 * ```ts
 * import { formatB3 } from "@spanwire/trace/http";
 * import { SpanContext, SpanId, TraceId } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const ctx = new SpanContext({
 *   traceId: TraceId.parse("80f198ee56343ba864fe8b2a57d3eff7"),
 *   spanId: SpanId.parse("e457b5a2e4d86bd1"),
 *   parentSpanId: SpanId.parse("05e3ac9a4f6e3b90"),
 * });
 * assert.equal(formatB3(ctx), "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90");
 * ```
 */
export function formatB3(ctx: SpanContext): string {
  const base = `${ctx.traceId.toString()}-${ctx.spanId.toString()}-${ctx.sampled ? "1" : "0"}`;
  return ctx.parentSpanId === undefined ? base : `${base}-${ctx.parentSpanId.toString()}`;
}

/**
 * The formats {@linkcode injectTraceContext} writes unless told otherwise: Jaeger (what a
 * Jaeger-traced service, IOx included, reads) and W3C (what everything else reads).
 *
 * @example
 * ```ts
 * import { DEFAULT_INJECT_FORMATS } from "@spanwire/trace/http";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(DEFAULT_INJECT_FORMATS, ["jaeger", "w3c"]);
 * ```
 */
export const DEFAULT_INJECT_FORMATS: readonly TraceContextFormat[] = Object.freeze([
  "jaeger",
  "w3c",
]);

/**
 * Options of {@linkcode injectTraceContext}.
 *
 * @example
 * ```ts
 * import type { InjectOptions } from "@spanwire/trace/http";
 *
 * const options: InjectOptions = { jaegerTraceContextHeaderName: "my-trace-id" };
 * ```
 */
export interface InjectOptions {
  /** The Jaeger header's name (default `uber-trace-id`). */
  jaegerTraceContextHeaderName?: string | undefined;
}

/** Something headers can be set on: a Fetch `Headers`, or anything with `set(name, value)`. */
export interface HeaderSink {
  /**
   * Sets a header, replacing any value it had.
   *
   * @param name The header name.
   * @param value The value.
   */
  set(name: string, value: string): void;
}

/**
 * Sets the trace context headers of `ctx` on outgoing request headers, replacing any there.
 * The W3C format also carries the context's `tracestate` through. `b3multi` writes
 * `X-B3-TraceId`, `X-B3-SpanId`, `X-B3-ParentSpanId` (when there is a parent) and
 * `X-B3-Sampled`.
 *
 * @param ctx The context of the span making the request (usually a client span).
 * @param headers Where to set the headers.
 * @param formats Which formats (default {@linkcode DEFAULT_INJECT_FORMATS}).
 * @param options The Jaeger header's name.
 * @returns The same `headers`, for chaining.
 *
 * @example
 * ```ts
 * import { injectTraceContext } from "@spanwire/trace/http";
 * import { SpanContext } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const ctx = SpanContext.root();
 * const headers = injectTraceContext(ctx, new Headers(), ["w3c", "b3"]);
 * assert.ok(headers.get("traceparent")?.includes(ctx.traceId.toString()));
 * assert.ok(headers.get("b3")?.startsWith(ctx.traceId.toString()));
 * assert.equal(headers.get("uber-trace-id"), null);
 * ```
 */
export function injectTraceContext<H extends HeaderSink>(
  ctx: SpanContext,
  headers: H,
  formats: readonly TraceContextFormat[] = DEFAULT_INJECT_FORMATS,
  options: InjectOptions = {},
): H {
  for (const format of formats) {
    switch (format) {
      case "jaeger":
        headers.set(
          options.jaegerTraceContextHeaderName ?? "uber-trace-id",
          formatJaegerTraceContext(ctx),
        );
        break;
      case "w3c":
        headers.set("traceparent", formatTraceparent(ctx));
        if (ctx.traceState !== undefined) headers.set("tracestate", ctx.traceState);
        break;
      case "b3":
        headers.set("b3", formatB3(ctx));
        break;
      case "b3multi":
        headers.set(B3_TRACE_ID, ctx.traceId.toString());
        headers.set(B3_SPAN_ID, ctx.spanId.toString());
        if (ctx.parentSpanId !== undefined) {
          headers.set(B3_PARENT_SPAN_ID, ctx.parentSpanId.toString());
        }
        headers.set(B3_SAMPLED, ctx.sampled ? "1" : "0");
        break;
      default:
        throw new TypeError(
          `Cannot inject trace context: unknown format ${JSON.stringify(format)}`,
        );
    }
  }
  return headers;
}
