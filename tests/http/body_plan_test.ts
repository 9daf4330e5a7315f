// planBody: every body-size strategy of traceLayer in one table. Sizes are checked against
// TextEncoder's byte counts, not against our own counting.

import assert from "node:assert/strict";
import { LARGE_BODY, planBody } from "../../http/_body_plan.ts";
import { overrideBodyShape, UNKNOWN } from "../../http/_deno_body.ts";

const completed = Promise.resolve();
const info = { completed };
const utf8 = (text: string): number => new TextEncoder().encode(text).byteLength;
const stream = (): ReadableStream<Uint8Array> =>
  new ReadableStream({
    pull(c): void {
      c.close();
    },
  });

interface Row {
  what: string;
  response: () => Response;
  method?: string;
  info?: unknown;
  expected: {
    how: string;
    bytes?: number;
    waitFor?: Promise<void> | undefined;
    processed?: boolean;
  };
  /** Pretend the runtime cannot tell body shapes (not Deno): the portable way. */
  portable?: boolean;
}

const big = new Uint8Array(LARGE_BODY + 1);

const rows: Row[] = [
  { what: "HEAD", response: () => new Response("x"), method: "HEAD", expected: { how: "empty" } },
  {
    what: "body already used",
    response: () => {
      const r = new Response("x");
      r.text();
      return r;
    },
    expected: { how: "empty" },
  },
  { what: "null body", response: () => new Response(null), expected: { how: "empty" } },
  {
    what: "a string",
    response: () => new Response("hello €"),
    expected: { how: "fixed", bytes: utf8("hello €"), waitFor: undefined, processed: true },
  },
  {
    what: "an empty string",
    response: () => new Response(""),
    expected: { how: "fixed", bytes: 0, waitFor: undefined, processed: true },
  },
  {
    what: "JSON",
    response: () => Response.json({ a: "ü" }),
    expected: { how: "fixed", bytes: utf8('{"a":"ü"}'), waitFor: undefined, processed: true },
  },
  {
    what: "large bytes with info.completed: wait for delivery",
    response: () => new Response(big),
    info,
    expected: { how: "fixed", bytes: big.byteLength, waitFor: completed, processed: true },
  },
  {
    what: "large bytes without info: taken as sent when handed over",
    response: () => new Response(big),
    expected: { how: "fixed", bytes: big.byteLength, waitFor: undefined, processed: true },
  },
  {
    what: "content-length with info.completed: the body is not looked at",
    response: () => new Response(stream(), { headers: { "content-length": "12" } }),
    info,
    expected: { how: "fixed", bytes: 12, waitFor: completed, processed: true },
  },
  {
    what: "content-length 0 with info.completed",
    response: () => new Response(null, { headers: { "content-length": "0" } }),
    info,
    expected: { how: "fixed", bytes: 0, waitFor: completed, processed: false },
  },
  {
    what: "an insane content-length is ignored",
    response: () => new Response("abc", { headers: { "content-length": "-1" } }),
    info,
    expected: { how: "fixed", bytes: 3, waitFor: undefined, processed: true },
  },
  { what: "a stream", response: () => new Response(stream()), expected: { how: "stream" } },
  {
    what: "not Deno: a string is looked at through a clone",
    response: () => new Response("hello"),
    portable: true,
    expected: { how: "look-ahead" },
  },
];

Deno.test("planBody: every strategy, one table", () => {
  for (const row of rows) {
    if (row.portable) overrideBodyShape(() => UNKNOWN);
    try {
      const plan = planBody(row.response(), row.method ?? "GET", row.info);
      assert.deepEqual({ ...plan }, row.expected, row.what);
    } finally {
      if (row.portable) overrideBodyShape(undefined);
    }
  }
});
