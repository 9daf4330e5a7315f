// The npm package checks, run by `deno run -A scripts/build_npm.ts --check` after the build:
//
// 1. publint (pinned) on the package directory: no errors, warnings or suggestions.
// 2. `npm pack --dry-run`: the tarball holds package.json, README.md, LICENSE and the emitted
//    `esm/**/*.js` + `esm/**/*.d.ts`, nothing else, and every emitted file.
// 3. The consumer check: a throwaway project in a temp dir installs the packed tarball (with
//    typescript and @types/node from npm, pinned), then
//    - imports `spanwire` and every subpath from an ES module and records a span,
//    - loads the same from CommonJS with require() (Node 20.19+ loads ES modules synchronously),
//      and checks that both see the very same module instances (no dual-package hazard),
//    - type-checks an .mts and a .cts file against the package's .d.ts with tsc
//      (`--module nodenext`, `skipLibCheck: false`, Node's own library without DOM), including
//      `@ts-expect-error` lines that fail if the types were `any`.
//
// 4. Runtime-neutral entry points: `spanwire`, `spanwire/trace`, `spanwire/http`,
//    `spanwire/exporters/pipeline`, `spanwire/exporters/jaeger`, `spanwire/exporters/otlp` and
//    `spanwire/wasm` say they run in browsers too, so nothing
//    they load may import a `node:` module (the Node adapter, the UDP exporter and the mock
//    agent have their own entry points). The other entry points' `node:` imports are listed.
//    No entry point imports a package, except an optional peer (OPTIONAL_PEERS in _npm_tools.ts)
//    from the one entry point that owns it: `@opentelemetry/api` from `spanwire/otel` only.
//
// Usage: deno run -A scripts/npm_checks.ts [PACKAGE_DIR]   (default npm/, built beforehand)

import ts from "typescript";
import { dirname, join, relative, resolve } from "node:path";
import {
  consumerProject,
  OPTIONAL_PEERS,
  pack,
  pinnedNpm,
  ROOT,
  run,
  TYPES_NODE_VERSION,
} from "./_npm_tools.ts";

/** publint, pinned. */
export const PUBLINT = "publint@0.3.25";
/** The TypeScript the consumer type-checks with, pinned (as deno.json's `typescript`). */
export const TYPESCRIPT = "typescript@5.9.3";

interface PackageJson {
  name: string;
  exports: Record<string, { types: string; default: string }>;
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`npm_checks: ${message}`);
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...await listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

/** 1. publint: fails on any message, errors, warnings and suggestions alike. */
export async function checkPublint(packageDir: string): Promise<void> {
  console.log(`\n--- npx -y ${PUBLINT} --strict`);
  const out = await run("npx", ["-y", PUBLINT, "--strict", "--pack", "npm", packageDir], {
    quiet: true,
  });
  console.log(out.trim());
  assert(
    /All good!/.test(out) && !/(Suggestions?|Warnings?|Errors?):/.test(out),
    `publint is not clean:\n${out}`,
  );
}

/** 2. `npm pack --dry-run`: exactly the files that belong, and all of them. */
export async function checkPackList(packageDir: string): Promise<void> {
  console.log(`\n--- npm pack --dry-run`);
  const out = await run("npm", ["pack", "--dry-run", "--json", "--loglevel=error", packageDir], {
    quiet: true,
  });
  const info = JSON.parse(out) as {
    files: { path: string }[];
    size: number;
    unpackedSize: number;
  }[];
  const listed = info[0]!.files.map((f) => f.path).sort();
  const belongs = (p: string): boolean =>
    p === "package.json" || p === "README.md" || p === "LICENSE" ||
    (/^esm\/.+\.(js|d\.ts)$/.test(p) && !/\.test\.|_test\.|\/tests?\//.test(p));
  const stray = listed.filter((p) => !belongs(p));
  assert(
    stray.length === 0,
    `npm pack would publish files that do not belong: ${stray.join(", ")}`,
  );
  const built = (await listFiles(packageDir)).sort();
  const missing = built.filter((p) => !listed.includes(p));
  assert(missing.length === 0, `npm pack would leave out: ${missing.join(", ")}`);
  const js = listed.filter((p) => p.endsWith(".js"));
  const dts = listed.filter((p) => p.endsWith(".d.ts"));
  assert(js.length === dts.length, `${js.length} .js files but ${dts.length} .d.ts files`);
  console.log(
    `${listed.length} files (${js.length} modules with .d.ts, package.json, README.md, LICENSE), ` +
      `${(info[0]!.size / 1024).toFixed(1)} KiB packed, ` +
      `${(info[0]!.unpackedSize / 1024).toFixed(1)} KiB unpacked`,
  );
}

function specifiers(pkg: PackageJson): string[] {
  return Object.keys(pkg.exports).map((sub) =>
    sub === "." ? pkg.name : `${pkg.name}${sub.slice(1)}`
  );
}

/** The ES module side of the consumer check. */
function esmConsumer(names: string[]): string {
  return `// Generated by scripts/npm_checks.ts: imports every entry point of the package.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { RingBufferTraceCollector, SpanContext, SpanRecorder } from "spanwire";

const names = ${JSON.stringify(names)};
const require = createRequire(import.meta.url);
for (const name of names) {
  const viaImport = await import(name);
  const viaRequire = require(name);
  assert.deepEqual(Object.keys(viaRequire).sort(), Object.keys(viaImport).sort(), name);
  for (const key of Object.keys(viaImport)) {
    assert.equal(viaRequire[key], viaImport[key], \`\${name}: \${key} differs between import and require\`);
  }
  console.log(\`import \${name}: \${Object.keys(viaImport).length} exports\`);
}

const collector = new RingBufferTraceCollector(10);
const recorder = new SpanRecorder(SpanContext.root(collector).child("esm"));
recorder.setMetadata("runtime", "node").ok();
recorder[Symbol.dispose]();
assert.equal(collector.spans().length, 1);
assert.equal(collector.spans()[0].name, "esm");
assert.equal(collector.spans()[0].status, "ok");
console.log("esm consumer: ok");
`;
}

/** The CommonJS side of the consumer check. */
function cjsConsumer(names: string[]): string {
  return `// Generated by scripts/npm_checks.ts: loads every entry point with require().
"use strict";
const assert = require("node:assert/strict");
const names = ${JSON.stringify(names)};
for (const name of names) {
  const mod = require(name);
  assert.equal(typeof mod, "object", name);
  console.log(\`require(\${JSON.stringify(name)}): \${Object.keys(mod).length} exports\`);
}
const { RingBufferTraceCollector, SpanContext, SpanRecorder, TraceId } = require("spanwire");
const collector = new RingBufferTraceCollector(10);
const recorder = new SpanRecorder(SpanContext.root(collector).child("cjs"));
recorder.finish();
assert.equal(collector.spans()[0].name, "cjs");
assert.equal(TraceId.parse("ABC").toString(), "00000000000000000000000000000abc");
console.log("cjs consumer: ok");
`;
}

/** The typed ES module: every entry point, and `@ts-expect-error` lines that need real types. */
function typesEsm(names: string[]): string {
  return `// Generated by scripts/npm_checks.ts: type-checked with tsc against the package's .d.ts.
${names.map((n, i) => `import * as entry${i} from "${n}";`).join("\n")}
import {
  RingBufferTraceCollector,
  type Span,
  SpanContext,
  SpanRecorder,
  TraceId,
} from "spanwire";
import type { TraceCollector } from "spanwire/trace";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { TraceHeaderParser } from "spanwire/http";
import { spanContextOf, traceNodeListener } from "spanwire/http/node";
import {
  decodeEmitBatch,
  encodeEmitBatch,
  type JaegerBatch,
  jsSpanEncoder,
  type SpanEncoderBackend,
  wasmSpanEncoder,
} from "spanwire/exporters/jaeger";

export const entries: object[] = [${names.map((_, i) => `entry${i}`).join(", ")}];

const collector: TraceCollector & RingBufferTraceCollector = new RingBufferTraceCollector(10);
const recorder: SpanRecorder = new SpanRecorder(SpanContext.root(collector).child("typed"));
recorder.setMetadata("http.status_code", 200).ok();
recorder[Symbol.dispose]();
export const spans: Span[] = collector.spans();
export const id: string = TraceId.parse("abc").toString();

// Node's own header object is what the parser takes, without a cast.
export function contextOf(request: IncomingMessage): SpanContext | undefined {
  return new TraceHeaderParser().parse(request.headers, collector);
}
export const server: Server = createServer(traceNodeListener((req, res) => {
  res.end(String(spanContextOf(req)?.traceId));
}, { collector }));
export const packet: Uint8Array = encodeEmitBatch({ process: { serviceName: "svc" }, spans: [] }, 1);
const batch: JaegerBatch = decodeEmitBatch(packet).batch;
export const backends: SpanEncoderBackend[] = [jsSpanEncoder, wasmSpanEncoder];
export const service: string = batch.process.serviceName;

// The types are real (not any): each line below must be an error.
// @ts-expect-error spans() returns Span[], not a number
export const notANumber: number = collector.spans();
// @ts-expect-error TraceId.parse takes a string
TraceId.parse(42);
// @ts-expect-error a header value is a string or string[]
new TraceHeaderParser().parse({ "uber-trace-id": 42 });
`;
}

/** The typed CommonJS module (TypeScript 5.8+ types require() of an ES module under nodenext). */
function typesCjs(): string {
  return `// Generated by scripts/npm_checks.ts: require() of the package, type-checked.
import spanwire = require("spanwire");
import trace = require("spanwire/trace");

const collector: trace.RingBufferTraceCollector = new spanwire.RingBufferTraceCollector(4);
new spanwire.SpanRecorder(spanwire.SpanContext.root(collector).child("cjs")).finish();
export const names: string[] = collector.spans().map((span: trace.Span) => span.name);
// @ts-expect-error capacity is a number
new spanwire.RingBufferTraceCollector("four");
`;
}

/** The fenced `js` and `ts` examples of a README, in order. */
export function readmeExamples(readme: string): { lang: "js" | "ts"; code: string }[] {
  const out: { lang: "js" | "ts"; code: string }[] = [];
  for (const m of readme.matchAll(/^```(js|ts)\n([\s\S]*?)^```$/gm)) {
    out.push({ lang: m[1] as "js" | "ts", code: m[2]! });
  }
  return out;
}

/**
 * The packed README speaks npm (no `@spanwire/trace` import), and its examples work as a user
 * copies them: each `js` example must parse under the Node
 * that runs the check (`node --check`: no `using` on Node 20), and all are type-checked with
 * `strict` and `exactOptionalPropertyTypes` against the installed package.
 */
async function checkReadmeExamples(dir: string): Promise<void> {
  // The README as installed from the packed tarball.
  const readme = await Deno.readTextFile(join(dir, "node_modules", "spanwire", "README.md"));
  assert(
    !readme.includes("@spanwire/trace/") && !/from "@spanwire\/trace"/.test(readme),
    "the npm README imports from @spanwire/trace (JSR); it must speak npm (spanwire/...)",
  );
  assert(/from "spanwire\/[a-z/]+"/.test(readme), "the npm README shows no spanwire/... import");
  const examples = readmeExamples(readme);
  assert(examples.length > 0, "the npm README has no js/ts example");
  const files: string[] = [];
  for (const [i, { lang, code }] of examples.entries()) {
    const name = `readme_${i}.mts`;
    files.push(name);
    await Deno.writeTextFile(join(dir, name), code);
    if (lang === "js") {
      await Deno.writeTextFile(join(dir, `readme_${i}.mjs`), code);
      await run("node", ["--check", `readme_${i}.mjs`], { cwd: dir });
    }
  }
  await Deno.writeTextFile(
    join(dir, "tsconfig.readme.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "ESNext.Disposable"],
          types: ["node"],
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files,
      },
      null,
      2,
    ) + "\n",
  );
  console.log(
    `README: ${examples.length} examples parse under node --check (js) and type-check with strict + exactOptionalPropertyTypes`,
  );
  await run(
    "node",
    [join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.readme.json"],
    { cwd: dir },
  );
}

/** 3. The consumer check, in a throwaway project that installs `tarball`. */
export async function checkConsumer(packageDir: string, tarball: string): Promise<void> {
  console.log(`\n--- consumer: npm install spanwire (tarball) ${TYPESCRIPT} @types/node`);
  const pkg = JSON.parse(await Deno.readTextFile(join(packageDir, "package.json"))) as PackageJson;
  const names = specifiers(pkg);
  // The optional peers too: the check imports every entry point, ./otel included.
  const peers = await Promise.all(Object.keys(OPTIONAL_PEERS).map(pinnedNpm));
  const dir = await consumerProject(tarball, [
    TYPESCRIPT,
    `@types/node@${TYPES_NODE_VERSION}`,
    ...peers,
  ]);
  try {
    await Deno.writeTextFile(join(dir, "esm.mjs"), esmConsumer(names));
    await Deno.writeTextFile(join(dir, "cjs.cjs"), cjsConsumer(names));
    await Deno.writeTextFile(join(dir, "types_esm.mts"), typesEsm(names));
    await Deno.writeTextFile(join(dir, "types_cjs.cts"), typesCjs());
    await Deno.writeTextFile(
      join(dir, "tsconfig.json"),
      JSON.stringify(
        {
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            lib: ["ES2022"],
            types: ["node"],
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            esModuleInterop: true,
            forceConsistentCasingInFileNames: true,
          },
          files: ["types_esm.mts", "types_cjs.cts"],
        },
        null,
        2,
      ) + "\n",
    );
    await run("node", ["esm.mjs"], { cwd: dir });
    await run("node", ["cjs.cjs"], { cwd: dir });
    console.log(`tsc -p . (${TYPESCRIPT}, nodenext, lib ES2022 + @types/node, skipLibCheck false)`);
    await run("node", [join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", "."], {
      cwd: dir,
    });
    console.log("types: ok");
    await checkReadmeExamples(dir);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The entry points documented to run anywhere (Deno, Node, Bun, browsers). */
export const RUNTIME_NEUTRAL = [
  ".",
  "./trace",
  "./http",
  "./exporters/pipeline",
  "./exporters/jaeger",
  "./exporters/otlp",
  "./wasm",
];

/** 4. No `node:` import is reachable from a runtime-neutral entry point. */
export async function checkRuntimeNeutral(packageDir: string): Promise<void> {
  console.log(`\n--- node: and package imports reachable from each entry point`);
  const pkg = JSON.parse(await Deno.readTextFile(join(packageDir, "package.json"))) as PackageJson;
  const offending: string[] = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const seen = new Set<string>();
    const nodeImports = new Set<string>();
    const packageImports = new Set<string>();
    const walk = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const info = ts.preProcessFile(await Deno.readTextFile(file), true, true);
      for (const { fileName } of info.importedFiles) {
        if (fileName.startsWith("node:")) {
          nodeImports.add(`${fileName} (${relative(packageDir, file)})`);
        } else if (fileName.startsWith(".")) {
          await walk(resolve(dirname(file), fileName));
        } else {
          packageImports.add(fileName);
        }
      }
    };
    await walk(join(packageDir, target.default));
    const list = [...nodeImports].sort();
    console.log(
      `${subpath}: ${seen.size} modules, ${list.length ? list.join(", ") : "no node: imports"}`,
    );
    if (RUNTIME_NEUTRAL.includes(subpath) && list.length > 0) {
      offending.push(`${subpath} reaches ${list.join(", ")}`);
    }
    // Packages: only an optional peer, and only from the entry point that owns it.
    for (const name of packageImports) {
      const peer = OPTIONAL_PEERS[name];
      console.log(`${subpath}: imports the package ${name}`);
      if (peer === undefined || peer.entry !== subpath) {
        offending.push(
          `${subpath} reaches the package ${name} (only ${
            Object.entries(OPTIONAL_PEERS).map(([n, p]) => `${p.entry} -> ${n}`).join(", ")
          } may import a package)`,
        );
      }
    }
  }
  assert(
    offending.length === 0,
    `entry points import what they must not:\n  ${offending.join("\n  ")}`,
  );
}

/** Runs all the checks on a built package and its tarball. */
export async function runPackageChecks(packageDir: string, tarball: string): Promise<void> {
  await checkPublint(packageDir);
  await checkPackList(packageDir);
  await checkRuntimeNeutral(packageDir);
  await checkConsumer(packageDir, tarball);
  console.log(
    "\nnpm_checks: publint, pack listing, runtime-neutral entry points and consumer check passed",
  );
}

if (import.meta.main) {
  const packageDir = Deno.args[0] ?? join(ROOT, "npm");
  const work = await Deno.makeTempDir({ prefix: "spanwire-npm-checks-" });
  try {
    await runPackageChecks(packageDir, await pack(packageDir, work));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    Deno.exitCode = 1;
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}
