// The HTTP/1.1 client of the OTLP sink on Deno (exporters/otlp/_deno_http1.ts) against a server
// written on node:net that answers as the test scripts it: kept-alive connections reused, bodies
// read by content-length, chunked (with trailers) and to the end of the stream, `connection:
// close`, a kept-alive connection the server closed meanwhile, and an abort.

import assert from "node:assert/strict";
import net from "node:net";
import { canUseDenoHttp1, DenoHttp1Client } from "../../../exporters/otlp/_deno_http1.ts";

interface Received {
  head: string;
  body: Uint8Array;
  connection: number;
}

/** A server that reads requests (content-length bodies) and answers `answer(request)`. */
async function scriptedServer(
  answer: (r: Received, socket: net.Socket) => string | undefined,
): Promise<
  { url: string; received: Received[]; connections: () => number; close(): Promise<void> }
> {
  const received: Received[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    const connection = ++connections;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let pending = Buffer.alloc(0);
    socket.on("data", (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      for (;;) {
        const end = pending.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = pending.subarray(0, end).toString("latin1");
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const body = new Uint8Array(pending.subarray(end + 4, end + 4 + length));
        pending = pending.subarray(end + 4 + length);
        const r = { head, body, connection };
        received.push(r);
        const reply = answer(r, socket);
        if (reply !== undefined) socket.write(reply);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    received,
    connections: () => connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const OK_EMPTY =
  "HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n";

function post(
  client: DenoHttp1Client,
  url: string,
  body: Uint8Array,
  signal?: AbortSignal,
): Promise<Response> {
  return client.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-protobuf", "x-extra": "1" },
    body: body as Uint8Array<ArrayBuffer>,
    signal,
  });
}

Deno.test("http1: requests reuse one kept-alive connection; the bytes, headers and answers are exact", async () => {
  const server = await scriptedServer((r) =>
    r.body.length === 3
      ? "HTTP/1.1 503 Busy\r\nretry-after: 7\r\ncontent-type: text/plain\r\ncontent-length: 4\r\n\r\nbusy"
      : OK_EMPTY
  );
  const client = new DenoHttp1Client();
  try {
    const big = new Uint8Array(300_000).map((_, i) => i * 7);
    for (const body of [big, new Uint8Array([1, 2, 3]), new Uint8Array(0)]) {
      const res = await post(client, server.url, body);
      if (body.length === 3) {
        assert.equal(res.status, 503);
        assert.equal(res.headers.get("retry-after"), "7");
        assert.equal(await res.text(), "busy");
      } else {
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("content-type"), "application/x-protobuf");
        assert.equal((await res.arrayBuffer()).byteLength, 0);
      }
    }
    assert.equal(server.connections(), 1);
    assert.deepEqual(server.received.map((r) => r.body.length), [300_000, 3, 0]);
    assert.deepEqual(server.received[0]!.body, big);
    const head = server.received[0]!.head;
    assert.match(head, /^POST \/v1\/traces HTTP\/1\.1\r\n/);
    assert.match(head, /\r\nhost: 127\.0\.0\.1:\d+\r\n/);
    assert.match(head, /\r\ncontent-type: application\/x-protobuf\r\n/);
    assert.match(head, /\r\nx-extra: 1\r\n/);
    assert.match(head, /\r\ncontent-length: 300000$/);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("http1: chunked bodies with trailers, bodies to the end of the stream, connection: close", async () => {
  let n = 0;
  const server = await scriptedServer((_r, socket) => {
    n++;
    if (n === 1) {
      return "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" +
        "3\r\nabc\r\n10;ext=1\r\n0123456789abcdef\r\n0\r\nx-trailer: 1\r\n\r\n";
    }
    if (n === 2) return "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nhi";
    socket.end("HTTP/1.1 400 Bad\r\n\r\nno length: read to the end");
    return undefined;
  });
  const client = new DenoHttp1Client();
  try {
    const one = await post(client, server.url, new Uint8Array([1]));
    assert.equal(await one.text(), "abc0123456789abcdef");
    const two = await post(client, server.url, new Uint8Array([2]));
    assert.equal(await two.text(), "hi");
    const three = await post(client, server.url, new Uint8Array([3]));
    assert.equal(three.status, 400);
    assert.equal(await three.text(), "no length: read to the end");
    // 1 and 2 on the first connection (chunked keeps it), 3 on a new one (2 said close)
    assert.deepEqual(server.received.map((r) => r.connection), [1, 1, 2]);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("http1: a kept-alive connection the server closed meanwhile is replaced, the request made once", async () => {
  const server = await scriptedServer((_r, socket) => {
    socket.end(OK_EMPTY.replace("\r\n\r\n", "\r\n\r\n")); // answers, then closes its side
    return undefined;
  });
  const client = new DenoHttp1Client();
  try {
    assert.equal((await post(client, server.url, new Uint8Array([1]))).status, 200);
    await new Promise((r) => setTimeout(r, 50)); // the close reaches the client
    assert.equal((await post(client, server.url, new Uint8Array([2]))).status, 200);
    assert.deepEqual(server.received.map((r) => [r.connection, r.body[0]]), [[1, 1], [2, 2]]);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("http1: an abort ends a request the server never answers; a malformed answer rejects", async () => {
  const server = await scriptedServer((r) => r.body[0] === 1 ? undefined : "nonsense\r\n\r\n");
  const client = new DenoHttp1Client();
  try {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(post(client, server.url, new Uint8Array([1]), controller.signal));
    await assert.rejects(post(client, server.url, new Uint8Array([2])), /malformed HTTP status/);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("http1: used for http: URLs without a proxy only (https and proxies go through fetch)", () => {
  const url = new URL("http://127.0.0.1:4318/v1/traces");
  const none = (_: string): string | undefined => undefined;
  assert.equal(canUseDenoHttp1(url, none), true);
  assert.equal(canUseDenoHttp1(new URL("https://collector.example/v1/traces"), none), false);
  for (const name of ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]) {
    const proxy = (v: string) => v === name ? "http://proxy.example:3128" : undefined;
    assert.equal(canUseDenoHttp1(url, proxy), false, name);
  }
  const unreadable = (_: string): string | undefined => {
    throw new Error("no permission");
  };
  assert.equal(canUseDenoHttp1(url, unreadable), false);
});
