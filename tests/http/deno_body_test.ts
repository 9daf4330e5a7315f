// Body shapes read without touching the body: sizes checked against TextEncoder and the
// bytes' own length (independent references), streams and null bodies told apart, and the
// response left as it was (its body still readable in full, its fast path not turned into a
// stream).

import assert from "node:assert/strict";
import {
  bodyShape,
  bodyShapeKnown,
  NO_BODY,
  STREAM,
  UNKNOWN,
  utf8Length,
} from "../../http/_deno_body.ts";

const encoder = new TextEncoder();

Deno.test("utf8Length agrees with TextEncoder on every kind of UTF-16", () => {
  const samples = [
    "",
    "plain ascii",
    "\u007f\u0080\u07ff\u0800\uffff", // the edges of 1, 2 and 3 bytes
    "h\u00e9llo w\u00f6rld",
    "\u65e5\u672c\u8a9e",
    "\u{1f600}\u{10ffff}\u{10000}", // surrogate pairs: 4 bytes each
    "\ud83d", // a lone high surrogate at the end
    "\ud83dx", // a lone high surrogate before ASCII
    "\ude00x", // a lone low surrogate
    "\ud83d\ud83d\ude00", // a lone high surrogate, then a pair
    "\ude00\ud83d", // low then high: two lone surrogates
    "x".repeat(70_000) + "\u00e9",
  ];
  for (const text of samples) {
    assert.equal(utf8Length(text), encoder.encode(text).byteLength, JSON.stringify(text));
  }
});

Deno.test("bodyShape: on Deno every fixed body is sized and every stream is one", async (t) => {
  assert.ok(bodyShapeKnown(), "Deno's responses are recognised (else the look-ahead is used)");
  const text = "h\u00e9llo \u{1f600}";
  const bytes = new Uint8Array([1, 2, 3, 4, 5]);
  const cases: [string, () => Response, number][] = [
    ["string", () => new Response(text), encoder.encode(text).byteLength],
    ["string with init", () => new Response(text, { status: 201 }), encoder.encode(text).length],
    ["empty string", () => new Response(""), 0],
    ["Response.json", () => Response.json({ a: [1, 2] }), encoder.encode('{"a":[1,2]}').length],
    ["Uint8Array", () => new Response(bytes), bytes.byteLength],
    ["ArrayBuffer", () => new Response(new ArrayBuffer(9)), 9],
    ["DataView", () => new Response(new DataView(new ArrayBuffer(4))), 4],
    ["URLSearchParams", () => new Response(new URLSearchParams({ q: "a b" })), "q=a+b".length],
    ["ReadableStream", () => new Response(new ReadableStream()), STREAM],
    ["Blob", () => new Response(new Blob(["abc"])), STREAM],
    ["FormData", () => new Response(new FormData()), STREAM],
    ["null body", () => new Response(null, { status: 204 }), NO_BODY],
    ["redirect", () => Response.redirect("http://localhost/", 302), NO_BODY],
  ];
  for (const [name, make, expected] of cases) {
    await t.step(name, async () => {
      const response = make();
      assert.equal(bodyShape(response), expected);
      // Asked again after the headers were read (which materialises Deno's lazy body).
      void response.headers.get("content-type");
      assert.equal(bodyShape(response), expected);
      // Nothing was read: the body is whole.
      if (typeof expected === "number" && expected >= 0) {
        assert.equal((await response.bytes()).byteLength, expected);
      }
    });
  }
});

Deno.test("bodyShape: a fixed body someone turned into a stream, or consumed, is not taken as fixed", async () => {
  const touched = new Response("abc");
  void touched.body;
  assert.equal(bodyShape(touched), STREAM);
  const used = new Response("abc");
  await used.text();
  assert.equal(bodyShape(used), UNKNOWN);
});
