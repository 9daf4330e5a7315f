// The shape of a `Response` body without touching `response.body`: on Deno, whose `Response`
// keeps a fixed body (a string or bytes) as it was given until something asks for a stream,
// the body is read from the response's internal slot, so that a fixed body's size is known at
// no cost (no `clone()`, no stream, no read) and a stream is known to be one at once.
//
// Deno's internals are not an API: they are found by the description of the response's own
// symbols, and `bodyShape` is only ever used after a self-check on probe responses of every
// kind has passed. Anywhere else (another runtime, a Deno whose internals moved), `bodyShape`
// answers `UNKNOWN` and the caller falls back to the portable way (a `clone()` look-ahead).

/** The runtime does not tell (not Deno, or internals not recognised): use the portable way. */
export const UNKNOWN = -1;
/** The body is a stream (its size is known only by counting it as it is sent). */
export const STREAM = -2;
/** The response has no body. */
export const NO_BODY = -3;

/**
 * A response body's shape: its size in bytes when fixed (a string, bytes, an `ArrayBuffer`,
 * `URLSearchParams`), else {@linkcode STREAM}, {@linkcode NO_BODY} or {@linkcode UNKNOWN}.
 */
export type BodyShape = number;

/** UTF-8 length of a string as encoders write it (a lone surrogate becomes U+FFFD: 3 bytes). */
export function utf8Length(text: string): number {
  const length = text.length;
  let bytes = length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      bytes += 1;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        // A surrogate pair: 2 code units, 4 bytes.
        bytes += 2;
        i++;
      } else {
        bytes += 2;
      }
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

interface StaticBody {
  body: unknown;
  consumed: unknown;
}

interface InnerBodyLike {
  streamOrStatic: ReadableStream | StaticBody;
}

interface InnerResponseLike {
  body: InnerBodyLike | null;
}

type Slots = { [key: symbol]: unknown };

function symbolOf(object: object, description: string): symbol | undefined {
  return Object.getOwnPropertySymbols(object).find((s) => s.description === description);
}

function sizeOfFixed(value: unknown): number {
  if (typeof value === "string") return utf8Length(value);
  if (value instanceof Uint8Array) return value.byteLength;
  return UNKNOWN;
}

function shapeBy(inner: symbol, lazy: symbol | undefined, response: Response): BodyShape {
  const slots = response as unknown as Slots;
  if (lazy !== undefined) {
    // `new Response("text")` and `Response.json(x)` keep the string aside until asked.
    const pending = slots[lazy];
    if (typeof pending === "string") return utf8Length(pending);
    if (pending !== null && pending !== undefined) return UNKNOWN;
  }
  const state = slots[inner] as InnerResponseLike | undefined;
  if (state === null || typeof state !== "object") return UNKNOWN;
  const body = state.body;
  if (body === null) return NO_BODY;
  if (typeof body !== "object") return UNKNOWN;
  const source = body.streamOrStatic;
  if (source instanceof ReadableStream) return STREAM;
  if (source === null || typeof source !== "object" || source.consumed !== false) return UNKNOWN;
  return sizeOfFixed(source.body);
}

/** Whether `shape` tells the truth about responses of every kind. */
function selfCheck(shape: (response: Response) => BodyShape): boolean {
  try {
    const withHeaders = new Response("h\u00e9llo \u{1f600}", { status: 201 });
    withHeaders.headers.set("x-probe", "1");
    const checks: [Response, BodyShape][] = [
      [new Response("h\u00e9llo"), 6],
      [withHeaders, 11],
      [Response.json({ a: 1 }), 7],
      [new Response(new Uint8Array(3)), 3],
      [new Response(new ArrayBuffer(5)), 5],
      [new Response(new URLSearchParams("a=1&b=2")), 7],
      [new Response(new ReadableStream()), STREAM],
      [new Response(new Blob(["abc"])), STREAM],
      [new Response(null, { status: 204 }), NO_BODY],
      [new Response(""), 0],
    ];
    // A fixed body turned into a stream by a reader is a stream.
    const touched = new Response("abc");
    void touched.body;
    checks.push([touched, STREAM]);
    return checks.every(([response, expected]) => shape(response) === expected);
  } catch {
    return false;
  }
}

let resolved: ((response: Response) => BodyShape) | undefined;

function resolve(): (response: Response) => BodyShape {
  const unknown = (): BodyShape => UNKNOWN;
  if (typeof Response !== "function" || typeof ReadableStream !== "function") return unknown;
  try {
    const probe = new Response("probe");
    const inner = symbolOf(probe, "response");
    if (inner === undefined) return unknown;
    const lazy = symbolOf(probe, "lazy static body");
    const shape = (response: Response): BodyShape => shapeBy(inner, lazy, response);
    return selfCheck(shape) ? shape : unknown;
  } catch {
    return unknown;
  }
}

/**
 * The body shape of `response` without touching its body (see the module comment). Call only
 * on a response whose `bodyUsed` is false.
 */
export function bodyShape(response: Response): BodyShape {
  return (resolved ??= resolve())(response);
}

/** Whether this runtime's bodies can be read without a look-ahead (for tests and benches). */
export function bodyShapeKnown(): boolean {
  return bodyShape(new Response("ok")) === 2;
}

/**
 * For tests: replaces how body shapes are told (`undefined`: the runtime's way again), so
 * that the portable look-ahead can be tested on Deno too.
 */
export function overrideBodyShape(shape: ((response: Response) => BodyShape) | undefined): void {
  resolved = shape;
}
