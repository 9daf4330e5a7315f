// What the OTLP sink's own HTTP clients (_deno_http1.ts on Deno, ../_node_http_fetch.ts on Node)
// keep of a response, and how they hand it over: as a fetch `Response`, the one shape the sink
// reads, with the status, the two headers it looks at, and at most MAX_RESPONSE_BYTES of body.

/** The most response bytes kept (an OTLP response is a few bytes). */
export const MAX_RESPONSE_BYTES = 1 << 20;

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** Whether a response with `status` carries no body (RFC 9110: 1xx, 204, 205, 304). */
export function hasNoBody(status: number): boolean {
  return NULL_BODY.has(status);
}

/** The response headers the sink reads. */
const KEPT_HEADERS = ["content-type", "retry-after"];

/**
 * The `Response` of a request a sink client made: `chunks` are the body's bytes as read (only
 * their first MAX_RESPONSE_BYTES are kept), `header` reads a response header by its lower-case
 * name.
 */
export function sinkResponse(
  status: number,
  chunks: readonly Uint8Array[],
  header: (name: string) => string | undefined,
): Response {
  let bytes: Uint8Array<ArrayBuffer> | null = null;
  if (!hasNoBody(status) && chunks.length > 0) {
    let size = 0;
    for (const c of chunks) size += c.length;
    const all = new Uint8Array(Math.min(size, MAX_RESPONSE_BYTES));
    let at = 0;
    for (const c of chunks) {
      const n = Math.min(c.length, all.length - at);
      all.set(c.subarray(0, n), at);
      at += n;
    }
    if (all.length > 0) bytes = all;
  }
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = header(name);
    if (value !== undefined) headers[name] = value;
  }
  return new Response(bytes, { status, headers });
}
