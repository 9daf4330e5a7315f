// The HTTP listener adapter: a node:http server (Deno and Node both have it) that serves a pure
// `(Request) => Response` handler. Request bodies are capped (413 beyond) so that a client
// cannot make it hold more than that.

import http from "node:http";

/** The largest request body accepted, bytes. */
export const MAX_BODY = 32 * 1024 * 1024;

/** A listening HTTP server. */
export interface HttpListener {
  /** The port it listens on. */
  readonly port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

type Handler = (request: Request) => Response | Promise<Response>;

async function respond(
  handler: Handler,
  host: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Uint8Array).length;
    if (size > MAX_BODY) {
      res.writeHead(413, { "content-type": "text/plain", connection: "close" });
      res.end(`request body over ${MAX_BODY} bytes\n`);
      req.destroy();
      return;
    }
    chunks.push(chunk as Uint8Array);
  }
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  const method = req.method ?? "GET";
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== "GET" && method !== "HEAD") {
    body = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      body.set(c, at);
      at += c.length;
    }
  }
  const url = `http://${req.headers.host ?? host}${req.url ?? "/"}`;
  const response = await handler(new Request(url, { method, headers, body }));
  const out = new Uint8Array(await response.arrayBuffer());
  const outHeaders: Record<string, string> = {};
  response.headers.forEach((value, key) => (outHeaders[key] = value));
  outHeaders["content-length"] = String(out.length);
  res.writeHead(response.status, outHeaders);
  res.end(method === "HEAD" ? undefined : out);
}

/** Serves `handler` on `host:port` (0: a free port). */
export async function listenHttp(
  host: string,
  port: number,
  handler: Handler,
): Promise<HttpListener> {
  const server = http.createServer((req, res) => {
    respond(handler, host, req, res).catch((error) => {
      try {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(`internal error: ${error instanceof Error ? error.message : error}\n`);
      } catch {
        // the connection is gone
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address !== null ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
