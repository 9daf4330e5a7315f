// A sampling CPU profile of a Deno program, by function, where neither `perf` nor
// `--cpu-prof` is at hand: runs `deno run RUN-ARGS` with V8's profiler on (through
// DENO_V8_FLAGS, so the Deno processes it starts are profiled too, each into a log of its own),
// then prints each process's flat profile (scripts/_v8_ticks.ts says how samples are charged).
//
// Usage: deno run -A scripts/profile.ts [--top N] [--interval MICROS] [--dir DIR] -- RUN-ARGS...
//   deno run -A scripts/profile.ts -- -A bench/record_bench.ts
//   deno run -A scripts/profile.ts --top 25 -- -A bench/pipeline_bench.ts --only "spanwire → OTLP"
// --dir keeps the V8 logs there (default: a temporary directory, removed after). A profile covers
// its whole process, start-up included: profile a steady loop long enough for that to be small.
// Processes with fewer than 50 samples (helpers that mostly waited) are left out.
// What V8's sampler sees: time on the main thread while V8 runs (JS, builtins, the runtime functions
// and ops JS calls, GC). Time the thread spends in Deno's own Rust work between turns of JS (a
// server's HTTP parsing and writing, for one) is sampled only in part: a traced Deno.serve app
// under wrk showed about 1.3 µs a request of the 22 µs its process spent.

import { summarizeTicks } from "./_v8_ticks.ts";

const args = [...Deno.args];
const split = args.indexOf("--");
if (split < 0 || split === args.length - 1) {
  console.error(
    "usage: deno run -A scripts/profile.ts [--top N] [--interval MICROS] [--dir DIR] -- RUN-ARGS...",
  );
  Deno.exit(2);
}
const own = args.slice(0, split);
const run = args.slice(split + 1);

function option(name: string): string | undefined {
  const i = own.indexOf(name);
  return i >= 0 ? own[i + 1] : undefined;
}

const top = Number(option("--top") ?? 40);
const interval = Number(option("--interval") ?? 200);
const keep = option("--dir");
const dir = keep ?? await Deno.makeTempDir({ prefix: "spanwire-prof-" });
if (keep !== undefined) await Deno.mkdir(keep, { recursive: true });
// Logs already in a kept directory (an earlier run's) are not this run's.
const earlier = new Set<string>();
for await (const entry of Deno.readDir(dir)) earlier.add(entry.name);

// V8 replaces %p in the log file's name with the process id.
const flags = [
  "--prof",
  `--prof-sampling-interval=${interval}`,
  `--logfile=${dir}/v8-%p.log`,
  "--no-logfile-per-isolate",
];
const inherited = Deno.env.get("DENO_V8_FLAGS");
const env = { DENO_V8_FLAGS: [inherited, ...flags].filter((f) => f).join(",") };
const status = await new Deno.Command(Deno.execPath(), { args: ["run", ...run], env }).spawn()
  .status;

const profiles = [];
for await (const entry of Deno.readDir(dir)) {
  if (!/^v8-\d+\.log$/.test(entry.name) || earlier.has(entry.name)) continue;
  const profile = summarizeTicks(await Deno.readTextFile(`${dir}/${entry.name}`));
  if (profile.total >= 50) profiles.push({ pid: entry.name.slice(3, -4), ...profile });
}
if (keep === undefined) await Deno.remove(dir, { recursive: true });
profiles.sort((a, b) => b.total - a.total);
console.log(`\nThe program exited ${status.code}. One sample every ${interval} µs.`);
for (const { pid, rows, total } of profiles) {
  console.log(`\nProcess ${pid}: ${total} samples`);
  for (const row of rows.slice(0, top)) {
    console.log(`${(row.share * 100).toFixed(1).padStart(5)}%  ${row.name}`);
  }
}
