// The logic of `deno task client`: a tiny HTTP client that sends headers given as
// `--header KEY:VALUE` (repeatable) and, with `--gen-trace-id`, a freshly generated Jaeger trace
// context header, as the IOx command line does (`influxdb_iox --header ... --gen-trace-id`).

import { formatJaegerTraceContext } from "../http/mod.ts";
import { SpanContext, SpanId, TraceId } from "../trace/mod.ts";
import { messageOf } from "../trace/_text.ts";

/** What the command line asked for. */
export interface ClientArgs {
  /** The URL to request. */
  url: string;
  /** The HTTP method (default GET, or POST when a body is given). */
  method: string;
  /** Headers in the order given, names lower-cased. */
  headers: [string, string][];
  /** The request body, if any (`--data`; `@file` reads a file). */
  body: string | undefined;
  /** Whether to generate a trace context header (`--gen-trace-id`). */
  genTraceId: boolean;
  /** The header the generated context goes in (`--trace-id-header`, default `uber-trace-id`). */
  traceIdHeader: string;
  /** Whether `--help` was asked for. */
  help: boolean;
}

/** The usage text of `deno task client`. */
export const CLIENT_USAGE: string = `Usage: deno task client [options] URL

Sends one HTTP request and prints the status, the trace-id response header and the body.

Options:
  --header KEY:VALUE      add a request header (repeatable), e.g.
                          --header uber-trace-id:4d2:162e:0:1
  --gen-trace-id          generate a Jaeger trace context header for the request and print
                          "Trace ID set to <trace id>" (as IOx's --gen-trace-id)
  --trace-id-header NAME  the header --gen-trace-id sets (default uber-trace-id)
  -X, --method METHOD     the HTTP method (default GET, POST with --data)
  -d, --data BODY         the request body; @FILE reads it from FILE
  -h, --help              show this help
`;

// RFC 9110 token characters.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses `KEY:VALUE` as IOx's `KeyValue` does: split at the first colon (so a Jaeger context
 * like `uber-trace-id:4d2:162e:0:1` keeps its colons in the value). The name must be an HTTP
 * token; the value is trimmed of surrounding blanks and must not hold control characters.
 *
 * @param text The argument.
 * @returns The lower-cased name and the value.
 * @throws {SyntaxError} If there is no colon, the name is not a token, or the value is invalid.
 */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(":");
  if (colon < 0) {
    throw new SyntaxError(`Invalid key value pair - expected 'KEY:VALUE' got '${text}'`);
  }
  const name = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).trim();
  if (!TOKEN.test(name)) {
    throw new SyntaxError(`Invalid header name ${JSON.stringify(name)} in '${text}'`);
  }
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
    throw new SyntaxError(`Invalid header value for ${name}: control characters in '${text}'`);
  }
  return [name.toLowerCase(), value];
}

/**
 * Parses the command line of `deno task client`.
 *
 * @param args The arguments (`Deno.args`).
 * @returns The parsed request.
 * @throws {SyntaxError} For an unknown option, a missing value or URL, or a bad header.
 */
export function parseClientArgs(args: readonly string[]): ClientArgs {
  const out: ClientArgs = {
    url: "",
    method: "",
    headers: [],
    body: undefined,
    genTraceId: false,
    traceIdHeader: "uber-trace-id",
    help: false,
  };
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    let name = arg;
    let inline: string | undefined;
    if (arg.startsWith("--") && arg.includes("=")) {
      name = arg.slice(0, arg.indexOf("="));
      inline = arg.slice(arg.indexOf("=") + 1);
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined) throw new SyntaxError(`Missing value for ${name}`);
      i++;
      return next;
    };
    switch (name) {
      case "--header":
      case "-H":
        out.headers.push(parseHeader(value()));
        break;
      case "--gen-trace-id":
        if (inline !== undefined) throw new SyntaxError("--gen-trace-id takes no value");
        out.genTraceId = true;
        break;
      case "--trace-id-header": {
        const header = value().trim();
        if (!TOKEN.test(header)) {
          throw new SyntaxError(`Invalid header name ${JSON.stringify(header)} for ${name}`);
        }
        out.traceIdHeader = header.toLowerCase();
        break;
      }
      case "--method":
      case "-X": {
        const method = value().trim().toUpperCase();
        if (!TOKEN.test(method)) throw new SyntaxError(`Invalid method ${JSON.stringify(method)}`);
        out.method = method;
        break;
      }
      case "--data":
      case "-d":
        out.body = value();
        break;
      case "--help":
      case "-h":
        out.help = true;
        break;
      default:
        if (arg.startsWith("-") && arg !== "-") throw new SyntaxError(`Unknown option ${arg}`);
        urls.push(arg);
    }
  }
  if (out.help) return out;
  if (urls.length !== 1) {
    throw new SyntaxError(
      urls.length === 0 ? "Missing the URL to request" : `Expected one URL, got ${urls.length}`,
    );
  }
  let url: URL;
  try {
    url = new URL(urls[0]!);
  } catch {
    throw new SyntaxError(`Cannot parse URL: ${JSON.stringify(urls[0])}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new SyntaxError(`Cannot request ${url.protocol} URLs: use http: or https:`);
  }
  out.url = url.href;
  if (out.method === "") out.method = out.body === undefined ? "GET" : "POST";
  return out;
}

/** A generated trace context: its trace id and the Jaeger header value carrying it. */
export interface GeneratedTraceContext {
  /** The trace id, 32 lower-case hex digits. */
  traceId: string;
  /** The span id of the (unrecorded) caller span, 16 lower-case hex digits. */
  spanId: string;
  /** The `uber-trace-id` value: `trace:span:0:1` (sampled, no parent). */
  header: string;
}

/**
 * Generates a new sampled trace context for a request, as IOx's `--gen-trace-id` does: a
 * random 128-bit trace id and 64-bit span id, no parent, flags 1.
 *
 * @returns The ids and the Jaeger header value.
 */
export function genTraceContext(): GeneratedTraceContext {
  const ctx = new SpanContext({ traceId: TraceId.random(), spanId: SpanId.random() });
  return {
    traceId: ctx.traceId.toString(),
    spanId: ctx.spanId.toString(),
    header: formatJaegerTraceContext(ctx),
  };
}

/** Where {@linkcode runClient} prints and how it fetches. */
export interface ClientIo {
  /** Writes text to standard output. */
  write: (text: string) => void;
  /** Writes text to standard error. */
  error: (text: string) => void;
  /** Reads a file for `--data @FILE`. */
  readFile?: (path: string) => Promise<string>;
  /** The fetch to use (default the global one). */
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * Runs `deno task client`.
 *
 * @param args The command line.
 * @param io Output, file reading and fetch.
 * @returns The exit code: 0 for a 1xx-3xx response, 1 for 4xx, 5xx or a failed request, 2 for
 *   a usage error.
 */
export async function runClient(args: readonly string[], io: ClientIo): Promise<number> {
  let parsed: ClientArgs;
  try {
    parsed = parseClientArgs(args);
  } catch (error) {
    io.error(`error: ${messageOf(error)}\n\n${CLIENT_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.write(CLIENT_USAGE);
    return 0;
  }
  const headers = new Headers();
  for (const [name, value] of parsed.headers) headers.append(name, value);
  if (parsed.genTraceId) {
    const generated = genTraceContext();
    headers.set(parsed.traceIdHeader, generated.header);
    io.write(`Trace ID set to ${generated.traceId}\n`);
  }
  let body = parsed.body;
  if (body !== undefined && body.startsWith("@")) {
    const path = body.slice(1);
    try {
      body = await (io.readFile ?? Deno.readTextFile)(path);
    } catch (error) {
      io.error(`error: cannot read ${path}: ${error instanceof Error ? error.message : error}\n`);
      return 2;
    }
  }
  const request = new Request(parsed.url, { method: parsed.method, headers, body });
  const started = performance.now();
  let response: Response;
  let text: string;
  try {
    response = await (io.fetch ?? fetch)(request);
    text = await response.text();
  } catch (error) {
    io.error(
      `error: ${parsed.method} ${parsed.url} failed: ${messageOf(error)}\n`,
    );
    return 1;
  }
  const ms = (performance.now() - started).toFixed(1);
  io.write(`${response.status} ${response.statusText} (${ms} ms)\n`);
  const traceId = response.headers.get("trace-id");
  if (traceId !== null) io.write(`trace-id: ${traceId}\n`);
  if (text !== "") io.write(text.endsWith("\n") ? text : `${text}\n`);
  return response.status < 400 ? 0 : 1;
}
