// The embedded all-in-one of the demo (`deno task demo`, `--serve`, `--ui`) and of the agent's
// tests: allinone's listeners and store, with its terminal view drawing each trace once
// complete, and a way to wait for spans.

import { type AllInOne, type ListenerName, startAllInOne } from "../allinone/mod.ts";
import { TerminalView, type TerminalViewOptions } from "../allinone/_terminal.ts";

/**
 * Options of {@linkcode startLocalAgent}: the listeners', and the terminal view's (where output
 * goes, colours, width, progress line, quiet times).
 */
export interface LocalAgentOptions extends Omit<TerminalViewOptions, "counts"> {
  /** The compact UDP port (default 6831; 0 for a free one). */
  port?: number;
  /** The address to bind (default 127.0.0.1). */
  host?: string;
  /** The other listeners' ports (default: off; 0 for a free one). */
  ports?: Partial<Record<Exclude<ListenerName, "jaeger.compact">, number | null>>;
  /** How often arrivals are looked at, ms (default 50). */
  pollMs?: number;
  /** Draw nothing (default false). */
  quiet?: boolean;
}

/** The running counts of a local agent. */
export interface AgentCounts {
  /** UDP datagrams and OTLP requests received. */
  packets: number;
  /** Spans decoded. */
  spans: number;
  /** Datagrams and requests that did not decode. */
  malformed: number;
  /** Traces drawn. */
  traces: number;
}

/** A running local agent. */
export interface LocalAgent {
  /** The compact UDP port. */
  readonly port: number;
  /** The all-in-one underneath (store, listeners, handler). */
  readonly aio: AllInOne;
  /** The counts so far. */
  counts(): AgentCounts;
  /** Draws the traces complete at `nowMs` (default now). */
  poll(nowMs?: number): void;
  /** Draws every pending trace now, complete or not. */
  flush(): void;
  /** Resolves once `count` spans arrived; rejects after `timeoutMs` (default 10,000). */
  waitForSpans(count: number, timeoutMs?: number): Promise<void>;
  /** Draws what is pending and stops listening. */
  close(): Promise<void>;
}

/**
 * The counts line printed after each trace.
 *
 * @param counts The counts.
 * @returns The line, without newline.
 */
export function formatAgentCounts(counts: AgentCounts): string {
  return `packets ${counts.packets} · spans ${counts.spans} · malformed ${counts.malformed} · traces ${counts.traces}`;
}

/**
 * Starts the local agent (an all-in-one with the terminal view).
 *
 * @param options Ports, output and timing.
 * @returns The running agent.
 */
export async function startLocalAgent(options: LocalAgentOptions): Promise<LocalAgent> {
  let view: TerminalView | undefined;
  const aio = await startAllInOne({
    host: options.host,
    ports: {
      "jaeger.compact": options.port ?? 6831,
      "jaeger.binary": options.ports?.["jaeger.binary"] ?? null,
      otlp: options.ports?.otlp ?? null,
      ui: options.ports?.ui ?? null,
    },
    onBatch: (batch) => view?.add(batch, performance.now()),
    onMalformed: (error, from) => view?.malformed(error, from),
  });
  const counts = (): AgentCounts => {
    const c = aio.counts();
    return {
      packets: c.packets + c.requests,
      spans: c.spans,
      malformed: c.malformed,
      traces: view?.traces ?? 0,
    };
  };
  if (!options.quiet) {
    view = new TerminalView({
      write: options.write,
      color: options.color,
      width: options.width,
      progress: options.progress,
      quietMs: options.quietMs,
      orphanQuietMs: options.orphanQuietMs,
      counts: () => {
        const c = aio.counts();
        return {
          packets: c.packets + c.requests,
          spans: c.spans,
          malformed: c.malformed,
          store: aio.store.stats(),
        };
      },
    });
  }
  const timer = setInterval(() => view?.poll(performance.now()), options.pollMs ?? 50);
  let closed = false;
  return {
    port: aio.listener("jaeger.compact")?.port ?? 0,
    aio,
    counts,
    poll: (nowMs = performance.now()) => view?.poll(nowMs),
    flush: () => view?.flush(),
    async waitForSpans(count: number, timeoutMs = 10_000): Promise<void> {
      const deadline = performance.now() + timeoutMs;
      while (aio.counts().spans < count) {
        if (performance.now() > deadline) {
          throw new Error(`${aio.counts().spans} of ${count} spans arrived in ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      view?.close();
      await aio.close();
    },
  };
}
