/**
 * spanwire: distributed tracing for Deno and Node, after InfluxDB IOx's `trace`, `trace_http`
 * and `trace_exporters`.
 *
 * The root module re-exports the span model (`./trace`) and HTTP context (`./http`), both pure:
 * they run in Deno, Node, Bun and browsers. The `node:http` adapter (`./http/node`), the
 * exporters (`./exporters`), the Jaeger encoding (`./exporters/jaeger`), its UDP parts
 * (`./exporters/jaeger/agent`, `./exporters/jaeger/testing`) and the WASM backend (`./wasm`)
 * have their own entry points, so that code for one runtime never pulls in another's modules.
 *
 * @example
 * ```ts
 * import { LogTraceCollector, Span, SpanRecorder } from "@spanwire/trace";
 *
 * const lines: string[] = [];
 * const collector = new LogTraceCollector({ sink: (line) => lines.push(line) });
 * {
 *   using request = new SpanRecorder(Span.root("GET /", collector));
 *   request.ok();
 * }
 * ```
 *
 * @module
 */

export * from "./trace/mod.ts";
export * from "./http/mod.ts";
