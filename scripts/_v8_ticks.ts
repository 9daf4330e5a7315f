// Reads a V8 `--prof` log (what `deno run --v8-flags=--prof` writes) into a flat profile: the
// share of samples per function. Pure: text in, rows out. scripts/profile.ts runs a program
// with the flags and prints these rows.
//
// Why our own: this machine has no `perf`, Deno 2.9 has no `--cpu-prof`, and Node's
// `--prof-process` cannot name the functions of a log written by Deno's newer V8. The log is
// plain text, one event a line; the lines used here are
//   code-creation,<type>,<kind>,<time>,<address>,<size>,<name>[,<sfi>,<tier>]
//   code-move,<from>,<to>          code-delete,<address>
//   tick,<pc>,<time>,<is external callback>,<tos>,<vm state>[,<return address>...]
// A sample whose pc lies in V8's generated code (a JS function at any tier, a builtin, a
// regexp, a stub) is that code's. A sample in the engine's or the runtime's own machine code
// (C++ and Rust: the runtime functions JS calls, Deno's ops, memcpy) is charged to the first
// return address on its stack that is generated code, as "native <- caller": the clock read
// inlined into a recorder's method shows up as "native <- JS:finish ...". Samples taken while
// V8 is not running JS (vm state GC, PARSER, COMPILER, ...) are counted under their state.

/** One row of a flat profile. */
export interface TickRow {
  /** `JS:<function> <url>:<line>:<column>`, `Builtin:<name>`, `native <- <caller>` or `[GC]`. */
  readonly name: string;
  /** Samples. */
  readonly ticks: number;
  /** Samples over all samples, 0 to 1. */
  readonly share: number;
}

/** A flat profile. */
export interface TickProfile {
  /** Most samples first. */
  readonly rows: TickRow[];
  /** All samples. */
  readonly total: number;
}

// V8's StateTag (include/v8-unwinder.h), in order.
const VM_STATES = [
  "JS",
  "GC",
  "PARSER",
  "BYTECODE_COMPILER",
  "COMPILER",
  "OTHER",
  "EXTERNAL",
  "ATOMICS_WAIT",
  "IDLE",
  "LOGGING",
];

/** Generated code regions by start address, kept sorted for a binary search. */
class CodeMap {
  readonly #starts: number[] = [];
  readonly #regions = new Map<number, { end: number; name: string }>();

  add(start: number, size: number, name: string): void {
    if (!this.#regions.has(start)) this.#starts.splice(this.#index(start) + 1, 0, start);
    this.#regions.set(start, { end: start + size, name });
  }

  move(from: number, to: number): void {
    const region = this.#regions.get(from);
    if (region === undefined) return;
    this.delete(from);
    this.add(to, region.end - from, region.name);
  }

  delete(start: number): void {
    if (!this.#regions.delete(start)) return;
    this.#starts.splice(this.#index(start), 1);
  }

  /** The name of the region holding `pc`, if any. */
  find(pc: number): string | undefined {
    const i = this.#index(pc);
    if (i < 0) return undefined;
    const region = this.#regions.get(this.#starts[i]!)!;
    return pc < region.end ? region.name : undefined;
  }

  /** The index of the last start at or below `address`, or -1. */
  #index(address: number): number {
    const starts = this.#starts;
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= address) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}

/** Addresses in the log are hex (`0x...`); up to 2^53 they are exact as numbers. */
function address(field: string | undefined): number {
  return field === undefined ? NaN : Number.parseInt(field, 16);
}

/** `JS:name url:line:col` without V8's tier marks, so that every tier of a function is one row. */
function codeName(type: string, name: string): string {
  return `${type}:${name}`;
}

// Generated code that only passes a call into native code on: a native sample is charged past
// these, to the code that made the call.
const TRAMPOLINE = /^Builtin:(CEntry|CallApiCallback|CallFunction|Call_|InterpreterEntry|JSEntry)/;

/**
 * The flat profile of a V8 `--prof` log.
 *
 * @param log The log's text.
 * @returns Samples per function, most first.
 */
export function summarizeTicks(log: string): TickProfile {
  const code = new CodeMap();
  const counts = new Map<string, number>();
  let total = 0;
  const count = (name: string): void => {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    total++;
  };
  for (const line of log.split("\n")) {
    if (line.startsWith("code-creation,")) {
      const f = line.split(",");
      const start = address(f[4]);
      const size = Number(f[5]);
      if (Number.isFinite(start) && Number.isFinite(size)) {
        code.add(start, size, codeName(f[1]!, f[6] ?? ""));
      }
    } else if (line.startsWith("code-move,")) {
      const f = line.split(",");
      code.move(address(f[1]), address(f[2]));
    } else if (line.startsWith("code-delete,")) {
      code.delete(address(line.split(",")[1]));
    } else if (line.startsWith("tick,")) {
      const f = line.split(",");
      const state = Number(f[5]);
      if (state !== 0) {
        count(`[${VM_STATES[state] ?? `state ${f[5]}`}]`);
        continue;
      }
      const own = code.find(address(f[1]));
      if (own !== undefined) {
        count(own);
        continue;
      }
      let caller: string | undefined;
      for (let i = 6; i < f.length && caller === undefined; i++) {
        const name = code.find(address(f[i]));
        if (name !== undefined && !TRAMPOLINE.test(name)) caller = name;
      }
      count(`native <- ${caller ?? "(no generated code on the stack)"}`);
    }
  }
  const rows = [...counts]
    .map(([name, ticks]) => ({ name, ticks, share: total === 0 ? 0 : ticks / total }))
    .sort((a, b) => b.ticks - a.ticks || (a.name < b.name ? -1 : 1));
  return { rows, total };
}
