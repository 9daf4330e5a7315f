/**
 * {@linkcode OtlpEncoder}: the OTLP protocol of the export pipeline (a `SpanProtocol`): spans
 * are encoded when they finish, through the one mapping of `span_to_otlp.ts`, and framed into
 * `ExportTraceServiceRequest` bodies of at most `maxBatchBytes`, as protobuf or OTLP/JSON.
 *
 * @module
 */

import type { MetadataValue, Span } from "../../trace/span.ts";
import type {
  BatchFramer,
  PacketFrame,
  SpanEncoder,
  SpanProtocol,
} from "../pipeline/span_protocol.ts";
import { JSON_CONTENT_TYPE, PROTOBUF_CONTENT_TYPE } from "./_fields.ts";
import { JsonWriter } from "./_json_writer.ts";
import { ProtoSizer, ProtoWriter } from "./_proto_writer.ts";
import {
  writeJsonFrame,
  writeJsonSpanElement,
  writeProtobufFrame,
  writeResource,
  writeScope,
  writeSpan,
} from "./span_to_otlp.ts";

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

/** The default largest request body: 1 MiB. */
export const DEFAULT_MAX_BATCH_BYTES = 1024 * 1024;
/** The smallest `maxBatchBytes` accepted. */
export const MIN_BATCH_BYTES = 1024;
/** The largest `maxBatchBytes` accepted (64 MiB). */
export const MAX_BATCH_BYTES = 64 * 1024 * 1024;

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
 *   maxBatchBytes: 512 * 1024,
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
  /** The largest request body in bytes (default 1 MiB; from 1 KiB to 64 MiB). */
  maxBatchBytes?: number | undefined;
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

/** One span to bytes: protobuf `ScopeSpans.spans` field, or a JSON `ScopeSpans` element. */
class OtlpSpanEncoder implements SpanEncoder {
  readonly #proto: ProtoWriter | undefined;
  readonly #json: JsonWriter | undefined;

  constructor(format: OtlpFormat) {
    this.#proto = format === "protobuf" ? new ProtoWriter(2048) : undefined;
    this.#json = format === "json" ? new JsonWriter(2048) : undefined;
  }

  encode(span: Span): Uint8Array {
    const p = this.#proto;
    if (p !== undefined) {
      p.resetWithHeadroom();
      writeSpan(p, span);
      return p.buf.subarray(p.begin, p.pos);
    }
    const j = this.#json!;
    j.reset();
    writeJsonSpanElement(j, span);
    return j.buf.subarray(0, j.pos);
  }
}

/** Requests around runs of encoded spans, sized by the byte-counting twin. */
class OtlpBatchFramer implements BatchFramer {
  readonly maxPacketSize: number;
  readonly maxSpanBytes: number;
  readonly #resource: ReadonlyMap<string, MetadataValue>;
  readonly #json: boolean;
  readonly #sizer = new ProtoSizer();
  readonly #writer: ProtoWriter | JsonWriter;
  /** Protobuf: the `resource` and `scope` fields, written once. */
  readonly #resourceField: Uint8Array;
  readonly #scopeField: Uint8Array;
  /** JSON: the frame's size without spans (spans add exactly their bytes). */
  readonly #jsonFrameSize: number;

  constructor(format: OtlpFormat, resource: ReadonlyMap<string, MetadataValue>, max: number) {
    this.#resource = resource;
    this.#json = format === "json";
    this.maxPacketSize = max;
    const proto = new ProtoWriter(256);
    writeResource(proto, resource);
    this.#resourceField = proto.bytes();
    proto.reset();
    writeScope(proto);
    this.#scopeField = proto.bytes();
    this.#writer = this.#json ? new JsonWriter(256) : proto;
    this.#jsonFrameSize = this.#json ? this.#frameJson().length : 0;
    // The largest span that fits a request on its own.
    let fit = max - (this.packetSize(1, 0));
    while (fit > 0 && this.packetSize(1, fit) > max) fit--;
    if (fit <= 0) {
      throw new RangeError(
        `Cannot make OtlpEncoder: maxBatchBytes ${max} leaves no room for a span after the resource`,
      );
    }
    this.maxSpanBytes = fit;
  }

  #frameJson(): Uint8Array {
    const w = this.#writer;
    w.reset();
    writeJsonFrame(w, this.#resource);
    return w.buf.subarray(0, w.pos);
  }

  packetSize(_count: number, spanBytes: number): number {
    if (this.#json) return this.#jsonFrameSize + spanBytes;
    const sizer = this.#sizer;
    sizer.reset();
    writeProtobufFrame(sizer, this.#resourceField, this.#scopeField, spanBytes);
    return sizer.size;
  }

  frame(_count: number, spanBytes: number): PacketFrame {
    const w = this.#writer;
    w.reset();
    if (this.#json) writeJsonFrame(w, this.#resource);
    else writeProtobufFrame(w, this.#resourceField, this.#scopeField, spanBytes);
    const at = w.gapAt;
    return { head: w.buf.slice(0, at), tail: w.buf.slice(at, w.pos) };
  }
}

/**
 * The OTLP protocol of the export pipeline (give it to `AsyncExporter` as its `packer`), and
 * a one-off encoder of request bodies.
 *
 * - Its `encoder` encodes a finished span on its own (protobuf: one `ScopeSpans.spans` field,
 *   tag and length included; JSON: one `ScopeSpans` element of its own, see
 *   `writeJsonSpanElement`).
 * - Its `framer` wraps a run of encoded spans into an `ExportTraceServiceRequest` of one
 *   `ResourceSpans` (`service.name`, then the other resource attributes) and scope `spanwire`,
 *   of an exact size at most `maxBatchBytes`, taken from the byte-counting twin of the writer.
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
 * const [decoded] = decodeOtlpProtobuf(encoder.encode([span])).spans;
 * assert.equal(decoded?.serviceName, "svc");
 * assert.equal(decoded?.kind, 2); // SERVER
 * assert.equal(decoded?.startTimeUnixNano, 1_000_000n);
 * assert.equal(decoded?.attributes["http.status_code"], 200n);
 * ```
 *
 * @example Export through the pipeline
 * ```ts
 * import { decodeOtlpProtobuf, OtlpEncoder } from "@spanwire/trace/exporters/otlp";
 * import { AsyncExporter } from "@spanwire/trace/exporters/pipeline";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const bodies: Uint8Array[] = [];
 * const exporter = new AsyncExporter({
 *   packer: new OtlpEncoder({ serviceName: "svc" }),
 *   sink: { send: (body) => (bodies.push(body), true) },
 * });
 * exporter.export(Span.root("a"));
 * exporter.export(Span.root("b"));
 * await exporter.close();
 * assert.deepEqual(decodeOtlpProtobuf(bodies[0]!).spans.map((s) => s.name), ["a", "b"]);
 * ```
 */
export class OtlpEncoder implements SpanProtocol {
  /** The body encoding. */
  readonly format: OtlpFormat;
  /** The HTTP `content-type` of the bodies. */
  readonly contentType: string;
  /** Finished span to bytes. */
  readonly encoder: SpanEncoder;
  /** Bytes of spans to request bodies. */
  readonly framer: BatchFramer;
  readonly #resource: Map<string, MetadataValue>;

  /**
   * Makes an encoder.
   *
   * @param options The service name, resource attributes, encoding and body size limit.
   * @throws {TypeError} If the service name is empty or the format unknown.
   * @throws {RangeError} If `maxBatchBytes` is not from 1 KiB to 64 MiB.
   */
  constructor(options: OtlpEncoderOptions) {
    const format = options.format ?? "protobuf";
    if (format !== "protobuf" && format !== "json") {
      throw new TypeError(
        `Cannot make OtlpEncoder: format ${JSON.stringify(format)} is not "protobuf" or "json"`,
      );
    }
    const max = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    if (!Number.isInteger(max) || max < MIN_BATCH_BYTES || max > MAX_BATCH_BYTES) {
      throw new RangeError(
        `Cannot make OtlpEncoder: maxBatchBytes ${max} is not an integer from ${MIN_BATCH_BYTES} to ${MAX_BATCH_BYTES}`,
      );
    }
    this.format = format;
    this.contentType = format === "json" ? JSON_CONTENT_TYPE : PROTOBUF_CONTENT_TYPE;
    this.#resource = resourceAttributes(options);
    this.encoder = new OtlpSpanEncoder(format);
    this.framer = new OtlpBatchFramer(format, this.#resource, max);
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
   * Encodes one span on its own, as the pipeline queues it.
   *
   * @param span The span.
   * @returns Its bytes (a fresh array).
   */
  encodeSpan(span: Span): Uint8Array<ArrayBuffer> {
    return this.encoder.encode(span).slice();
  }

  /**
   * Frames spans encoded by {@linkcode OtlpEncoder.encodeSpan} into one request body, whatever
   * its size.
   *
   * @param spans The encoded spans.
   * @returns The body.
   */
  frame(spans: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
    let total = 0;
    for (const s of spans) total += s.length;
    const { head, tail } = this.framer.frame(spans.length, total);
    const out = new Uint8Array(head.length + total + tail.length);
    out.set(head, 0);
    let at = head.length;
    for (const s of spans) {
      out.set(s, at);
      at += s.length;
    }
    out.set(tail, at);
    return out;
  }

  /**
   * Encodes spans into one request body, whatever its size (for tests and one-off sends).
   *
   * @param spans The spans.
   * @returns The body.
   */
  encode(spans: readonly Span[]): Uint8Array<ArrayBuffer> {
    return this.frame(spans.map((s) => this.encodeSpan(s)));
  }
}
