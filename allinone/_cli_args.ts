// The command line of the all-in-one (`deno task agent`, `npx spanwire-allinone`). Pure.

import { DEFAULT_PORTS, type ListenerName } from "./all_in_one.ts";

/** The parsed command line. */
export interface AllInOneArgs {
  /** The address every listener binds. */
  host: string;
  /** Each listener's port (0 a free one; null off). */
  ports: Record<ListenerName, number | null>;
  /** The store's span bound. */
  maxSpans: number;
  /** The store's byte bound. */
  maxBytes: number;
  /** Do not draw traces in the terminal. */
  quiet: boolean;
  /** Whether `--help` was asked for. */
  help: boolean;
}

/** The usage text. */
export const USAGE: string =
  `Usage: deno task agent [options]      (Node: npx spanwire-allinone [options])

A local all-in-one, what Jaeger's all-in-one does without Docker: it receives spans, keeps them
in memory (bounded; the oldest traces are dropped first, and counted), serves a web UI and
Jaeger's query API, and draws each trace in the terminal when it is complete. Ctrl-C stops it.

Options:
  --compact-port PORT  Jaeger compact Thrift over UDP, jaeger.compact (default 6831)
  --binary-port PORT   Jaeger binary Thrift over UDP, jaeger.binary (default 6832)
  --otlp-port PORT     OTLP/HTTP, POST /v1/traces, otlp (default 4318)
  --ui-port PORT       web UI and Jaeger query API over HTTP, ui (default 16686)
                       (a PORT of 0 picks a free port; "off" turns the listener off)
  --port PORT          the same as --compact-port
  --host ADDRESS       the address to bind (default 127.0.0.1; 0.0.0.0 for other hosts)
  --max-spans N        spans kept in memory (default 200000)
  --max-mib N          MiB of span JSON kept in memory (default 128)
  --quiet              do not draw traces in the terminal
  -h, --help           show this help

At start it prints one line a listener: listening: <name> <url>
`;

const PORT_FLAGS: Record<string, ListenerName> = {
  "--compact-port": "jaeger.compact",
  "--port": "jaeger.compact",
  "-p": "jaeger.compact",
  "--binary-port": "jaeger.binary",
  "--otlp-port": "otlp",
  "--ui-port": "ui",
};

function positive(name: string, text: string): number {
  const n = /^[0-9]+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(Number.isSafeInteger(n) && n > 0)) {
    throw new RangeError(`Cannot use ${name} ${JSON.stringify(text)}: not a positive integer`);
  }
  return n;
}

/**
 * Parses the command line.
 *
 * @throws {SyntaxError} For an unknown option or a missing value.
 * @throws {RangeError} For a port not from 0 to 65535 (or "off"), or a bound not positive.
 */
export function parseAllInOneArgs(args: readonly string[]): AllInOneArgs {
  const out: AllInOneArgs = {
    host: "127.0.0.1",
    ports: { ...DEFAULT_PORTS },
    maxSpans: 200_000,
    maxBytes: 128 * 1024 * 1024,
    quiet: false,
    help: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = args[++i];
      if (next === undefined) throw new SyntaxError(`Missing value for ${name}`);
      return next;
    };
    const listener = PORT_FLAGS[name];
    if (listener !== undefined) {
      const text = value().trim();
      if (text === "off") {
        out.ports[listener] = null;
        continue;
      }
      const port = /^[0-9]+$/.test(text) ? Number(text) : NaN;
      if (!(port >= 0 && port <= 65535)) {
        throw new RangeError(`Cannot use ${name} ${JSON.stringify(text)}: not from 0 to 65535`);
      }
      out.ports[listener] = port;
      continue;
    }
    switch (name) {
      case "--host":
        out.host = value().trim();
        break;
      case "--max-spans":
        out.maxSpans = positive(name, value());
        break;
      case "--max-mib":
        out.maxBytes = positive(name, value()) * 1024 * 1024;
        break;
      case "--quiet":
      case "-q":
        out.quiet = true;
        break;
      case "--help":
      case "-h":
        out.help = true;
        break;
      default:
        throw new SyntaxError(`Unknown argument ${arg}`);
    }
  }
  return out;
}
