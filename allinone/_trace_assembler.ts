// Groups spans arriving at the all-in-one into traces and decides when a trace is complete, so
// that its terminal output (`deno task agent`) draws each trace once. Pure: time is passed in.
//
// Spans arrive children first (a span is exported when it ends, and a parent ends after its
// children), so a trace is taken as complete once its root (a span without parent) has
// arrived and no new span of it came for `quietMs`. A trace whose root never comes (its
// caller was not traced, or the root went to another agent) is complete after `orphanQuietMs`
// without a new span. A span arriving for a trace already drawn starts it anew ("late").

import type { I64, JaegerSpan } from "../exporters/jaeger/mod.ts";
import { thriftTraceId } from "./jaeger_json.ts";

/** A trace the assembler gives out: its spans, in arrival order, and how it was closed. */
export interface AssembledTrace {
  /** The trace id, 32 lower-case hex digits. */
  traceId: string;
  /** The service of its root span (of the first span, while no root has arrived). */
  serviceName: string;
  /** The spans received for it, in arrival order. */
  spans: JaegerSpan[];
  /** The service of each span (of the batch it came in), by index in `spans`. */
  services: string[];
  /** Whether a root span (no parent) is among them. */
  hasRoot: boolean;
  /** Whether spans of this trace had already been given out before (a late part). */
  late: boolean;
}

/** Timing of {@linkcode TraceAssembler}. */
export interface TraceAssemblerOptions {
  /** Quiet time after which a trace whose root arrived is complete, ms (default 300). */
  quietMs?: number;
  /** Quiet time after which a trace without root is given out anyway, ms (default 2000). */
  orphanQuietMs?: number;
  /** How many drawn trace ids to remember to mark late parts (default 10,000). */
  rememberDone?: number;
}

interface Pending {
  trace: AssembledTrace;
  lastMs: number;
}

function i64(value: I64): bigint {
  if (typeof value === "bigint") return BigInt.asIntN(64, value);
  if (typeof value === "number") return BigInt(Math.trunc(value));
  return BigInt.asIntN(64, (BigInt(value.hi >>> 0) << 32n) | BigInt(value.lo >>> 0));
}

/**
 * The trace id of a Jaeger span as 32 hex digits (high then low, each as unsigned 64 bits).
 *
 * @param span The span.
 * @returns The trace id.
 */
export function jaegerTraceId(span: JaegerSpan): string {
  return thriftTraceId(span);
}

/** Groups spans into traces and gives each out when complete. */
export class TraceAssembler {
  readonly #quietMs: number;
  readonly #orphanQuietMs: number;
  readonly #rememberDone: number;
  readonly #pending = new Map<string, Pending>();
  readonly #done = new Set<string>();

  /**
   * Makes an assembler.
   *
   * @param options Quiet times.
   */
  constructor(options: TraceAssemblerOptions = {}) {
    this.#quietMs = options.quietMs ?? 300;
    this.#orphanQuietMs = options.orphanQuietMs ?? 2000;
    this.#rememberDone = options.rememberDone ?? 10_000;
  }

  /** The number of traces not given out yet. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Adds spans that arrived in one batch.
   *
   * @param spans The spans.
   * @param serviceName The batch's service.
   * @param nowMs The arrival time, ms.
   */
  add(spans: readonly JaegerSpan[], serviceName: string, nowMs: number): void {
    for (const span of spans) {
      const traceId = jaegerTraceId(span);
      let entry = this.#pending.get(traceId);
      if (entry === undefined) {
        entry = {
          trace: {
            traceId,
            serviceName,
            spans: [],
            services: [],
            hasRoot: false,
            late: this.#done.has(traceId),
          },
          lastMs: nowMs,
        };
        this.#pending.set(traceId, entry);
      }
      entry.trace.spans.push(span);
      entry.trace.services.push(serviceName);
      if (i64(span.parentSpanId) === 0n && !entry.trace.hasRoot) {
        entry.trace.hasRoot = true;
        entry.trace.serviceName = serviceName;
      }
      entry.lastMs = nowMs;
    }
  }

  /**
   * Takes the traces complete at `nowMs`, oldest first.
   *
   * @param nowMs The time, ms.
   * @returns The complete traces (removed from the pending ones).
   */
  take(nowMs: number): AssembledTrace[] {
    const out: AssembledTrace[] = [];
    for (const [traceId, entry] of this.#pending) {
      const quiet = nowMs - entry.lastMs;
      if (quiet >= (entry.trace.hasRoot ? this.#quietMs : this.#orphanQuietMs)) {
        out.push(entry.trace);
        this.#finish(traceId);
      }
    }
    return out;
  }

  /**
   * Takes every pending trace, complete or not (on shutdown).
   *
   * @returns The traces, oldest first.
   */
  takeAll(): AssembledTrace[] {
    const out = [...this.#pending.values()].map((entry) => entry.trace);
    for (const trace of out) this.#finish(trace.traceId);
    return out;
  }

  #finish(traceId: string): void {
    this.#pending.delete(traceId);
    this.#done.add(traceId);
    if (this.#done.size > this.#rememberDone) {
      const oldest = this.#done.values().next().value;
      if (oldest !== undefined) this.#done.delete(oldest);
    }
  }
}
