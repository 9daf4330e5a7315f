// An HTTP/1.1 client on Deno's TCP sockets (`Deno.connect`), for the OTLP sink on Deno: it
// writes the request body straight from the caller's array to the socket, on kept-alive
// connections. Deno's `fetch` copies a body twice (a JavaScript copy in extractBody, then into
// Rust) and costs about 3x the CPU per request: 1 MiB bodies POSTed to the pipeline bench's
// receiver on loopback (.scratch-style loop of 30 requests, Deno 2.9.6) cost 1.5-1.7 ms of
// process CPU with fetch and 0.4-0.65 ms here, about 0.4 µs per standard span. Used only for
// `http:` URLs with no proxy configured (fetch honours HTTP(S)_PROXY; this client does not);
// everything else goes through fetch.

import { hasNoBody, MAX_RESPONSE_BYTES, sinkResponse } from "./_sink_response.ts";

/** The most bytes of a response's status line and headers. */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF_CRLF = [13, 10, 13, 10];

/** The part of `Deno.Conn` this client uses. */
interface Conn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
  ref?(): void;
  unref?(): void;
}

interface DenoNet {
  connect(options: { hostname: string; port: number }): Promise<Conn>;
  env: { get(name: string): string | undefined };
  permissions: { querySync?(d: { name: "env"; variable: string }): { state: string } };
}

function denoNet(): DenoNet | undefined {
  const d = (globalThis as { Deno?: Partial<DenoNet> }).Deno;
  return typeof d?.connect === "function" ? d as DenoNet : undefined;
}

const PROXY_VARIABLES = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];

/**
 * A proxy variable's value, or undefined when it is unset; throws when the environment cannot
 * be read without a permission prompt.
 */
function proxyVariable(variable: string): string | undefined {
  const deno = denoNet()!;
  const state = deno.permissions.querySync?.({ name: "env", variable }).state;
  if (state !== "granted") throw new Error(`cannot read ${variable}`);
  return deno.env.get(variable);
}

/**
 * Whether requests to `url` may go through {@linkcode DenoHttp1Client}: on Deno, an `http:`
 * URL, and no proxy variable set (when the environment cannot be read without a permission
 * prompt, fetch is used, which honours proxies).
 *
 * @param url The traces URL.
 * @param read Reads a variable (for tests; default: Deno's environment, where permitted).
 */
export function canUseDenoHttp1(
  url: URL,
  read: (variable: string) => string | undefined = proxyVariable,
): boolean {
  if (denoNet() === undefined || url.protocol !== "http:") return false;
  try {
    for (const variable of PROXY_VARIABLES) if ((read(variable) ?? "") !== "") return false;
    return true;
  } catch {
    return false;
  }
}

class Closed extends Error {}

/** A connection with its unread bytes. */
class Connection {
  readonly conn: Conn;
  #buf = new Uint8Array(4096);
  #start = 0;
  #end = 0;
  /** Bytes read in the current exchange (0: a stale kept-alive socket may fail). */
  gotBytes = 0;
  /** The read an idle connection waits in (it learns so that the server closed it). */
  #idleRead: Promise<number | null> | undefined;
  /** Whether the server closed it (or sent bytes unasked) while idle. */
  dead = false;

  constructor(conn: Conn) {
    this.conn = conn;
  }

  /**
   * Goes idle: waits in a read that does not keep the process alive, to learn when the server
   * closes the connection (then `onDead`), as Node's agent watches its free sockets.
   */
  idle(onDead: () => void): void {
    this.#start = this.#end = 0;
    this.conn.unref?.();
    const read = this.conn.read(this.#buf);
    this.#idleRead = read;
    const settled = (): void => {
      // Settled while idle (the server closed it, or sent bytes nobody asked for): unusable.
      if (this.#idleRead !== read) return;
      this.#idleRead = undefined;
      this.dead = true;
      onDead();
    };
    read.then(settled, settled);
  }

  /** Whether bytes were read that no response has used (the connection is then not reused). */
  get unread(): boolean {
    return this.#start < this.#end;
  }

  /** Leaves idleness: the waiting read becomes the exchange's first read. */
  wake(): void {
    this.conn.ref?.();
  }

  async writeAll(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) at += await this.conn.write(bytes.subarray(at));
  }

  /** Reads more bytes into the buffer; false at end of stream. */
  async #fill(): Promise<boolean> {
    const waiting = this.#idleRead;
    if (waiting !== undefined) {
      this.#idleRead = undefined;
      const n = await waiting;
      if (n === null) return false;
      this.#end += n;
      this.gotBytes += n;
      return true;
    }
    if (this.#start > 0 && this.#start === this.#end) this.#start = this.#end = 0;
    if (this.#end === this.#buf.length) {
      const size = this.#end - this.#start;
      const next = new Uint8Array(Math.max(4096, size * 2));
      next.set(this.#buf.subarray(this.#start, this.#end));
      this.#buf = next;
      this.#start = 0;
      this.#end = size;
    }
    const n = await this.conn.read(this.#buf.subarray(this.#end));
    if (n === null) return false;
    this.#end += n;
    this.gotBytes += n;
    return true;
  }

  /** The bytes up to and including the next `\r\n\r\n` (or `\r\n` when `line`). */
  async readUntil(line: boolean, limit: number): Promise<Uint8Array> {
    const need = line ? 2 : 4;
    let from = this.#start;
    for (;;) {
      const b = this.#buf;
      for (let i = from; i + need <= this.#end; i++) {
        let k = 0;
        while (k < need && b[i + k] === CRLF_CRLF[k]) k++;
        if (k === need) {
          const out = b.slice(this.#start, i + need);
          this.#start = i + need;
          return out;
        }
      }
      if (this.#end - this.#start > limit) throw new Error("HTTP response head too large");
      from = Math.max(this.#start, this.#end - need + 1);
      const offset = this.#start;
      if (!(await this.#fill())) throw new Closed("connection closed before a response");
      from -= offset - this.#start; // the buffer may have moved its bytes to the front
    }
  }

  /** Reads `n` bytes, keeping at most `keep` of them in `sink`. */
  async readBody(n: number, sink: Uint8Array[], kept: { size: number }): Promise<void> {
    while (n > 0) {
      if (this.#start === this.#end && !(await this.#fill())) {
        throw new Error("connection closed in a response body");
      }
      const take = Math.min(n, this.#end - this.#start);
      if (kept.size < MAX_RESPONSE_BYTES) {
        const k = Math.min(take, MAX_RESPONSE_BYTES - kept.size);
        sink.push(this.#buf.slice(this.#start, this.#start + k));
        kept.size += k;
      }
      this.#start += take;
      n -= take;
    }
  }

  /** Reads to the end of the stream. */
  async readToEnd(sink: Uint8Array[], kept: { size: number }): Promise<void> {
    for (;;) {
      if (this.#start < this.#end) await this.readBody(this.#end - this.#start, sink, kept);
      if (!(await this.#fill())) return;
    }
  }
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

interface Head {
  status: number;
  headers: Map<string, string>;
  keepAlive: boolean;
}

function parseHead(bytes: Uint8Array): Head {
  const lines = decoder.decode(bytes).split("\r\n");
  const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? "");
  if (m === null) throw new Error(`malformed HTTP status line ${JSON.stringify(lines[0])}`);
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`malformed HTTP header line ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = headers.get(name);
    headers.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  const connection = (headers.get("connection") ?? "").toLowerCase();
  const keepAlive = m[1] === "1"
    ? !connection.includes("close")
    : connection.includes("keep-alive");
  return { status: Number(m[2]), headers, keepAlive };
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The request was aborted", "AbortError");
}

/** Connects, or rejects when `signal` aborts first (a late connection is then closed). */
function connect(hostname: string, port: number, signal: AbortSignal | undefined): Promise<Conn> {
  const pending = denoNet()!.connect({ hostname: hostname.replace(/^\[|\]$/g, ""), port });
  if (signal === undefined) return pending;
  return new Promise<Conn>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(
      (conn) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) conn.close();
        else resolve(conn);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/**
 * A minimal HTTP/1.1 client with a `fetch`-like `fetch(url, init)` (string URL, `POST` or
 * another method, a `Uint8Array` body or none, plain-object headers, an abort signal), over
 * kept-alive connections of its own; `close()` ends the idle ones.
 */
export class DenoHttp1Client {
  readonly #idle = new Map<string, Connection[]>();
  #closed = false;

  /** The `fetch` of this client (bound). */
  readonly fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    this.#fetch(input, init);

  /** Closes the idle connections; later requests use connections of their own. */
  close(): void {
    this.#closed = true;
    for (const list of this.#idle.values()) {
      for (const c of list) {
        try {
          c.conn.close();
        } catch {
          // already closed
        }
      }
    }
    this.#idle.clear();
  }

  async #fetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    if (url.protocol !== "http:") throw new TypeError(`Cannot POST to ${url.href}: not http:`);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw abortError(signal);
    const body = init.body as Uint8Array | null | undefined;
    if (body !== undefined && body !== null && !(body instanceof Uint8Array)) {
      throw new TypeError("Cannot send the request: its body is not a Uint8Array");
    }
    const port = url.port === "" ? 80 : Number(url.port);
    const key = `${url.hostname}:${port}`;
    let headText = `${
      init.method ?? "GET"
    } ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
    new Headers(init.headers).forEach((value, name) => {
      if (name !== "host" && name !== "content-length" && name !== "connection") {
        headText += `${name}: ${value}\r\n`;
      }
    });
    headText += `content-length: ${body?.byteLength ?? 0}\r\n\r\n`;
    const head = encoder.encode(headText);
    // A kept-alive connection the server closed meanwhile fails before any response byte: the
    // request is then made once more, on a new connection.
    for (let attempt = 0;; attempt++) {
      const reused = this.#takeIdle(key);
      const c = reused ?? new Connection(await connect(url.hostname, port, signal));
      try {
        return await this.#exchange(c, key, head, body, signal);
      } catch (e) {
        try {
          c.conn.close();
        } catch {
          // already closed
        }
        if (signal?.aborted) throw abortError(signal);
        if (reused !== undefined && c.gotBytes === 0 && attempt === 0) continue;
        throw e instanceof Closed ? new Error(e.message) : e;
      }
    }
  }

  #takeIdle(key: string): Connection | undefined {
    const list = this.#idle.get(key);
    const c = list?.pop();
    if (list !== undefined && list.length === 0) this.#idle.delete(key);
    c?.wake();
    return c;
  }

  #putIdle(key: string, c: Connection): void {
    const list = this.#idle.get(key);
    if (list === undefined) this.#idle.set(key, [c]);
    else list.push(c);
    c.idle(() => {
      const now = this.#idle.get(key);
      const i = now?.indexOf(c) ?? -1;
      if (i >= 0) {
        now!.splice(i, 1);
        if (now!.length === 0) this.#idle.delete(key);
      }
      try {
        c.conn.close();
      } catch {
        // already closed
      }
    });
  }

  async #exchange(
    c: Connection,
    key: string,
    head: Uint8Array,
    body: Uint8Array | null | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const onAbort = (): void => {
      try {
        c.conn.close();
      } catch {
        // already closed
      }
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    c.gotBytes = 0;
    try {
      await c.writeAll(head);
      if (body !== undefined && body !== null && body.byteLength > 0) await c.writeAll(body);
      let h: Head;
      do {
        h = parseHead(await c.readUntil(false, MAX_HEAD_BYTES));
      } while (h.status >= 100 && h.status < 200 && h.status !== 101);
      const chunks: Uint8Array[] = [];
      const kept = { size: 0 };
      let reusable = h.keepAlive;
      const te = (h.headers.get("transfer-encoding") ?? "").toLowerCase();
      const length = h.headers.get("content-length");
      if (hasNoBody(h.status)) {
        // no body
      } else if (te.includes("chunked")) {
        for (;;) {
          const line = decoder.decode(await c.readUntil(true, MAX_HEAD_BYTES));
          const size = parseInt(line, 16);
          if (!(size >= 0)) throw new Error(`malformed chunk size ${JSON.stringify(line)}`);
          if (size === 0) {
            // trailers, then the empty line
            while ((await c.readUntil(true, MAX_HEAD_BYTES)).length > 2);
            break;
          }
          await c.readBody(size, chunks, kept);
          await c.readUntil(true, 2);
        }
      } else if (length !== undefined) {
        const n = Number(length);
        if (!Number.isSafeInteger(n) || n < 0) throw new Error(`bad content-length ${length}`);
        await c.readBody(n, chunks, kept);
      } else {
        await c.readToEnd(chunks, kept);
        reusable = false;
      }
      signal?.removeEventListener("abort", onAbort);
      if (reusable && !this.#closed && !c.unread) {
        this.#putIdle(key, c);
      } else {
        c.conn.close();
      }
      return sinkResponse(h.status, chunks, (name) => h.headers.get(name));
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
