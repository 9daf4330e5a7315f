/**
 * {@linkcode OtlpHttpSink}: OTLP/HTTP delivery with `fetch` (Deno, Node 18+, Bun, browsers):
 * `POST` a request body to `{endpoint}/v1/traces`, optionally gzip-compressed, with the
 * retries, timeouts and partial-success handling the OTLP specification asks for.
 *
 * @module
 */

import { withTracingSuppressed } from "../../trace/context_storage.ts";
import { RateLimitedWarning } from "../../trace/_warning.ts";
import type { PacketSink } from "../pipeline/span_protocol.ts";
import { setUnrefTimeout } from "../pipeline/_timers.ts";
import { JSON_CONTENT_TYPE, PROTOBUF_CONTENT_TYPE } from "./_fields.ts";
import { decodeOtlpResponseJson } from "./decode_json.ts";
import { decodeOtlpResponseProtobuf } from "./decode_protobuf.ts";
import { canUseDenoHttp1, DenoHttp1Client } from "./_deno_http1.ts";
import type { OtlpFormat } from "./otlp_encoder.ts";
import { messageOf } from "../../trace/_text.ts";

/**
 * Options of an {@linkcode OtlpHttpSink}.
 *
 * @example
 * ```ts
 * import type { OtlpHttpSinkOptions } from "@spanwire/trace/exporters/otlp";
 *
 * const options: OtlpHttpSinkOptions = {
 *   url: "http://localhost:4318/v1/traces",
 *   headers: { authorization: "Bearer x" },
 *   compression: "gzip",
 *   timeoutMs: 10_000,
 * };
 * ```
 */
export interface OtlpHttpSinkOptions {
  /** The traces URL, used as is (default `http://localhost:4318/v1/traces`). */
  url?: string | undefined;
  /** The body encoding, for `content-type` (default `"protobuf"`). */
  format?: OtlpFormat | undefined;
  /** More request headers (for example `authorization`). */
  headers?: Readonly<Record<string, string>> | undefined;
  /** `"gzip"` compresses bodies (`content-encoding: gzip`); default `"none"`. */
  compression?: "gzip" | "none" | undefined;
  /** The time one request may take, in ms (default 10,000, OTLP's default). */
  timeoutMs?: number | undefined;
  /** Attempts of one body at most, the first included (default 5). */
  maxAttempts?: number | undefined;
  /** The first retry's wait, in ms (default 1000); it doubles each retry, with jitter. */
  initialBackoffMs?: number | undefined;
  /** The longest wait between two attempts, in ms (default 5000; `Retry-After` up to 30 s). */
  maxBackoffMs?: number | undefined;
  /** Requests in flight at most (default 2). A send waits for a slot. */
  maxConcurrentRequests?: number | undefined;
  /**
   * After a body failed for want of a reachable receiver (network errors, timeouts), bodies
   * fail at once, without a request, for this long in ms (default 5000): an absent receiver
   * costs nothing and `drain()` ends.
   */
  downCooldownMs?: number | undefined;
  /**
   * The `fetch` to use. By default, on Deno, an `http:` URL with no proxy variable set goes
   * through a small HTTP/1.1 client on `Deno.connect` (kept-alive connections, the body written
   * as is: about a third of the CPU of Deno's `fetch` per request); anything else through
   * `globalThis.fetch`.
   */
  fetch?: typeof fetch | undefined;
  /** Jitter's random source in [0, 1) (default `Math.random`). */
  random?: (() => number) | undefined;
  /** Where the rate-limited warnings go (default `console.warn`). */
  warn?: ((message: string) => void) | undefined;
}

/**
 * The counters of an {@linkcode OtlpHttpSink}, all cumulative.
 *
 * @example
 * ```ts
 * import type { OtlpHttpSinkStats } from "@spanwire/trace/exporters/otlp";
 *
 * const s: OtlpHttpSinkStats = {
 *   requests: 3, delivered: 2, failed: 1, retries: 1, rejectedSpans: 0, bytesSent: 1024,
 * };
 * ```
 */
export interface OtlpHttpSinkStats {
  /** HTTP requests made (retries included). */
  requests: number;
  /** Bodies the receiver accepted (2xx). */
  delivered: number;
  /** Bodies given up on (a non-retryable status, attempts exhausted, receiver down, closed). */
  failed: number;
  /** Attempts after the first one. */
  retries: number;
  /** Spans the receiver reported rejected in partial successes. */
  rejectedSpans: number;
  /** Bytes of bodies sent in requests (after compression, retries included). */
  bytesSent: number;
}

const RETRYABLE = new Set([429, 502, 503, 504]);
const MAX_RETRY_AFTER_MS = 30_000;

function positive(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) {
    throw new RangeError(`Cannot make OtlpHttpSink: ${what} ${v} is not a non-negative number`);
  }
  return v;
}

/**
 * Reads a `Retry-After` header: delay-seconds or an HTTP date. Returns ms, or undefined.
 *
 * @param value The header value.
 * @param now The current time in ms since the epoch.
 * @returns The wait in ms (at least 0), or undefined when absent or unreadable.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "@spanwire/trace/exporters/otlp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseRetryAfter("3"), 3000);
 * assert.equal(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000), 6000);
 * assert.equal(parseRetryAfter("soon"), undefined);
 * ```
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

async function gzip(body: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([body as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

type Outcome = "ok" | "retry" | "fail" | "down";

/**
 * Sends OTLP request bodies over HTTP: a `PacketSink` for the export pipeline.
 *
 * - `POST` to `url` with `content-type` `application/x-protobuf` or `application/json`, and
 *   `content-encoding: gzip` when compression is on.
 * - 2xx: delivered; a partial success's `rejected_spans` is counted (`rejectedSpans`) and
 *   warned about.
 * - 429, 502, 503, 504, network errors and timeouts are retried, up to `maxAttempts` in all,
 *   after an exponential backoff with jitter (`initialBackoffMs` doubling up to
 *   `maxBackoffMs`, each wait drawn from its upper half), or after `Retry-After` when the
 *   receiver sends one (up to 30 s). Other statuses (400 and the rest) are not retried.
 * - Each attempt has its own timeout (`timeoutMs`); at most `maxConcurrentRequests` are in
 *   flight.
 * - A receiver that cannot be reached (network errors or timeouts until the attempts run out)
 *   is taken as down for `downCooldownMs`: bodies fail at once meanwhile, so the exporter's
 *   queue drains and `drain()` ends; the failures are counted by the exporter.
 * - `close()` stops retrying: waiting bodies fail at once.
 * - Never throws or rejects: `send` resolves `true` (delivered) or `false` (failed).
 * - Each request (retries included) is made inside `withTracingSuppressed`, so instrumented
 *   HTTP clients do not trace the export itself: with `@spanwire/trace/otel` registered,
 *   `@opentelemetry/instrumentation-http` sees `isTracingSuppressed(context.active())` and
 *   makes no span for it (no feedback loop of export spans).
 *
 * @example Deliver to a mock receiver, through a 503
 * ```ts
 * import { OtlpEncoder, OtlpHttpSink } from "@spanwire/trace/exporters/otlp";
 * import { MockOtlpReceiver } from "@spanwire/trace/exporters/otlp/testing";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const receiver = await MockOtlpReceiver.start();
 * receiver.respondNext({ status: 503, retryAfter: "0" });
 * const sink = new OtlpHttpSink({ url: `${receiver.url}/v1/traces`, initialBackoffMs: 10 });
 * const body = new OtlpEncoder({ serviceName: "svc" }).encode([Span.root("a")]);
 * assert.equal(await sink.send(body), true);
 * assert.equal(sink.stats().retries, 1);
 * assert.equal((await receiver.waitForSpans(1))[0]?.name, "a");
 * await sink.close();
 * await receiver.close();
 * ```
 */
export class OtlpHttpSink implements PacketSink {
  /** The traces URL. */
  readonly url: string;
  /**
   * True: once a `send` has settled (answered, or given up after its retries and timeouts), no
   * attempt uses the body any more, so the pipeline may reuse its bytes for the next body.
   */
  readonly releasesPackets: boolean = true;
  readonly #contentType: string;
  readonly #json: boolean;
  readonly #headers: Record<string, string>;
  readonly #gzip: boolean;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #initialBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #maxConcurrent: number;
  readonly #downCooldownMs: number;
  readonly #fetch: typeof fetch;
  readonly #http1: DenoHttp1Client | undefined;
  readonly #random: () => number;
  readonly #warning: RateLimitedWarning;
  readonly #partialWarning: RateLimitedWarning;

  #inFlight = 0;
  #slotWaiters: (() => void)[] = [];
  #downUntil = 0;
  #closed = false;
  #wakeSleepers = new Set<() => void>();
  #stats: OtlpHttpSinkStats = {
    requests: 0,
    delivered: 0,
    failed: 0,
    retries: 0,
    rejectedSpans: 0,
    bytesSent: 0,
  };

  /**
   * Makes a sink; nothing is sent until `send`.
   *
   * @param options URL, encoding, headers, compression, timeout, retries, concurrency.
   * @throws {TypeError} If the URL is not an http(s) URL or the compression unknown.
   * @throws {RangeError} If a number option is negative or not finite.
   */
  constructor(options: OtlpHttpSinkOptions = {}) {
    const url = options.url ?? "http://localhost:4318/v1/traces";
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TypeError(`Cannot make OtlpHttpSink: ${JSON.stringify(url)} is not a URL`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new TypeError(`Cannot make OtlpHttpSink: ${JSON.stringify(url)} is not http(s)`);
    }
    const compression = options.compression ?? "none";
    if (compression !== "gzip" && compression !== "none") {
      throw new TypeError(
        `Cannot make OtlpHttpSink: compression ${
          JSON.stringify(compression)
        } is not "gzip" or "none"`,
      );
    }
    this.url = url;
    this.#json = options.format === "json";
    this.#contentType = this.#json ? JSON_CONTENT_TYPE : PROTOBUF_CONTENT_TYPE;
    this.#headers = { ...options.headers };
    this.#gzip = compression === "gzip";
    this.#timeoutMs = positive(options.timeoutMs, 10_000, "timeoutMs");
    this.#maxAttempts = Math.max(1, Math.floor(positive(options.maxAttempts, 5, "maxAttempts")));
    this.#initialBackoffMs = positive(options.initialBackoffMs, 1000, "initialBackoffMs");
    this.#maxBackoffMs = positive(options.maxBackoffMs, 5000, "maxBackoffMs");
    this.#maxConcurrent = Math.max(
      1,
      Math.floor(positive(options.maxConcurrentRequests, 2, "maxConcurrentRequests")),
    );
    this.#downCooldownMs = positive(options.downCooldownMs, 5000, "downCooldownMs");
    this.#http1 = options.fetch === undefined && canUseDenoHttp1(parsed)
      ? new DenoHttp1Client()
      : undefined;
    this.#fetch = options.fetch ?? this.#http1?.fetch ??
      ((input, init) => globalThis.fetch(input, init));
    this.#random = options.random ?? Math.random;
    const warn = options.warn ?? ((m: string) => console.warn(m));
    this.#warning = new RateLimitedWarning(warn);
    this.#partialWarning = new RateLimitedWarning(warn);
  }

  /**
   * The counters so far.
   *
   * @returns A snapshot.
   */
  stats(): OtlpHttpSinkStats {
    return { ...this.#stats };
  }

  /**
   * Sends one request body, retrying as described above.
   *
   * @param body The `ExportTraceServiceRequest`, encoded as this sink's format says.
   * @returns `true` when the receiver accepted it, else `false`; never rejects.
   */
  async send(body: Uint8Array): Promise<boolean> {
    try {
      return await this.#send(body);
    } catch (e) {
      return this.#failed(`unexpected error: ${messageOf(e)}`);
    }
  }

  /**
   * Stops retrying and refuses new bodies (they fail, counted by the exporter). Requests in
   * flight finish or time out on their own.
   */
  close(): void {
    this.#closed = true;
    this.#http1?.close();
    for (const wake of this.#wakeSleepers) wake();
    this.#wakeSleepers.clear();
    for (const w of this.#slotWaiters.splice(0)) w();
  }

  // --- internals -------------------------------------------------------------------------

  async #send(body: Uint8Array): Promise<boolean> {
    if (this.#closed) return this.#failed("the sink is closed");
    if (Date.now() < this.#downUntil) {
      return this.#failed("the receiver was unreachable moments ago", true);
    }
    const payload = this.#gzip ? await gzip(body) : body as Uint8Array<ArrayBuffer>;
    let reason = "";
    let unreachable = true;
    for (let attempt = 1;; attempt++) {
      if (this.#closed) return this.#failed(`the sink closed while retrying (${reason})`);
      await this.#slot();
      let outcome: Outcome;
      let retryAfterMs: number | undefined;
      try {
        ({ outcome, reason, retryAfterMs } = await this.#attempt(payload));
      } finally {
        this.#release();
      }
      if (outcome === "ok") return true;
      if (outcome === "fail") return this.#failed(reason);
      if (outcome === "retry") unreachable = false;
      if (attempt >= this.#maxAttempts) {
        if (unreachable) this.#downUntil = Date.now() + this.#downCooldownMs;
        return this.#failed(`${reason}; gave up after ${attempt} attempts`);
      }
      this.#stats.retries++;
      const backoff = Math.min(this.#maxBackoffMs, this.#initialBackoffMs * 2 ** (attempt - 1));
      const wait = retryAfterMs !== undefined
        ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS)
        : backoff * (0.5 + 0.5 * this.#random());
      await this.#sleep(wait);
    }
  }

  async #attempt(
    payload: Uint8Array<ArrayBuffer>,
  ): Promise<{ outcome: Outcome; reason: string; retryAfterMs?: number | undefined }> {
    const headers: Record<string, string> = {
      ...this.#headers,
      "content-type": this.#contentType,
    };
    if (this.#gzip) headers["content-encoding"] = "gzip";
    const controller = new AbortController();
    const timer = setUnrefTimeout(() => controller.abort(), this.#timeoutMs);
    this.#stats.requests++;
    this.#stats.bytesSent += payload.length;
    try {
      // Tracing suppressed: an instrumented HTTP client (OpenTelemetry's http instrumentation
      // through `@spanwire/trace/otel`, a `tracedFetch` given as `fetch`) must not trace the
      // export of spans, which would export spans of its own, in a loop.
      const response = await withTracingSuppressed(() =>
        this.#fetch(this.url, {
          method: "POST",
          headers,
          body: payload,
          signal: controller.signal,
        })
      );
      const bytes = new Uint8Array(await response.arrayBuffer());
      const status = response.status;
      if (status >= 200 && status < 300) {
        this.#stats.delivered++;
        this.#partial(bytes, response.headers.get("content-type"));
        return { outcome: "ok", reason: "" };
      }
      const reason = `HTTP ${status}`;
      if (RETRYABLE.has(status)) {
        return {
          outcome: "retry",
          reason,
          retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
        };
      }
      return { outcome: "fail", reason: `${reason} (not retryable)` };
    } catch (e) {
      const timedOut = controller.signal.aborted;
      return {
        outcome: "down",
        reason: timedOut
          ? `no answer within ${this.#timeoutMs} ms`
          : `cannot connect (${messageOf(e)})`,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  #partial(bytes: Uint8Array, contentType: string | null): void {
    if (bytes.length === 0) return;
    try {
      const json = contentType !== null ? contentType.includes("json") : this.#json;
      const partial = json ? decodeOtlpResponseJson(bytes) : decodeOtlpResponseProtobuf(bytes);
      if (partial.rejectedSpans > 0 || partial.errorMessage !== "") {
        this.#stats.rejectedSpans += partial.rejectedSpans;
        this.#partialWarning.warn(
          `spanwire: the OTLP receiver at ${this.url} rejected ${partial.rejectedSpans} span(s): ${partial.errorMessage}`,
        );
      }
    } catch {
      // an unreadable success body is still a success
    }
  }

  #failed(reason: string, quiet = false): false {
    this.#stats.failed++;
    if (!quiet) {
      this.#warning.warn(
        `spanwire: cannot send spans to the OTLP receiver at ${this.url} (${reason}); the spans are dropped and counted`,
      );
    }
    return false;
  }

  #slot(): Promise<void> {
    if (this.#inFlight < this.#maxConcurrent || this.#closed) {
      this.#inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.#slotWaiters.push(() => {
        this.#inFlight++;
        resolve();
      });
    });
  }

  #release(): void {
    this.#inFlight--;
    this.#slotWaiters.shift()?.();
  }

  #sleep(ms: number): Promise<void> {
    if (this.#closed || ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakeSleepers.delete(wake);
        resolve();
      };
      const timer = setUnrefTimeout(wake, ms);
      this.#wakeSleepers.add(wake);
    });
  }
}
