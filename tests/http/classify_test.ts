// IOx's classification (trace_http/src/classify.rs), status by status.

import assert from "node:assert/strict";
import { classifyResponse } from "../../http/mod.ts";

Deno.test("classifyResponse follows IOx", () => {
  const table: [number, string, boolean, string?][] = [
    [200, "ok", true],
    [201, "ok", true],
    [204, "ok", true],
    [299, "ok", true],
    [304, "ok", true], // IOx: NOT_MODIFIED is success
    [404, "path_not_found", false, "not found"],
    [405, "method_not_allowed", false, "method not allowed"],
    [400, "client_error", false, "unexpected 4XX status code: 400"],
    [401, "client_error", false],
    [429, "client_error", false],
    [499, "client_error", false],
    [501, "client_error", false, "not implemented"],
    [500, "server_error", false, "unexpected 5XX status code: 500"],
    [502, "server_error", false],
    [503, "server_error", false],
    [599, "server_error", false],
    // our documented difference: redirects and informational responses are not failures
    [101, "ok", true],
    [301, "ok", true],
    [302, "ok", true],
    [307, "ok", true],
    [0, "unexpected", false],
    [600, "unexpected", false],
  ];
  for (const [status, outcome, ok, message] of table) {
    const c = classifyResponse(status);
    assert.equal(c.outcome, outcome, `${status}`);
    assert.equal(c.ok, ok, `${status}`);
    if (message !== undefined) assert.equal(c.message, message, `${status}`);
  }
});

Deno.test("classifyResponse reads grpc-status on success responses (IOx's table)", () => {
  const grpc = (value: string) => classifyResponse(200, new Headers({ "grpc-status": value }));
  assert.equal(grpc("0").ok, true);
  assert.deepEqual([grpc("1").outcome, grpc("1").message], ["client_error", "cancelled"]);
  assert.deepEqual([grpc("3").outcome, grpc("3").message], ["client_error", "invalid argument"]);
  assert.deepEqual([grpc("13").outcome, grpc("13").message], ["server_error", "internal"]);
  assert.deepEqual([grpc("16").outcome, grpc("16").message], ["client_error", "unauthenticated"]);
  assert.equal(grpc("17").message, "unrecognised status code: 17");
  assert.equal(grpc("x").message, "grpc status not integer");
  // not read on error statuses
  assert.equal(classifyResponse(500, new Headers({ "grpc-status": "0" })).ok, false);
});
