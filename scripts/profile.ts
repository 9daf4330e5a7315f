// A sampling CPU profile of a Deno program, by function, where neither `perf` nor
// `--cpu-prof` is at hand: runs `deno run --v8-flags=--prof,...` on the given arguments, then
// prints the flat profile of V8's log (scripts/_v8_ticks.ts says how samples are charged).
//
// Usage: deno run -A scripts/profile.ts [--top N] [--interval MICROS] [--log FILE] -- RUN-ARGS...
//   e.g. deno run -A scripts/profile.ts --top 30 -- -A bench/record_bench.ts
// RUN-ARGS are what `deno run` takes (permissions, the script, its arguments); a --v8-flags
// among them is merged with the profiler's. The profile covers the whole process, start-up
// included: profile a steady loop long enough for that to be small.

import { summarizeTicks } from "./_v8_ticks.ts";

const args = [...Deno.args];
const split = args.indexOf("--");
if (split < 0 || split === args.length - 1) {
  console.error(
    "usage: deno run -A scripts/profile.ts [--top N] [--interval MICROS] [--log FILE] -- RUN-ARGS...",
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
const keep = option("--log");
const log = keep ?? await Deno.makeTempFile({ prefix: "spanwire-prof-", suffix: ".log" });

const flags = [
  "--prof",
  `--prof-sampling-interval=${interval}`,
  `--logfile=${log}`,
  "--no-logfile-per-isolate",
];
const given = run.findIndex((a) => a.startsWith("--v8-flags="));
if (given >= 0) run[given] = `${run[given]},${flags.join(",")}`;
else run.unshift(`--v8-flags=${flags.join(",")}`);

const status = await new Deno.Command(Deno.execPath(), { args: ["run", ...run] }).spawn().status;
const { rows, total } = summarizeTicks(await Deno.readTextFile(log));
if (keep === undefined) await Deno.remove(log);
console.log(`\n${total} samples, one every ${interval} µs (the program exited ${status.code})`);
for (const row of rows.slice(0, top)) {
  console.log(`${(row.share * 100).toFixed(1).padStart(5)}%  ${row.name}`);
}
