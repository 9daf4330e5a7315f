/**
 * {@linkcode classifyResponse}: IOx's classification of a response's outcome, which sets the
 * status of the server (and client) span.
 *
 * @module
 */

/**
 * The outcome of a request, as IOx's `trace_http` classifies it.
 *
 * @example
 * ```ts
 * import type { Outcome } from "@spanwire/trace/http";
 *
 * const outcome: Outcome = "path_not_found";
 * ```
 */
export type Outcome =
  | "ok"
  | "path_not_found"
  | "method_not_allowed"
  | "client_error"
  | "server_error"
  | "unexpected";

/**
 * A classified response: the outcome and a message for the span.
 *
 * @example
 * ```ts
 * import type { Classification } from "@spanwire/trace/http";
 *
 * const c: Classification = { outcome: "ok", ok: true, message: "ok" };
 * ```
 */
export interface Classification {
  /** The outcome. */
  readonly outcome: Outcome;
  /** Whether the span's status is ok (otherwise it is an error). */
  readonly ok: boolean;
  /** What the span records with an error status. */
  readonly message: string;
}

const OK: Classification = Object.freeze({ outcome: "ok", ok: true, message: "ok" });

/** gRPC status codes: those that are the client's fault (IOx's table); the rest are the server's. */
const GRPC_CLIENT_ERRORS = new Set([1, 3, 5, 6, 7, 9, 10, 11, 16]);
const GRPC_NAMES = [
  "ok",
  "cancelled",
  "unknown",
  "invalid argument",
  "deadline exceeded",
  "not found",
  "already exists",
  "permission denied",
  "resource exhausted",
  "failed precondition",
  "aborted",
  "out of range",
  "unimplemented",
  "internal",
  "unavailable",
  "data loss",
  "unauthenticated",
];

function classifyGrpc(value: string): Classification {
  if (!/^-?\d+$/.test(value.trim())) {
    return { outcome: "server_error", ok: false, message: "grpc status not integer" };
  }
  const code = Number(value.trim());
  if (code === 0) return OK;
  const name = GRPC_NAMES[code];
  if (name === undefined) {
    return { outcome: "server_error", ok: false, message: `unrecognised status code: ${code}` };
  }
  return {
    outcome: GRPC_CLIENT_ERRORS.has(code) ? "client_error" : "server_error",
    ok: false,
    message: name,
  };
}

/**
 * Classifies a response as IOx does: 2xx and 304 are ok (unless a `grpc-status` header says
 * otherwise, by IOx's gRPC table); 404 is "path not found"; 405 "method not allowed"; other
 * 4xx and 501 are client errors; other 5xx server errors. Informational (1xx, such as a
 * WebSocket's 101) and redirect (3xx) responses are ok here, where IOx, an API server, calls
 * them unexpected: a redirect is not a failure of a web server. Anything else is unexpected.
 * Every outcome but ok makes the span an error.
 *
 * @param status The HTTP status code.
 * @param headers The response headers, to read `grpc-status` (optional).
 * @returns The classification.
 *
 * @example
 * ```ts
 * import { classifyResponse } from "@spanwire/trace/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(classifyResponse(200).outcome, "ok");
 * assert.equal(classifyResponse(304).ok, true);
 * assert.equal(classifyResponse(404).outcome, "path_not_found");
 * assert.equal(classifyResponse(405).outcome, "method_not_allowed");
 * assert.equal(classifyResponse(429).outcome, "client_error");
 * assert.equal(classifyResponse(501).outcome, "client_error");
 * assert.equal(classifyResponse(503).message, "unexpected 5XX status code: 503");
 * assert.equal(classifyResponse(200, new Headers({ "grpc-status": "14" })).message, "unavailable");
 * ```
 */
export function classifyResponse(
  status: number,
  headers?: { get(name: string): string | null },
): Classification {
  if ((status >= 200 && status < 300) || status === 304) {
    const grpc = headers?.get("grpc-status");
    return grpc === null || grpc === undefined ? OK : classifyGrpc(grpc);
  }
  if (status === 404) return { outcome: "path_not_found", ok: false, message: "not found" };
  if (status === 405) {
    return { outcome: "method_not_allowed", ok: false, message: "method not allowed" };
  }
  if (status === 501) return { outcome: "client_error", ok: false, message: "not implemented" };
  if (status >= 400 && status < 500) {
    return { outcome: "client_error", ok: false, message: `unexpected 4XX status code: ${status}` };
  }
  if (status >= 500 && status < 600) {
    return { outcome: "server_error", ok: false, message: `unexpected 5XX status code: ${status}` };
  }
  if (status >= 100 && status < 400) return OK;
  return { outcome: "unexpected", ok: false, message: `unexpected status code: ${status}` };
}
