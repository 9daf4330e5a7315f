/**
 * {@linkcode OtlpDecodeError}: what the OTLP decoders throw for input that is not a valid
 * `ExportTraceServiceRequest`.
 *
 * @module
 */

/**
 * Input that is not a valid OTLP trace request (protobuf or JSON): truncated, a wrong wire type
 * or JSON type for a known field, an id of the wrong length, invalid UTF-8, nesting too deep, a
 * body over the size limit. `offset` is the byte offset (protobuf) where it was found, or -1.
 *
 * @example
 * ```ts
 * import { decodeOtlpProtobuf, OtlpDecodeError } from "@spanwire/trace/exporters/otlp";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => decodeOtlpProtobuf(new Uint8Array([0x0a, 0x05])), OtlpDecodeError);
 * ```
 */
export class OtlpDecodeError extends Error {
  /** The byte offset where the problem was found, or -1. */
  readonly offset: number;

  /**
   * Makes an error.
   *
   * @param message What is wrong.
   * @param offset Where (a byte offset), or -1.
   */
  constructor(message: string, offset = -1) {
    super(
      offset >= 0
        ? `Cannot decode OTLP: ${message} (at byte ${offset})`
        : `Cannot decode OTLP: ${message}`,
    );
    this.name = "OtlpDecodeError";
    this.offset = offset;
  }
}
