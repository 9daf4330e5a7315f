/**
 * The error {@linkcode decodeEmitBatch} throws for bytes that are not a valid `emitBatch`
 * message.
 *
 * @module
 */

/**
 * Bytes that are not a valid compact-Thrift `Agent.emitBatch` message: the message says what
 * is wrong and at which byte offset, and {@linkcode DecodeError.offset} holds that offset.
 *
 * @example
 * ```ts
 * import { DecodeError, decodeEmitBatch } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => decodeEmitBatch(new Uint8Array([0x80])), (e) => {
 *   return e instanceof DecodeError && e.offset === 0;
 * });
 * ```
 */
export class DecodeError extends Error {
  /** The byte offset in the input where the problem was found. */
  readonly offset: number;

  /**
   * Makes a decode error.
   *
   * @param what What is wrong, e.g. "wrong protocol id 0x80".
   * @param offset The byte offset where it was found.
   * @param options Standard error options (a `cause`).
   */
  constructor(what: string, offset: number, options?: ErrorOptions) {
    super(`Cannot decode emitBatch: ${what} at offset ${offset}`, options);
    this.name = "DecodeError";
    this.offset = offset;
  }
}
