// The all-in-one's terminal output: each trace drawn as a waterfall once complete (its root
// arrived and it went quiet), labelled by its root's service, each span's service shown when
// the trace crosses services; malformed packets reported; running counts on a progress line
// (on a terminal only). Time is read through `now`, so tests can drive it.

import { formatWaterfall, type JaegerBatch } from "../exporters/jaeger/mod.ts";
import { type AssembledTrace, TraceAssembler } from "./_trace_assembler.ts";
import type { TraceStoreStats } from "./trace_store.ts";

/** Options of {@linkcode TerminalView}. */
export interface TerminalViewOptions {
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
  /** The counts shown after each trace and on the progress line. */
  counts: () => TerminalCounts;
}

/** The counts a terminal view shows. */
export interface TerminalCounts {
  /** UDP datagrams and OTLP requests received. */
  packets: number;
  /** Spans received. */
  spans: number;
  /** Datagrams and requests that did not decode. */
  malformed: number;
  /** The store's counts. */
  store: TraceStoreStats;
}

/** Paints text with an ANSI SGR code when `color` is on. */
export function paint(color: boolean, code: string, text: string): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text;
}

/** The counts line: `packets 2 · spans 4 · malformed 0 · traces 2 · dropped 0`. */
export function formatCounts(c: TerminalCounts, traces: number): string {
  return `packets ${c.packets} · spans ${c.spans} · malformed ${c.malformed} · traces ${traces}` +
    ` · dropped ${c.store.droppedTraces}`;
}

/** Draws the traces of the batches it is given, each once complete. */
export class TerminalView {
  readonly #o: TerminalViewOptions;
  readonly #assembler: TraceAssembler;
  #traces = 0;
  #progressShown = "";
  #closed = false;

  constructor(options: TerminalViewOptions) {
    this.#o = options;
    this.#assembler = new TraceAssembler({
      quietMs: options.quietMs,
      orphanQuietMs: options.orphanQuietMs,
    });
  }

  /** Traces drawn so far. */
  get traces(): number {
    return this.#traces;
  }

  /** Takes a batch that arrived at `nowMs`. */
  add(batch: JaegerBatch, nowMs: number): void {
    this.#assembler.add(batch.spans, batch.process.serviceName, nowMs);
  }

  /** Reports a packet or request that did not decode. */
  malformed(error: Error, from: string): void {
    this.#clearProgress();
    this.#o.write(
      `${paint(this.#o.color ?? false, "31", `malformed ${from}: ${error.message}`)}\n`,
    );
  }

  /** Draws the traces complete at `nowMs`, then the progress line. */
  poll(nowMs: number): void {
    if (this.#closed) return;
    for (const trace of this.#assembler.take(nowMs)) this.#draw(trace);
    this.#showProgress();
  }

  /** Draws every pending trace, complete or not. */
  flush(): void {
    for (const trace of this.#assembler.takeAll()) this.#draw(trace);
  }

  /** Draws what is pending and clears the progress line. */
  close(): void {
    this.flush();
    this.#closed = true;
    this.#clearProgress();
  }

  #clearProgress(): void {
    if (this.#progressShown !== "") {
      this.#o.write("\r\x1b[2K");
      this.#progressShown = "";
    }
  }

  #showProgress(): void {
    if (!this.#o.progress || this.#closed) return;
    const width = this.#o.width ?? 80;
    const text = `${
      formatCounts(this.#o.counts(), this.#traces)
    } · open ${this.#assembler.pending}`;
    const line = text.length > width - 1 ? text.slice(0, width - 2) + "…" : text;
    if (line === this.#progressShown) return;
    this.#o.write(`\r\x1b[2K${paint(this.#o.color ?? false, "2", line)}`);
    this.#progressShown = line;
  }

  #draw(trace: AssembledTrace): void {
    const color = this.#o.color ?? false;
    this.#traces++;
    this.#clearProgress();
    const note = trace.late
      ? "(late spans of a trace drawn before)"
      : trace.hasRoot
      ? ""
      : "(no root span: the caller's span did not come here)";
    const waterfall = formatWaterfall(trace.spans, {
      width: this.#o.width ?? 80,
      color,
      serviceName: trace.serviceName,
      services: trace.services,
      events: true,
    });
    this.#o.write(`${waterfall}${note ? `\n${paint(color, "2", note)}` : ""}\n`);
    this.#o.write(`${paint(color, "2", formatCounts(this.#o.counts(), this.#traces))}\n\n`);
  }
}
