/**
 * Jaeger's query API over a {@linkcode TraceStore}, as a pure `(Request) => Response` handler
 * (any HTTP server can mount it): `GET /api/services`, `/api/services/{service}/operations`,
 * `/api/operations?service=`, `/api/traces?service=&operation=&tags=&minDuration=&maxDuration=
 * &start=&end=&limit=`, `/api/traces/{traceID}`, plus `/api/stats` (the store's counts). Every
 * answer is Jaeger's envelope `{ data, total, limit, offset, errors }`.
 *
 * @module
 */

import type { TraceQuery, TraceStore } from "./trace_store.ts";

const UNITS: Record<string, number> = {
  ns: 0.001,
  us: 1,
  "µs": 1,
  "μs": 1,
  ms: 1000,
  s: 1_000_000,
  m: 60_000_000,
  h: 3_600_000_000,
};

/**
 * Parses a duration as Jaeger's query API takes it (Go's syntax: `1.5ms`, `2s`, `100us`,
 * `1m30s`); a bare number is microseconds.
 *
 * @param text The duration.
 * @returns Microseconds.
 * @throws {SyntaxError} When it is not a duration.
 *
 * @example
 * ```ts
 * import { parseDuration } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseDuration("1.5ms"), 1500);
 * assert.equal(parseDuration("1m30s"), 90_000_000);
 * assert.equal(parseDuration("250"), 250);
 * ```
 */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    end = re.lastIndex;
  }
  if (t === "" || end !== t.length) {
    throw new SyntaxError(`Cannot parse duration ${JSON.stringify(text)}: expected e.g. 1.5ms`);
  }
  return total;
}

/**
 * Parses the `tags` parameter: Jaeger's JSON object (`{"error":"true"}`), or `key=value` pairs
 * separated by spaces (logfmt, as typed in Jaeger's search form).
 *
 * @param text The parameter.
 * @returns The tags, values as text.
 * @throws {SyntaxError} When it is neither.
 *
 * @example
 * ```ts
 * import { parseTags } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseTags('{"error":true}'), { error: "true" });
 * assert.deepEqual(parseTags('http.status_code=500 key="a b"'), {
 *   "http.status_code": "500",
 *   key: "a b",
 * });
 * ```
 */
export function parseTags(text: string): Record<string, string> {
  const t = text.trim();
  const out: Record<string, string> = {};
  if (t.startsWith("{")) {
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (e) {
      throw new SyntaxError(`Cannot parse tags ${JSON.stringify(text)}: ${e}`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new SyntaxError(`Cannot parse tags ${JSON.stringify(text)}: not a JSON object`);
    }
    for (const [k, v] of Object.entries(value)) out[k] = typeof v === "string" ? v : String(v);
    return out;
  }
  const re = /\s*([^\s=]+)=("((?:[^"\\]|\\.)*)"|\S*)\s*/y;
  let end = 0;
  for (let m = re.exec(t); m !== null && m[0] !== ""; m = re.exec(t)) {
    out[m[1]!] = m[3] !== undefined ? m[3].replace(/\\(.)/g, "$1") : m[2]!;
    end = re.lastIndex;
  }
  if (end !== t.length) {
    throw new SyntaxError(`Cannot parse tags ${JSON.stringify(text)}: expected key=value pairs`);
  }
  return out;
}

function integer(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null || text.trim() === "") return undefined;
  if (!/^\d+$/.test(text.trim())) {
    throw new SyntaxError(`Cannot parse ${name} ${JSON.stringify(text)}: not an integer`);
  }
  return Number(text.trim());
}

/**
 * Parses the parameters of `/api/traces` into a search.
 *
 * @param params The query string's parameters.
 * @returns The search.
 * @throws {SyntaxError} For a parameter that does not parse.
 *
 * @example
 * ```ts
 * import { parseTraceQuery } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * const q = parseTraceQuery(new URLSearchParams("service=svc&minDuration=2ms&limit=5"));
 * assert.deepEqual(q, { service: "svc", minDuration: 2000, limit: 5 });
 * ```
 */
export function parseTraceQuery(params: URLSearchParams): TraceQuery {
  const q: TraceQuery = {};
  const text = (name: string): string | undefined => {
    const v = params.get(name)?.trim();
    return v === undefined || v === "" ? undefined : v;
  };
  const service = text("service");
  if (service !== undefined) q.service = service;
  const operation = text("operation");
  if (operation !== undefined && operation !== "all") q.operation = operation;
  const tags = params.getAll("tags").filter((t) => t.trim() !== "");
  if (tags.length > 0) q.tags = Object.assign({}, ...tags.map(parseTags));
  const minDuration = text("minDuration");
  if (minDuration !== undefined) q.minDuration = parseDuration(minDuration);
  const maxDuration = text("maxDuration");
  if (maxDuration !== undefined) q.maxDuration = parseDuration(maxDuration);
  const start = integer(params, "start");
  if (start !== undefined) q.start = start;
  const end = integer(params, "end");
  if (end !== undefined) q.end = end;
  const limit = integer(params, "limit");
  if (limit !== undefined) q.limit = limit;
  return q;
}

function envelope(data: unknown, status = 200, error?: string): Response {
  const total = Array.isArray(data) ? data.length : 0;
  const body = {
    data,
    total,
    limit: 0,
    offset: 0,
    errors: error === undefined ? null : [{ code: status, msg: error }],
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

/**
 * Makes the handler of Jaeger's query API over a store. Paths outside `/api/` answer 404;
 * methods other than GET and HEAD answer 405; a parameter that does not parse answers 400;
 * an unknown trace answers 404, each in Jaeger's envelope with `errors`.
 *
 * @param store The store.
 * @returns The handler.
 *
 * @example
 * ```ts
 * import { createQueryHandler, spansFromThrift, TraceStore } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * const store = new TraceStore();
 * store.add(spansFromThrift({
 *   process: { serviceName: "svc" },
 *   spans: [{ traceIdHigh: 0, traceIdLow: 7, spanId: 1, parentSpanId: 0,
 *     operationName: "GET /", flags: 1, startTime: 1_000_000, duration: 5 }],
 * }));
 * const api = createQueryHandler(store);
 * const services = await api(new Request("http://x/api/services")).json();
 * assert.deepEqual(services.data, ["svc"]);
 * const trace = await api(new Request("http://x/api/traces/7")).json();
 * assert.equal(trace.data[0].spans[0].processID, "p1");
 * ```
 */
export function createQueryHandler(store: TraceStore): (request: Request) => Response {
  return (request: Request): Response => {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, "");
    if (!path.startsWith("/api/")) return envelope(null, 404, `no route ${url.pathname}`);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return envelope(null, 405, `method ${request.method} not allowed`);
    }
    const parts = path.split("/").slice(2).map((p) => decodeURIComponent(p));
    try {
      if (parts[0] === "services" && parts.length === 1) return envelope(store.services());
      if (parts[0] === "services" && parts.length === 3 && parts[2] === "operations") {
        return envelope(store.operations(parts[1]!));
      }
      if (parts[0] === "operations" && parts.length === 1) {
        const service = url.searchParams.get("service") ?? "";
        return envelope(store.operations(service).map((name) => ({ name, spanKind: "" })));
      }
      if (parts[0] === "traces" && parts.length === 1) {
        return envelope(store.find(parseTraceQuery(url.searchParams)));
      }
      if (parts[0] === "traces" && parts.length === 2) {
        const trace = store.trace(parts[1]!);
        return trace === undefined ? envelope(null, 404, "trace not found") : envelope([trace]);
      }
      if (parts[0] === "stats" && parts.length === 1) {
        return new Response(JSON.stringify(store.stats()), {
          headers: { "content-type": "application/json", "cache-control": "no-store" },
        });
      }
    } catch (e) {
      if (e instanceof SyntaxError) return envelope(null, 400, e.message);
      throw e;
    }
    return envelope(null, 404, `no route ${url.pathname}`);
  };
}
