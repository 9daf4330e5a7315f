/**
 * {@linkcode MockOtlpReceiver}: a real OTLP/HTTP server on 127.0.0.1 that decodes every
 * `POST /v1/traces` (protobuf or JSON, gzip or not) with the strict decoders and keeps what it
 * got, for tests. It can answer with failures, delays and partial successes on demand.
 *
 * @module
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { gunzipSync } from "node:zlib";
import { decodeOtlpJson } from "./decode_json.ts";
import { decodeOtlpProtobuf } from "./decode_protobuf.ts";
import { OtlpDecodeError } from "./otlp_decode_error.ts";
import type { OtlpSpan, OtlpTraces } from "./otlp_model.ts";
import { TRACES_PATH } from "./_fields.ts";
import { encodePartialSuccess } from "./_response.ts";
import { SpanWaiters } from "../pipeline/_span_waiters.ts";
import { messageOf } from "../../trace/_text.ts";

/**
 * Options of {@linkcode MockOtlpReceiver.start}.
 *
 * @example
 * ```ts
 * import type { MockOtlpReceiverOptions } from "@spanwire/trace/exporters/otlp/testing";
 *
 * const options: MockOtlpReceiverOptions = { port: 0, maxBodyBytes: 1 << 20 };
 * ```
 */
export interface MockOtlpReceiverOptions {
  /** The TCP port (default 0: a free port). */
  port?: number | undefined;
  /** The address to bind (default `127.0.0.1`). */
  host?: string | undefined;
  /** The largest body accepted, compressed or not (default 32 MiB); larger is a 413. */
  maxBodyBytes?: number | undefined;
}

/**
 * A canned answer for the next requests (see {@linkcode MockOtlpReceiver.respondNext}).
 *
 * @example
 * ```ts
 * import type { MockOtlpAnswer } from "@spanwire/trace/exporters/otlp/testing";
 *
 * const storm: MockOtlpAnswer = { status: 503, retryAfter: "0" };
 * ```
 */
export interface MockOtlpAnswer {
  /** The HTTP status (a non-2xx one: the spans are not kept). Default 200. */
  status?: number | undefined;
  /** A `Retry-After` header. */
  retryAfter?: string | undefined;
  /** Wait this long before answering, in ms. */
  delayMs?: number | undefined;
  /** For a 200: report this many spans rejected (a partial success); they are still kept. */
  rejectedSpans?: number | undefined;
  /** The partial success's message. */
  errorMessage?: string | undefined;
}

/**
 * One request as received.
 *
 * @example
 * ```ts
 * import type { MockOtlpRequest } from "@spanwire/trace/exporters/otlp/testing";
 *
 * function isJson(r: MockOtlpRequest): boolean {
 *   return r.contentType === "application/json";
 * }
 * ```
 */
export interface MockOtlpRequest {
  /** The method. */
  method: string;
  /** The path. */
  path: string;
  /** The `content-type` (media type, lower case, no parameters). */
  contentType: string;
  /** The `content-encoding`, lower case (`""` when none). */
  contentEncoding: string;
  /** All the headers (lower-case names). */
  headers: Record<string, string>;
  /** The body as received (still compressed when it was). */
  body: Uint8Array;
  /** The HTTP status answered. */
  status: number;
}

/**
 * A mock OTLP/HTTP receiver (an OpenTelemetry Collector's `otlphttp` receiver, for traces):
 * `POST /v1/traces` with `application/x-protobuf` or `application/json`, optionally
 * `content-encoding: gzip`. A body that decodes is kept (its spans in `spans`) and answered 200
 * with an `ExportTraceServiceResponse`; one that does not is counted in `malformed` (the error
 * kept in `lastError`) and answered 400; a wrong path 404, a wrong method 405, a wrong content
 * type 415, a body over the limit 413. Failures can be scripted with `respondNext`.
 *
 * @example Receive spans
 * ```ts
 * import { OtlpEncoder } from "@spanwire/trace/exporters/otlp";
 * import { MockOtlpReceiver } from "@spanwire/trace/exporters/otlp/testing";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const receiver = await MockOtlpReceiver.start();
 * const encoder = new OtlpEncoder({ serviceName: "svc" });
 * const response = await fetch(`${receiver.url}/v1/traces`, {
 *   method: "POST",
 *   headers: { "content-type": encoder.contentType },
 *   body: encoder.encode([Span.root("a"), Span.root("b")]),
 * });
 * await response.arrayBuffer();
 * assert.equal(response.status, 200);
 * const spans = await receiver.waitForSpans(2);
 * assert.deepEqual(spans.map((s) => s.name), ["a", "b"]);
 * assert.equal(spans[0]?.serviceName, "svc");
 * await receiver.close();
 * ```
 */
export class MockOtlpReceiver {
  /** The port it listens on. */
  readonly port: number;
  /** `http://127.0.0.1:PORT` (the OTLP endpoint; requests go to `${url}/v1/traces`). */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: MockOtlpRequest[] = [];
  /** The requests that decoded, in arrival order. */
  readonly traces: OtlpTraces[] = [];
  /** The spans of every request that decoded, in arrival order. */
  readonly spans: OtlpSpan[] = [];

  readonly #server: Server;
  readonly #maxBodyBytes: number;
  #answers: MockOtlpAnswer[] = [];
  readonly #waiters = new SpanWaiters<OtlpSpan>("MockOtlpReceiver");
  #malformed = 0;
  #lastError: Error | undefined = undefined;
  #closed = false;
  readonly #open: Set<{ destroy(): void }>;

  private constructor(
    server: Server,
    open: Set<{ destroy(): void }>,
    port: number,
    host: string,
    maxBodyBytes: number,
  ) {
    this.#server = server;
    this.#open = open;
    this.port = port;
    this.url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    this.#maxBodyBytes = maxBodyBytes;
  }

  /**
   * Starts a receiver.
   *
   * @param options Port (default a free one), address (default 127.0.0.1), body limit.
   * @returns The receiver, listening.
   *
   * @example
   * ```ts
   * import { MockOtlpReceiver } from "@spanwire/trace/exporters/otlp/testing";
   * import assert from "node:assert/strict";
   *
   * const receiver = await MockOtlpReceiver.start();
   * assert.ok(receiver.port > 0);
   * await receiver.close();
   * ```
   */
  static async start(options: MockOtlpReceiverOptions = {}): Promise<MockOtlpReceiver> {
    const host = options.host ?? "127.0.0.1";
    const target: { receiver?: MockOtlpReceiver } = {};
    const server = createServer((req, res) => {
      const receiver = target.receiver;
      if (receiver === undefined) {
        res.statusCode = 503;
        res.end();
        return;
      }
      receiver.#handle(req, res);
    });
    const open = new Set<{ destroy(): void }>();
    server.on("connection", (socket) => {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const receiver = new MockOtlpReceiver(
      server,
      open,
      port,
      host,
      options.maxBodyBytes ?? 32 << 20,
    );
    target.receiver = receiver;
    return receiver;
  }

  /**
   * The number of requests to `/v1/traces` whose body did not decode.
   *
   * @returns The count.
   */
  get malformed(): number {
    return this.#malformed;
  }

  /**
   * The last decode failure (an `OtlpDecodeError` for a bad body), if any.
   *
   * @returns The error.
   */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /**
   * Answers the next requests with these answers, one each, in order (then 200 again).
   *
   * @param answers The answers.
   *
   * @example A 503 storm, then success
   * ```ts
   * import { MockOtlpReceiver } from "@spanwire/trace/exporters/otlp/testing";
   * import assert from "node:assert/strict";
   *
   * const receiver = await MockOtlpReceiver.start();
   * receiver.respondNext({ status: 503, retryAfter: "1" });
   * const post = () => fetch(`${receiver.url}/v1/traces`, {
   *   method: "POST", headers: { "content-type": "application/json" }, body: "{}",
   * });
   * const first = await post();
   * await first.arrayBuffer();
   * assert.equal(first.status, 503);
   * assert.equal(first.headers.get("retry-after"), "1");
   * const second = await post();
   * await second.arrayBuffer();
   * assert.equal(second.status, 200);
   * await receiver.close();
   * ```
   */
  respondNext(...answers: MockOtlpAnswer[]): void {
    this.#answers.push(...answers);
  }

  /**
   * Resolves with the spans received once at least `count` have arrived.
   *
   * @param count How many spans to wait for.
   * @param timeoutMs How long to wait at most (default 10,000 ms).
   * @returns The spans received so far (at least `count`).
   * @throws {Error} If they do not arrive in time, or the receiver closes first.
   */
  waitForSpans(count: number, timeoutMs = 10_000): Promise<OtlpSpan[]> {
    return this.#waiters.wait(
      count,
      timeoutMs,
      this.#closed,
      () => this.spans,
      () => `${this.#malformed} malformed requests of ${this.requests.length}`,
    );
  }

  /**
   * Stops listening and drops open connections. Pending `waitForSpans` calls reject.
   *
   * @returns A promise that resolves when the server is closed.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiters.close();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#open) socket.destroy();
    this.#open.clear();
    await closed;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Uint8Array) => {
      size += chunk.length;
      if (size > this.#maxBodyBytes) {
        tooLarge = true;
        chunks.length = 0;
      } else chunks.push(chunk);
    });
    req.on("error", () => {});
    req.on("end", () => {
      const body = new Uint8Array(tooLarge ? 0 : size);
      let at = 0;
      for (const c of tooLarge ? [] : chunks) {
        body.set(c, at);
        at += c.length;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        headers[k] = Array.isArray(v) ? v.join(", ") : String(v ?? "");
      }
      const contentType = (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      const contentEncoding = (headers["content-encoding"] ?? "").trim().toLowerCase();
      const record: MockOtlpRequest = {
        method: req.method ?? "",
        path: (req.url ?? "").split("?")[0]!,
        contentType,
        contentEncoding,
        headers,
        body,
        status: 0,
      };
      this.requests.push(record);
      void this.#answer(record, tooLarge, res);
    });
  }

  async #answer(record: MockOtlpRequest, tooLarge: boolean, res: ServerResponse): Promise<void> {
    const send = (status: number, body: Uint8Array | string, type: string, extra = {}) => {
      record.status = status;
      try {
        res.writeHead(status, { "content-type": type, ...extra });
        res.end(body);
      } catch {
        // the client went away
      }
    };
    const text = "text/plain";
    if (record.path !== TRACES_PATH) return send(404, "not found", text);
    if (record.method !== "POST") return send(405, "method not allowed", text, { allow: "POST" });
    if (tooLarge) return send(413, "body too large", text);
    const json = record.contentType === "application/json";
    if (!json && record.contentType !== "application/x-protobuf") {
      return send(415, "unsupported content type", text);
    }
    const answer = this.#answers.shift() ?? {};
    if (answer.delayMs !== undefined && answer.delayMs > 0) {
      await new Promise((r) => setTimeout(r, answer.delayMs));
    }
    const status = answer.status ?? 200;
    const type = json ? "application/json" : "application/x-protobuf";
    if (status !== 200) {
      const extra = answer.retryAfter === undefined ? {} : { "retry-after": answer.retryAfter };
      return send(status, json ? "{}" : new Uint8Array(0), type, extra);
    }
    let traces: OtlpTraces;
    try {
      let body = record.body;
      if (record.contentEncoding === "gzip") {
        try {
          body = new Uint8Array(gunzipSync(body, { maxOutputLength: this.#maxBodyBytes }));
        } catch (e) {
          throw new OtlpDecodeError(
            `the gzip body does not inflate within ${this.#maxBodyBytes} bytes (${messageOf(e)})`,
          );
        }
      } else if (record.contentEncoding !== "" && record.contentEncoding !== "identity") {
        return send(415, "unsupported content encoding", text);
      }
      traces = json ? decodeOtlpJson(body) : decodeOtlpProtobuf(body);
    } catch (e) {
      this.#malformed++;
      this.#lastError = e instanceof Error ? e : new Error(String(e));
      return send(400, this.#lastError.message, text);
    }
    this.traces.push(traces);
    for (const span of traces.spans) this.spans.push(span);
    this.#waiters.wake(this.spans);
    const rejected = answer.rejectedSpans ?? 0;
    send(200, encodePartialSuccess(rejected, answer.errorMessage ?? "", json), type);
  }
}
