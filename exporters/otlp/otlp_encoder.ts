/**
 * {@linkcode OtlpEncoder}: spans to OTLP `ExportTraceServiceRequest` bodies, as protobuf or
 * OTLP/JSON, through the one mapping of `span_to_otlp.ts`. A span is encoded on its own (as
 * an element of `ScopeSpans.spans`) and requests are framed around encoded spans, so spans can
 * be encoded when they finish and framed later.
 *
 * @module
 */

import type { MetadataValue, Span } from "../../trace/span.ts";
import { JSON_CONTENT_TYPE, PROTOBUF_CONTENT_TYPE } from "./_fields.ts";
import { JsonWriter } from "./_json_writer.ts";
import { ProtoSizer, ProtoWriter } from "./_proto_writer.ts";
import { writeRequest, writeSpan } from "./span_to_otlp.ts";

/**
 * The OTLP/HTTP body encodings: `"protobuf"` (`application/x-protobuf`, the default) or
 * `"json"` (`application/json`).
 *
 * @example
 * ```ts
 * import type { OtlpFormat } from "@spanwire/trace/exporters/otlp";
 *
 * const format: OtlpFormat = "json";
 * ```
 */
export type OtlpFormat = "protobuf" | "json";

/**
 * Options of an {@linkcode OtlpEncoder}.
 *
 * @example
 * ```ts
 * import type { OtlpEncoderOptions } from "@spanwire/trace/exporters/otlp";
 *
 * const options: OtlpEncoderOptions = {
 *   serviceName: "svc",
 *   attributes: { "host.name": "host-1", env: "prod" },
 *   format: "protobuf",
 * };
 * ```
 */
export interface OtlpEncoderOptions {
  /** The resource's `service.name`. */
  serviceName: string;
  /**
   * More resource attributes (`host.name`, process tags), after `service.name`; a
   * `service.name` here is ignored.
   */
  attributes?:
    | Readonly<Record<string, MetadataValue>>
    | ReadonlyMap<string, MetadataValue>
    | undefined;
  /** The body encoding (default `"protobuf"`). */
  format?: OtlpFormat | undefined;
}

function resourceAttributes(options: OtlpEncoderOptions): Map<string, MetadataValue> {
  if (typeof options.serviceName !== "string" || options.serviceName === "") {
    throw new TypeError("Cannot make OtlpEncoder: serviceName must be a non-empty string");
  }
  const out = new Map<string, MetadataValue>([["service.name", options.serviceName]]);
  const given = options.attributes;
  if (given === undefined) return out;
  const entries = given instanceof Map
    ? given.entries()
    : Object.entries(given as Record<string, MetadataValue>);
  for (const [key, value] of entries) if (key !== "service.name") out.set(key, value);
  return out;
}

const NO_SPANS: Uint8Array[] = [];

/**
 * Encodes spans as OTLP, in one of the two OTLP/HTTP encodings.
 *
 * - {@linkcode OtlpEncoder.encodeSpan}: one span, as an element of `ScopeSpans.spans`
 *   (protobuf: field 2 with its tag and length; JSON: one object).
 * - {@linkcode OtlpEncoder.frame}: an `ExportTraceServiceRequest` around encoded spans: one
 *   `ResourceSpans` (the resource) holding one `ScopeSpans` (scope `spanwire`).
 * - {@linkcode OtlpEncoder.frameSize}: the exact size of that request, from the span bytes.
 *
 * @example Encode a request and read it back
 * ```ts
 * import { decodeOtlpProtobuf, OtlpEncoder } from "@spanwire/trace/exporters/otlp";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const encoder = new OtlpEncoder({ serviceName: "svc" });
 * const span = Span.root("GET /");
 * span.kind = "server";
 * span.start = 1_000;
 * span.end = 2_500;
 * span.setMetadata("http.status_code", 200).ok();
 * const spans = [encoder.encodeSpan(span)];
 * const body = encoder.frame(spans);
 * assert.equal(body.length, encoder.frameSize(1, spans[0]!.length));
 * const [decoded] = decodeOtlpProtobuf(body).spans;
 * assert.equal(decoded?.serviceName, "svc");
 * assert.equal(decoded?.kind, 2); // SERVER
 * assert.equal(decoded?.startTimeUnixNano, 1_000_000n);
 * assert.equal(decoded?.attributes["http.status_code"], 200n);
 * ```
 */
export class OtlpEncoder {
  /** The body encoding. */
  readonly format: OtlpFormat;
  /** The HTTP `content-type` of the bodies. */
  readonly contentType: string;
  readonly #resource: Map<string, MetadataValue>;
  readonly #proto: ProtoWriter | undefined;
  readonly #json: JsonWriter | undefined;
  readonly #sizer = new ProtoSizer();
  /** JSON: the size of a request with no spans (spans add their bytes and a comma each). */
  readonly #emptyJsonFrame: number;

  /**
   * Makes an encoder.
   *
   * @param options The service name, resource attributes and encoding.
   * @throws {TypeError} If the service name is empty or the format unknown.
   */
  constructor(options: OtlpEncoderOptions) {
    const format = options.format ?? "protobuf";
    if (format !== "protobuf" && format !== "json") {
      throw new TypeError(
        `Cannot make OtlpEncoder: format ${JSON.stringify(format)} is not "protobuf" or "json"`,
      );
    }
    this.format = format;
    this.contentType = format === "json" ? JSON_CONTENT_TYPE : PROTOBUF_CONTENT_TYPE;
    this.#resource = resourceAttributes(options);
    this.#proto = format === "protobuf" ? new ProtoWriter() : undefined;
    this.#json = format === "json" ? new JsonWriter() : undefined;
    this.#emptyJsonFrame = format === "json" ? this.frame(NO_SPANS).length : 0;
  }

  /**
   * The resource attributes sent with every request (`service.name` first).
   *
   * @returns A copy.
   */
  get resource(): Map<string, MetadataValue> {
    return new Map(this.#resource);
  }

  /**
   * Encodes one span as an element of `ScopeSpans.spans`.
   *
   * @param span The span.
   * @returns Its bytes (a fresh array).
   */
  encodeSpan(span: Span): Uint8Array<ArrayBuffer> {
    const w = this.#proto ?? this.#json!;
    w.reset();
    writeSpan(w, span);
    return w.bytes();
  }

  /**
   * Frames encoded spans into a request body.
   *
   * @param spans Spans from {@linkcode OtlpEncoder.encodeSpan} of an encoder of this format.
   * @param count How many of them (default all).
   * @returns The body (a fresh array).
   */
  frame(spans: readonly Uint8Array[], count: number = spans.length): Uint8Array<ArrayBuffer> {
    const w = this.#proto ?? this.#json!;
    w.reset();
    writeRequest(w, this.#resource, spans, count);
    return w.bytes();
  }

  /**
   * The exact size of the body {@linkcode OtlpEncoder.frame} makes of `count` spans of
   * `spanBytes` bytes in all.
   *
   * @param count The number of spans.
   * @param spanBytes Their bytes, summed.
   * @returns The body's size in bytes.
   */
  frameSize(count: number, spanBytes: number): number {
    if (this.format === "json") return this.#emptyJsonFrame + spanBytes + Math.max(0, count - 1);
    // The byte-counting twin runs the same framing, with one chunk standing for all the spans
    // (it reads only a chunk's length).
    const sizer = this.#sizer;
    sizer.reset();
    writeRequest(sizer, this.#resource, [{ length: spanBytes } as unknown as Uint8Array], 1);
    return sizer.size;
  }

  /**
   * Encodes spans into one request body (for tests and one-off sends).
   *
   * @param spans The spans.
   * @returns The body.
   */
  encode(spans: readonly Span[]): Uint8Array<ArrayBuffer> {
    return this.frame(spans.map((s) => this.encodeSpan(s)));
  }
}
