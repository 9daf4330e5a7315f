// Read request headers from a Fetch `Headers`, a `Request` (or anything with such a `headers`
// property, like Node's `IncomingMessage`), or Node's `IncomingHttpHeaders` (a plain object with
// lower-case keys and string or string[] values). No `node:` import: the Node shape is
// described structurally, so this file runs in browsers too.

/**
 * Node's `IncomingHttpHeaders`, described without importing `node:http`: lower-case header
 * names to a string, an array of strings (repeated headers), or `undefined`.
 */
export type NodeHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Where request headers can be read from: a Fetch `Headers`, a `Request`, Node's
 * `IncomingHttpHeaders`, or an object with either of those in a `headers` property (such as
 * Node's `IncomingMessage`).
 */
export type HeaderSource =
  | Headers
  | Request
  | NodeHeaders
  | { readonly headers: Headers | NodeHeaders };

/** Reads one header by name (any case); `undefined` when absent. Repeated values are joined. */
export type HeaderGetter = (name: string) => string | undefined;

interface HasGet {
  get(name: string): string | null;
  has?(name: string): boolean;
}

function hasGet(value: unknown): value is HasGet {
  return typeof (value as HasGet).get === "function";
}

/**
 * Makes a getter over any {@linkcode HeaderSource}. Values are trimmed; repeated Node headers
 * given as arrays are joined with ", " as the Fetch `Headers` class joins them.
 *
 * @param source The headers.
 * @returns A function reading one header.
 */
export function headerGetter(source: HeaderSource): HeaderGetter {
  if (source === null || typeof source !== "object") {
    throw new TypeError(`Cannot read headers: ${String(source)} is not a headers object`);
  }
  if (hasGet(source)) {
    if (typeof source.has === "function") {
      // A Fetch `Headers`: ask `has` first. Most asked-for headers are absent, and `has`
      // answers from the whole header list, which Deno.serve's request headers fetch from the
      // server once (each `get` of a header not yet fetched is a call into the runtime).
      return (name) => {
        if (!source.has!(name)) return undefined;
        const value = source.get(name);
        return value === null ? undefined : value;
      };
    }
    return (name) => {
      const value = source.get(name);
      return value === null ? undefined : value;
    };
  }
  const inner = (source as { headers?: unknown }).headers;
  if (inner !== null && typeof inner === "object" && !Array.isArray(inner)) {
    return headerGetter(inner as Headers | NodeHeaders);
  }
  const record = source as NodeHeaders;
  return (name) => {
    const key = name.toLowerCase();
    const value = Object.hasOwn(record, key) ? record[key] : undefined;
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value.trim();
    if (Array.isArray(value)) {
      return value.length === 0 ? undefined : value.map((v) => String(v).trim()).join(", ");
    }
    return String(value).trim();
  };
}
