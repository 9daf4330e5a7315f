// The exception event's reading of a thrown value (trace/_exception.ts), against OpenTelemetry's
// semantic conventions for exceptions and its JS SDK's reading of the API's `Exception` shape.

import assert from "node:assert/strict";
import { exceptionDetails } from "../../trace/_exception.ts";

Deno.test("exceptionDetails: Error, Node system error, API shapes, strings and other values", () => {
  const range = exceptionDetails(new RangeError("too many rows"));
  assert.equal(range.details.get("exception.type"), "RangeError");
  assert.equal(range.details.get("exception.message"), "too many rows");
  assert.match(String(range.details.get("exception.stacktrace")), /^RangeError: too many rows/);
  assert.equal(range.message, "too many rows");

  const system = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
  assert.equal(exceptionDetails(system).details.get("exception.type"), "ECONNRESET");

  const named = exceptionDetails({ name: "CustomError" });
  assert.deepEqual([...named.details], [["exception.type", "CustomError"]]);
  assert.equal(named.message, "CustomError");

  const text = exceptionDetails("plain text");
  assert.deepEqual([...text.details], [["exception.message", "plain text"]]);

  for (
    const [value, type, message] of [[42, "number", "42"], [null, "null", "null"], [
      {},
      "object",
      "[object Object]",
    ]] as const
  ) {
    const got = exceptionDetails(value);
    assert.equal(got.details.get("exception.type"), type);
    assert.equal(got.details.get("exception.message"), message);
  }

  const long = new Error("x");
  long.stack = "s".repeat(10_000);
  assert.equal(String(exceptionDetails(long).details.get("exception.stacktrace")).length, 4096);
});
