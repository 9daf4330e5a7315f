// The logic of `deno task agent`: a local, Jaeger-free stand-in for the Jaeger agent. It
// listens on a UDP port (a `MockJaegerAgent`), decodes every `emitBatch` packet, and prints each
// trace as a waterfall once it is complete (its root arrived and no new span came for a moment),
// with running counts of packets, spans and malformed packets.

import { formatWaterfall } from "../exporters/jaeger/mod.ts";
import { MockJaegerAgent } from "../exporters/jaeger/testing.ts";
import { type AssembledTrace, TraceAssembler } from "./_trace_assembler.ts";
import { paint } from "./_term.ts";

/** Options of {@linkcode startLocalAgent}. */
export interface LocalAgentOptions {
  /** The UDP port (default 6831; 0 for a free one). */
  port?: number;
  /** The address to bind (default 127.0.0.1; 0.0.0.0 to accept packets from other hosts). */
  host?: string;
  /** Where output goes. */
  write: (text: string) => void;
  /** ANSI colours (default false). */
  color?: boolean;
  /** Width to fit, in columns (default 80). */
  width?: number;
  /** Draw a progress line, rewritten in place (only for a terminal; default false). */
  progress?: boolean;
  /** Quiet time after a root span before a trace is drawn, ms (default 300). */
  quietMs?: number;
  /** Quiet time before a trace without root is drawn anyway, ms (default 2000). */
  orphanQuietMs?: number;
  /** How often arrivals are looked at, ms (default 50). */
  pollMs?: number;
}

/** The running counts of a local agent. */
export interface AgentCounts {
  /** UDP datagrams received. */
  packets: number;
  /** Spans decoded. */
  spans: number;
  /** Datagrams that did not decode as `Agent.emitBatch`. */
  malformed: number;
  /** Traces drawn. */
  traces: number;
}

/** A running local agent. */
export interface LocalAgent {
  /** The port it listens on. */
  readonly port: number;
  /** The mock agent underneath (its batches, spans and packets). */
  readonly mock: MockJaegerAgent;
  /** The counts so far. */
  counts(): AgentCounts;
  /** Looks at new arrivals now and draws the traces complete at `nowMs` (default now). */
  poll(nowMs?: number): void;
  /** Draws every pending trace now, complete or not. */
  flush(): void;
  /** Draws what is pending, prints the final counts and stops listening. */
  close(): Promise<void>;
}

/**
 * The counts line printed after each trace.
 *
 * @param counts The counts.
 * @returns The line, without newline.
 */
export function formatCounts(counts: AgentCounts): string {
  return `packets ${counts.packets} · spans ${counts.spans} · malformed ${counts.malformed} · traces ${counts.traces}`;
}

/**
 * Starts the local agent.
 *
 * @param options Port, output and timing.
 * @returns The running agent.
 */
export async function startLocalAgent(options: LocalAgentOptions): Promise<LocalAgent> {
  const mock = await MockJaegerAgent.start({ port: options.port ?? 6831, host: options.host });
  const color = options.color ?? false;
  const width = options.width ?? 80;
  const write = options.write;
  const assembler = new TraceAssembler({
    quietMs: options.quietMs,
    orphanQuietMs: options.orphanQuietMs,
  });
  let batchesSeen = 0;
  let malformedSeen = 0;
  let traces = 0;
  let progressShown = "";
  let closed = false;

  const counts = (): AgentCounts => ({
    packets: mock.packets.length,
    spans: mock.spans.length,
    malformed: mock.malformed,
    traces,
  });

  const clearProgress = (): void => {
    if (progressShown !== "") {
      write("\r\x1b[2K");
      progressShown = "";
    }
  };

  const showProgress = (): void => {
    if (!options.progress || closed) return;
    const c = counts();
    const text = `packets ${c.packets} · spans ${c.spans} · malformed ${c.malformed}` +
      ` · open traces ${assembler.pending} · udp :${mock.port}`;
    const line = text.length > width - 1 ? text.slice(0, width - 2) + "…" : text;
    if (line === progressShown) return;
    write(`\r\x1b[2K${paint(color, "2", line)}`);
    progressShown = line;
  };

  const draw = (trace: AssembledTrace): void => {
    traces++;
    clearProgress();
    const note = trace.late
      ? "  (late spans of a trace drawn before)"
      : trace.hasRoot
      ? ""
      : "  (no root span: the caller's span did not come here)";
    const waterfall = formatWaterfall(trace.spans, {
      width,
      color,
      serviceName: trace.serviceName,
      events: true,
    });
    write(`${waterfall}${note ? `\n${paint(color, "2", note.trim())}` : ""}\n`);
    write(`${paint(color, "2", formatCounts(counts()))}\n\n`);
  };

  const ingest = (nowMs: number): void => {
    while (batchesSeen < mock.batches.length) {
      const batch = mock.batches[batchesSeen++]!;
      assembler.add(batch.spans, batch.process.serviceName, nowMs);
    }
    while (malformedSeen < mock.malformed) {
      malformedSeen++;
      clearProgress();
      const reason = mock.lastError?.message ?? "not an emitBatch message";
      write(`${paint(color, "31", `malformed packet: ${reason}`)}\n`);
    }
  };

  const poll = (nowMs: number = performance.now()): void => {
    if (closed) return;
    ingest(nowMs);
    for (const trace of assembler.take(nowMs)) draw(trace);
    showProgress();
  };

  const flush = (): void => {
    ingest(performance.now());
    for (const trace of assembler.takeAll()) draw(trace);
    showProgress();
  };

  const timer = setInterval(() => poll(), options.pollMs ?? 50);

  return {
    port: mock.port,
    mock,
    counts,
    poll,
    flush,
    async close(): Promise<void> {
      if (closed) return;
      clearInterval(timer);
      flush();
      closed = true;
      clearProgress();
      await mock.close();
    },
  };
}

/** The usage text of `deno task agent`. */
export const AGENT_USAGE: string = `Usage: deno task agent [--port PORT] [--host ADDRESS]

A local Jaeger agent: listens for Agent.emitBatch packets (Thrift compact, as Jaeger clients
send to port 6831), decodes them and prints each trace as a waterfall when it is complete.
Ctrl-C stops it.

Options:
  --port PORT      the UDP port (default 6831)
  --host ADDRESS   the address to bind (default 127.0.0.1; 0.0.0.0 for other hosts)
  -h, --help       show this help
`;

/** The command line of `deno task agent`. */
export interface AgentArgs {
  /** The UDP port. */
  port: number;
  /** The address to bind. */
  host: string;
  /** Whether `--help` was asked for. */
  help: boolean;
}

/**
 * Parses the command line of `deno task agent`.
 *
 * @param args The arguments.
 * @returns Port, host, help.
 * @throws {SyntaxError} For an unknown option or a missing value.
 * @throws {RangeError} For a port that is not from 0 to 65535.
 */
export function parseAgentArgs(args: readonly string[]): AgentArgs {
  const out: AgentArgs = { port: 6831, host: "127.0.0.1", help: false };
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
    switch (name) {
      case "--port":
      case "-p": {
        const text = value().trim();
        const port = /^[0-9]+$/.test(text) ? Number(text) : NaN;
        if (!(port >= 0 && port <= 65535)) {
          throw new RangeError(`Cannot use --port ${JSON.stringify(text)}: not from 0 to 65535`);
        }
        out.port = port;
        break;
      }
      case "--host":
        out.host = value().trim();
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
