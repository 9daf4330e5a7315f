/**
 * {@linkcode TraceContextError}: an incoming trace context header is present but malformed.
 *
 * @module
 */

import { cut } from "../trace/_text.ts";

/**
 * Thrown by {@linkcode TraceHeaderParser.parse} when a trace context header is present but
 * malformed: it names the header, keeps the offending value (cut to 128 characters) and says
 * why the value was refused. The original `RangeError` or `SyntaxError`, if any, is the
 * `cause`.
 *
 * @example
 * ```ts
 * import { TraceContextError, TraceHeaderParser } from "@spanwire/trace/http";
 * import assert from "node:assert/strict";
 *
 * const parser = new TraceHeaderParser();
 * const headers = new Headers({ "uber-trace-id": "0:1:0:1" });
 * assert.throws(() => parser.parse(headers), (error: unknown) => {
 *   assert.ok(error instanceof TraceContextError);
 *   assert.equal(error.header, "uber-trace-id");
 *   assert.equal(error.value, "0:1:0:1");
 *   assert.equal(error.reason, "trace id is zero, which is not a valid id");
 *   return true;
 * });
 * ```
 */
export class TraceContextError extends Error {
  /** The header that held the malformed value, as configured (for example `uber-trace-id`). */
  readonly header: string;
  /** The offending value, cut to 128 characters (with the full length noted when cut). */
  readonly value: string;
  /** Why the value was refused, without the header name. */
  readonly reason: string;

  /**
   * Makes the error.
   *
   * @param header The header name.
   * @param value The offending value (it is cut to 128 characters).
   * @param reason Why it was refused.
   * @param options `cause`: the underlying error, if any.
   */
  constructor(header: string, value: string, reason: string, options?: ErrorOptions) {
    const shown = cut(value);
    super(
      `Cannot parse trace context header "${header}": ${reason} (value: ${JSON.stringify(shown)})`,
      options,
    );
    this.name = "TraceContextError";
    this.header = header;
    this.value = shown;
    this.reason = reason;
  }
}
