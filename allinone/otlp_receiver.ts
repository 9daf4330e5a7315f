/**
 * The OTLP/HTTP trace receiver of the all-in-one, as a pure `(Request) => Response` handler:
 * `POST /v1/traces` with an `ExportTraceServiceRequest` (protobuf, `application/x-protobuf`, or
 * JSON, `application/json`), answered as the OTLP/HTTP specification says (200 with an empty
 * `ExportTraceServiceResponse` in the request's encoding; 400 for a body that does not decode;
 * 404, 405 and 415 otherwise). Decoding is a hook ({@linkcode OtlpTracesDecoder}) that turns the
 * body into Jaeger batches, so the store and the terminal see one model whatever the protocol.
 *
 * @module
 */

import type { JaegerBatch } from "../exporters/jaeger/mod.ts";

/**
 * Turns an OTLP/HTTP request body into Jaeger batches (one a resource). Throws for a body that
 * does not decode (the receiver answers 400 with the error's message).
 *
 * @example
 * ```ts
 * import type { OtlpTracesDecoder } from "@spanwire/trace/allinone";
 *
 * const none: OtlpTracesDecoder = () => [];
 * ```
 */
export type OtlpTracesDecoder = (body: Uint8Array, encoding: "protobuf" | "json") => JaegerBatch[];

function reply(status: number, encoding: "protobuf" | "json", message?: string): Response {
  if (encoding === "json") {
    const body = message === undefined ? "{}" : JSON.stringify({ code: 3, message });
    return new Response(body, { status, headers: { "content-type": "application/json" } });
  }
  // An empty ExportTraceServiceResponse is zero bytes; an error is a google.rpc.Status whose
  // field 2 (message) is the text.
  let body = new Uint8Array();
  if (message !== undefined) {
    const text = new TextEncoder().encode(message.slice(0, 1000));
    const len: number[] = [];
    for (let n = text.length;; n >>>= 7) {
      if (n < 0x80) {
        len.push(n);
        break;
      }
      len.push((n & 0x7f) | 0x80);
    }
    body = Uint8Array.from([0x08, 3, 0x12, ...len, ...text]);
  }
  return new Response(body, { status, headers: { "content-type": "application/x-protobuf" } });
}

/**
 * Makes the OTLP/HTTP receiver.
 *
 * @param decode Turns a body into Jaeger batches.
 * @param ingest Takes the batches of each request that decoded.
 * @param onError Told of each body that did not decode (optional).
 * @returns The handler.
 *
 * @example
 * ```ts
 * import { createOtlpHandler } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * const handler = createOtlpHandler(() => [], () => {});
 * const ok = await handler(new Request("http://x/v1/traces", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: "{}",
 * }));
 * assert.equal(ok.status, 200);
 * assert.equal(await ok.text(), "{}");
 * ```
 */
export function createOtlpHandler(
  decode: OtlpTracesDecoder,
  ingest: (batches: JaegerBatch[]) => void,
  onError?: (error: Error) => void,
): (request: Request) => Promise<Response> {
  return async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname.replace(/\/+$/, "");
    const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const encoding = type === "application/json" ? "json" : "protobuf";
    if (path !== "/v1/traces") return reply(404, encoding, `no OTLP route ${path}`);
    if (request.method !== "POST") return reply(405, encoding, "OTLP/HTTP takes POST only");
    if (type !== "application/json" && type !== "application/x-protobuf") {
      return reply(415, encoding, `unsupported content-type ${JSON.stringify(type)}`);
    }
    const body = new Uint8Array(await request.arrayBuffer());
    let batches: JaegerBatch[];
    try {
      batches = decode(body, encoding);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      onError?.(error);
      return reply(400, encoding, error.message);
    }
    ingest(batches);
    return reply(200, encoding);
  };
}
