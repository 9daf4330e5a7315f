/**
 * The local all-in-one: what Jaeger's all-in-one does, without Docker. It receives spans (Jaeger
 * compact Thrift on UDP 6831, binary Thrift on UDP 6832, OTLP/HTTP on 4318) into a bounded
 * in-memory {@linkcode TraceStore}, answers Jaeger's query API and serves a web UI (search and
 * trace pages, no build step, no CDN) on HTTP 16686. The store, the query API and the UI are
 * pure (`(Request) => Response` handlers); the listeners are small adapters over `node:dgram`
 * and `node:http`, which Deno and Node both have.
 *
 * @module
 */

export * from "./jaeger_json.ts";
export {
  type TraceQuery,
  TraceStore,
  type TraceStoreOptions,
  type TraceStoreStats,
} from "./trace_store.ts";
export { createQueryHandler, parseDuration, parseTags, parseTraceQuery } from "./query_api.ts";
export { createUiHandler } from "./ui_handler.ts";
export { createOtlpHandler, type OtlpTracesDecoder } from "./otlp_receiver.ts";
export {
  type AllInOne,
  type AllInOneCounts,
  type AllInOneListener,
  type AllInOneOptions,
  DEFAULT_PORTS,
  type ListenerName,
  startAllInOne,
} from "./all_in_one.ts";
export { otlpDecoder, otlpToJaeger } from "./otlp_to_jaeger.ts";
