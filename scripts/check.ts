// The whole gate, as `deno task test` runs it (and so `.ci/run`): formatting, lint, types, doc
// lint, the tests (with every doc example), the JSR publish dry run, and the later steps that
// other parts of the project add below. Each step runs as a child process; the first failure
// stops the run with its exit code.
//
// Usage: deno run -A scripts/check.ts [--only NAME[,NAME]] [--skip NAME[,NAME]]

const deno = Deno.execPath();

/** The public entry points, as listed in deno.json's `exports`. */
const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
const entryPoints: string[] = Object.values(config.exports as Record<string, string>);

/** Where the library's own code (and so its doc examples) lives. */
const sourceDirs = [
  "mod.ts",
  "trace/",
  "context/",
  "http/",
  "exporters/",
  "wasm/",
  "allinone/",
  "otel/",
];

interface Step {
  name: string;
  cmd: string[];
}

const steps: Step[] = [
  { name: "fmt", cmd: [deno, "fmt", "--check"] },
  { name: "lint", cmd: [deno, "lint"] },
  // No folder imports a folder that imports it back (directly or through others).
  { name: "folder-cycles", cmd: [deno, "run", "-A", "scripts/check_folder_cycles.ts"] },
  {
    name: "check",
    cmd: [deno, "check", ...entryPoints, "tests/", "bench/", "examples/", "scripts/"],
  },
  // What a JSR user's `deno check` sees: Deno's default compilerOptions and lib, not ours. Bare
  // specifiers (`@opentelemetry/api`, imported by ./otel) resolve through deno.json's `imports`,
  // as JSR rewrites them on publish.
  {
    name: "check-defaults",
    cmd: [deno, "check", "--no-config", "--import-map", "deno.json", ...entryPoints],
  },
  // deno doc --lint over every entry point (the script excuses only the npm types of
  // @opentelemetry/api that ./otel implements, which deno doc counts as private).
  { name: "doc-lint", cmd: [deno, "run", "-A", "scripts/doc_lint.ts"] },
  {
    name: "test",
    cmd: [deno, "test", "-A", "--doc", "--parallel", ...sourceDirs, "tests/", "README.md"],
  },
  { name: "publish-dry-run", cmd: [deno, "publish", "--dry-run", "--allow-dirty"] },
  // The committed wasm/_encoder_wasm.generated.ts must equal a fresh AssemblyScript build.
  { name: "wasm-reproducible", cmd: [deno, "run", "-A", "scripts/build_wasm.ts", "--check"] },
  // The npm package: build npm/, run tests/node/ under Node against the packed tarball, then
  // publint, the `npm pack` listing and the consumer check (ESM, require(), tsc).
  { name: "npm", cmd: [deno, "run", "-A", "scripts/build_npm.ts", "--test", "--check"] },
];

function list(flag: string): string[] | undefined {
  const i = Deno.args.indexOf(flag);
  return i >= 0 ? (Deno.args[i + 1] ?? "").split(",").filter(Boolean) : undefined;
}
const only = list("--only");
const skip = list("--skip") ?? [];
const chosen = steps.filter((s) => (only ? only.includes(s.name) : true) && !skip.includes(s.name));

// Test counts, read off each step's output as it streams by: Deno's closing line
// ("ok | 12 passed (3 steps) | 0 failed") and node --test's "# pass N" / "# fail N".
let testsPassed = 0;
let testsFailed = 0;
function countTests(text: string): void {
  // deno-lint-ignore no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  for (const m of plain.matchAll(/\| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g)) {
    testsPassed += Number(m[1]);
    testsFailed += Number(m[2]);
  }
  for (const m of plain.matchAll(/^# pass (\d+)$/gm)) testsPassed += Number(m[1]);
  for (const m of plain.matchAll(/^# fail (\d+)$/gm)) testsFailed += Number(m[1]);
}

/** Runs a step, passing its output through and counting the tests it reports. */
async function run(step: Step): Promise<number> {
  const child = new Deno.Command(step.cmd[0]!, {
    args: step.cmd.slice(1),
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    pending += decoder.decode(chunk, { stream: true });
    const cut = pending.lastIndexOf("\n");
    if (cut >= 0) {
      countTests(pending.slice(0, cut + 1));
      pending = pending.slice(cut + 1);
    }
  }
  countTests(pending);
  return (await child.status).code;
}

let passed = 0;
for (const step of chosen) {
  const started = performance.now();
  console.log(`\n=== ${step.name}: ${step.cmd.slice(1).join(" ")}`);
  const code = await run(step);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (code !== 0) {
    console.error(`\n=== ${step.name} FAILED (exit ${code}, ${seconds}s)`);
    console.log(`steps: ${passed} passed, 1 failed`);
    console.log(`tests: ${testsPassed} passed, ${Math.max(1, testsFailed)} failed`);
    Deno.exit(code);
  }
  console.log(`=== ${step.name} ok (${seconds}s)`);
  passed++;
}
console.log(`\nsteps: ${passed} passed, 0 failed`);
console.log(`tests: ${testsPassed} passed, ${testsFailed} failed`);
