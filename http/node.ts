/**
 * The `node:http` adapter: {@linkcode traceNodeListener} gives a `(req, res)` request
 * listener the behaviour of `traceLayer`, and {@linkcode spanContextOf} works on Node's
 * `IncomingMessage` inside it. This is the only module of `http/` that imports `node:`
 * modules, so it has its own entry point and a browser build never pulls it in.
 *
 * @example A traced node:http server
 * ```ts
 * import { createServer } from "node:http";
 * import { spanContextOf, traceNodeListener } from "@spanwire/trace/http/node";
 * import { RingBufferTraceCollector } from "@spanwire/trace/trace";
 *
 * const collector = new RingBufferTraceCollector(100);
 * const server = createServer(traceNodeListener((req, res) => {
 *   const ctx = spanContextOf(req); // the server span's context, for child spans
 *   res.end(ctx ? `traced ${ctx.traceId}` : "untraced");
 * }, { collector }));
 * // server.listen(8080);
 * ```
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { IncomingMessage, ServerResponse } from "node:http";
import { runWithFrame } from "../trace/context_storage.ts";
import { setRequestFrame } from "./_context_store.ts";
import {
  finishBody,
  finishCancelled,
  finishEmpty,
  finishHandlerError,
  nowOf,
  recordStatus,
  rejectionBody,
  ServerTracer,
} from "./_server_span.ts";
import { TraceContextError } from "./trace_context_error.ts";
import type { TraceLayerOptions } from "./trace_layer.ts";
import { messageOf } from "../trace/_text.ts";

export { serverSpanOf, spanContextOf, type TraceLayerOptions } from "./trace_layer.ts";

/**
 * A `node:http` request listener, as `http.createServer` takes; it may return a promise.
 *
 * @typeParam Req The request type.
 * @typeParam Res The response type.
 *
 * @example
 * ```ts
 * import type { NodeRequestListener } from "@spanwire/trace/http/node";
 *
 * const listener: NodeRequestListener = (_req, res) => {
 *   res.end("ok");
 * };
 * ```
 */
export type NodeRequestListener<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse<Req> = ServerResponse<Req>,
> = (req: Req, res: Res) => void | Promise<void>;

function sizeOf(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === "string") {
    return Buffer.byteLength(
      chunk,
      typeof encoding === "string" ? encoding as BufferEncoding : "utf8",
    );
  }
  return (chunk as { byteLength?: number } | null | undefined)?.byteLength ?? 0;
}

const methodOf = (req: IncomingMessage): string => req.method ?? "GET";
const urlOf = (req: IncomingMessage): string => req.url ?? "/";

/**
 * Wraps a `node:http` request listener with the behaviour of `traceLayer`: the incoming
 * context is read from `req.headers` (or a trace started by the parser's sampler); for a
 * sampled context with a collector, a server span
 * (a child of the caller's span, `kind` `"server"`) records `http.method`, `http.path`,
 * `http.status_code` and `http.response_body_size`; the `trace-id` header is set before the
 * listener runs; the bytes the listener writes (`res.write`, `res.end`) are counted as they
 * go, never buffered; the span finishes when the response has been sent in full (`finish`)
 * or the connection closed before that (`close`, recorded as "request cancelled"); its status
 * follows `classifyResponse`. A listener that throws (or rejects) marks the span as an error,
 * and the error goes on to Node unchanged. With `onInvalidContext: "reject"` a malformed
 * header gets a 400 naming the header and the reason.
 *
 * The listener runs inside the server span's context: with `@spanwire/trace/context`
 * imported, `currentSpanContext()` and `currentSpanRecorder()` give the server span (or, for
 * an unsampled request, the context to propagate) anywhere below it, across awaits and
 * events; `tracedFetch` picks it up without being told.
 *
 * @typeParam Req The request type.
 * @typeParam Res The response type.
 * @param listener The listener to wrap.
 * @param options As for `traceLayer` (the span name function receives the `IncomingMessage`).
 * @returns The wrapped listener.
 *
 * @example
 * ```ts
 * import { traceNodeListener } from "@spanwire/trace/http/node";
 *
 * const listener = traceNodeListener((_req, res) => {
 *   res.end("ok");
 * }, { name: (req) => `${req.method} ${req.url?.split("?")[0]}` });
 * ```
 */
export function traceNodeListener<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse<Req> = ServerResponse<Req>,
>(
  listener: NodeRequestListener<Req, Res>,
  options: TraceLayerOptions<Req> = {},
): NodeRequestListener<Req, Res> {
  if (typeof listener !== "function") {
    throw new TypeError("Cannot make traceNodeListener: the listener is not a function");
  }
  const tracer = new ServerTracer<Req>(options, methodOf, urlOf);
  return (req: Req, res: Res): void | Promise<void> => {
    const started = tracer.start(req, req.headers);
    if (started instanceof TraceContextError) {
      res.statusCode = 400;
      res.setHeader("content-type", "text/plain; charset=utf-8");
      res.end(rejectionBody(started));
      return;
    }
    if (started === undefined) return listener(req, res);
    setRequestFrame(req, started);
    if (started.recorder === undefined) return runWithFrame(started, () => listener(req, res));
    const span = started.recorder;
    const method = methodOf(req);
    res.setHeader("trace-id", started.spanContext!.traceId.toString());

    let bytes = 0;
    // Count what the listener writes, on this response only, passing every call through.
    type Writer = (this: unknown, ...args: unknown[]) => unknown;
    const patched = res as unknown as { write: Writer; end: Writer };
    const write = patched.write;
    const end = patched.end;
    patched.write = function (this: unknown, ...args: unknown[]): unknown {
      bytes += sizeOf(args[0], args[1]);
      return write.apply(this, args);
    };
    patched.end = function (this: unknown, ...args: unknown[]): unknown {
      const chunk = args[0];
      if (chunk !== undefined && chunk !== null && typeof chunk !== "function") {
        bytes += sizeOf(chunk, args[1]);
      }
      return end.apply(this, args);
    };

    const headers = {
      get(name: string): string | null {
        const value = res.getHeader(name);
        return value === undefined ? null : String(value);
      },
    };
    res.once("finish", () => {
      const c = recordStatus(span, res.statusCode, headers);
      if (bytes === 0 || method === "HEAD") finishEmpty(span, c);
      else {
        const now = nowOf(span);
        span.event("request processed", undefined, now);
        finishBody(span, c, bytes, now);
      }
    });
    res.once("close", () => {
      if (!res.writableFinished && span.recording) {
        recordStatus(span, res.statusCode, headers);
        finishCancelled(span, bytes, "the connection closed before the response was sent");
      }
    });

    let result: void | Promise<void>;
    try {
      result = runWithFrame(started, () => listener(req, res));
    } catch (error) {
      finishHandlerError(span, error);
      throw error;
    }
    if (result !== undefined && typeof (result as Promise<void>).then === "function") {
      (result as Promise<void>).then(undefined, (error: unknown) => {
        if (span.recording) finishHandlerError(span, new Error(messageOf(error)));
      });
    }
    return result;
  };
}
