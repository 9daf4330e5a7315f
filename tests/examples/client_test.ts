// The command-line client (`deno task client`): IOx's `--header KEY:VALUE` rule (split at the
// first colon, as IOx's `KeyValue` parser does, so a Jaeger context keeps its colons) and
// `--gen-trace-id` (a new sampled Jaeger context `trace:span:0:1`, "Trace ID set to ..."),
// checked against a real traced server.

import assert from "node:assert/strict";
import {
  genTraceContext,
  parseClientArgs,
  parseHeader,
  runClient,
} from "../../examples/_client.ts";
import { spanContextOf, traceLayer } from "../../http/mod.ts";
import { RingBufferTraceCollector } from "../../trace/mod.ts";

Deno.test("client: --header KEY:VALUE splits at the first colon (IOx's KeyValue)", () => {
  assert.deepEqual(parseHeader("uber-trace-id:4d2:162e:0:1"), ["uber-trace-id", "4d2:162e:0:1"]);
  assert.deepEqual(parseHeader("Authorization: Token abc"), ["authorization", "Token abc"]);
  assert.deepEqual(parseHeader("x-empty:"), ["x-empty", ""]);
  assert.throws(
    () => parseHeader("no-colon"),
    (e: unknown) =>
      e instanceof SyntaxError &&
      e.message === "Invalid key value pair - expected 'KEY:VALUE' got 'no-colon'",
  );
  assert.throws(() => parseHeader(":value"), SyntaxError);
  assert.throws(() => parseHeader("bad name:value"), SyntaxError);
  assert.throws(() => parseHeader("x-a:line\nbreak"), SyntaxError);
});

Deno.test("client: command line", () => {
  const a = parseClientArgs([
    "--header",
    "x-a:1",
    "--header=x-b:2:3",
    "-H",
    "X-C: 4",
    "--gen-trace-id",
    "http://127.0.0.1:8080/api/v2/query?q=1",
  ]);
  assert.deepEqual(a.headers, [["x-a", "1"], ["x-b", "2:3"], ["x-c", "4"]]);
  assert.equal(a.genTraceId, true);
  assert.equal(a.traceIdHeader, "uber-trace-id");
  assert.equal(a.method, "GET");
  assert.equal(a.url, "http://127.0.0.1:8080/api/v2/query?q=1");

  const b = parseClientArgs(["-d", "cpu v=1", "--trace-id-header", "My-Trace", "http://h/w"]);
  assert.equal(b.method, "POST");
  assert.equal(b.body, "cpu v=1");
  assert.equal(b.traceIdHeader, "my-trace");
  assert.equal(b.genTraceId, false);
  assert.equal(parseClientArgs(["-X", "put", "http://h/"]).method, "PUT");
  assert.equal(parseClientArgs(["--help"]).help, true);

  assert.throws(() => parseClientArgs([]), /Missing the URL/);
  assert.throws(() => parseClientArgs(["http://a/", "http://b/"]), /Expected one URL/);
  assert.throws(() => parseClientArgs(["--header"]), /Missing value for --header/);
  assert.throws(() => parseClientArgs(["--nope", "http://a/"]), /Unknown option --nope/);
  assert.throws(() => parseClientArgs(["ftp://a/"]), /use http: or https:/);
  assert.throws(() => parseClientArgs(["not a url"]), /Cannot parse URL/);
  assert.throws(() => parseClientArgs(["--gen-trace-id=1", "http://a/"]), /takes no value/);
});

Deno.test("client: --gen-trace-id makes a sampled Jaeger context with no parent", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const g = genTraceContext();
    assert.match(g.traceId, /^[0-9a-f]{32}$/);
    assert.match(g.spanId, /^[0-9a-f]{16}$/);
    // Jaeger's format: trace:span:parent:flags, hex without leading zeros; parent 0; sampled.
    const [trace, span, parent, flags] = g.header.split(":");
    assert.match(trace!, /^[1-9a-f][0-9a-f]*$/);
    assert.equal(trace!.padStart(32, "0"), g.traceId);
    assert.equal(span!.padStart(16, "0"), g.spanId);
    assert.equal(parent, "0");
    assert.equal(flags, "1");
    seen.add(g.traceId);
  }
  assert.equal(seen.size, 50);
});

Deno.test("client: requests a traced server with the given and generated headers", async () => {
  const collector = new RingBufferTraceCollector(100);
  const received: Headers[] = [];
  const handler = traceLayer((request) => {
    received.push(request.headers);
    const ctx = spanContextOf(request);
    const status = new URL(request.url).pathname === "/fail" ? 500 : 200;
    return new Response(`traced=${ctx !== undefined}`, { status });
  }, { collector, name: "server" });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    // --gen-trace-id: the server's span is in the printed trace, its parent the caller's span.
    let out = "";
    const io = { write: (t: string) => void (out += t), error: (t: string) => void (out += t) };
    assert.equal(await runClient(["--gen-trace-id", "--header", "x-demo:yes", `${base}/q`], io), 0);
    const [, traceId] = out.match(/^Trace ID set to ([0-9a-f]{32})$/m) ?? [];
    assert.ok(traceId !== undefined, out);
    const sent = received.at(-1)!.get("uber-trace-id")!;
    assert.equal(received.at(-1)!.get("x-demo"), "yes");
    const span = collector.spans().at(-1)!;
    assert.equal(span.ctx.traceId.toString(), traceId);
    assert.equal(span.ctx.parentSpanId?.toString().replace(/^0+/, ""), sent.split(":")[1]);
    assert.match(out, /^200 OK \(/m);
    assert.ok(out.includes(`trace-id: ${traceId}\n`), out);
    assert.match(out, /^traced=true$/m);

    // An explicit context header, as `--header uber-trace-id:...` sends it.
    out = "";
    const code = await runClient(["--header", "uber-trace-id:4d2:162e:0:1", `${base}/fail`], io);
    assert.equal(code, 1, "a 5xx answer fails the command");
    const explicit = collector.spans().at(-1)!;
    assert.equal(explicit.ctx.traceId.toString(), "4d2".padStart(32, "0"));
    assert.equal(explicit.ctx.parentSpanId?.toString(), "162e".padStart(16, "0"));
    assert.match(out, /^500 Internal Server Error/m);

    // --trace-id-header puts the generated context in another header.
    out = "";
    await runClient(["--gen-trace-id", "--trace-id-header", "x-ctx", `${base}/`], io);
    assert.match(received.at(-1)!.get("x-ctx") ?? "", /^[0-9a-f]+:[0-9a-f]+:0:1$/);
    assert.equal(received.at(-1)!.get("uber-trace-id"), null);

    // Usage errors exit 2 and say why.
    out = "";
    assert.equal(await runClient(["--header", "oops", base], io), 2);
    assert.match(out, /expected 'KEY:VALUE' got 'oops'/);
  } finally {
    await server.shutdown();
  }
});
