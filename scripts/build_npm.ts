// Builds the npm package `spanwire` from the Deno source, doing what dnt does (dnt itself lives
// only on JSR, which this project cannot reach): the TypeScript compiler from npm emits ES modules
// with `.d.ts` beside them into `npm/esm/` (`./x.ts` imports become `./x.js`), then a package.json
// is written whose `exports` map has the same subpaths as deno.json, and LICENSE and the npm
// README (scripts/npm_readme.md: `spanwire/...` imports, Node first) are copied.
//
// Usage: deno run -A scripts/build_npm.ts [--test] [--check] [--out DIR]
//   (no flag)  build into npm/ (git-ignored)
//   --test     also run the Node test suite (tests/node/) under `node --test` against the packed
//              tarball, installed into a throwaway project and imported by package name
//   --check    also run the package checks (scripts/npm_checks.ts): publint, the `npm pack`
//              listing, and the consumer check (ESM import, require(), tsc against the .d.ts)
//   --out DIR  write the package to DIR instead of npm/
//
// The build compiles every entry point in deno.json "exports" and everything they import. It
// fails, naming file and line, on a type error (tsc checks against Node 20's library: ES2023,
// ESNext.Disposable, DOM and @types/node), on an import that Node cannot resolve without
// dependencies (anything but relative and `node:` specifiers), and on a bare reference to the
// `Deno` global (a ReferenceError in Node); it lists the references made through `globalThis`.

import ts from "typescript";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import {
  consumerProject,
  copyDir,
  exists,
  OPTIONAL_PEERS,
  pack,
  pinnedNpm,
  ROOT,
  run,
  TYPES_NODE_VERSION,
} from "./_npm_tools.ts";
import { runPackageChecks } from "./npm_checks.ts";

/**
 * npm packages the Node tests use besides the package (versions pinned in deno.json): the
 * optional peer and the OpenTelemetry instrumentation that tests/node/otel.mjs registers.
 */
const NODE_TEST_PACKAGES = ["@opentelemetry/api", "@opentelemetry/instrumentation-http"];

/** Where the emitted modules live inside the package. */
const ESM_DIR = "esm";

/** The package's commands (`bin`): name -> source file (it starts with `#!/usr/bin/env node`). */
const BIN: Record<string, string> = { "spanwire-allinone": "allinone/cli.ts" };

/** What the build produced. */
export interface BuildResult {
  /** The package directory (npm/ unless `--out`). */
  outDir: string;
  /** The written package.json. */
  packageJson: PackageJson;
  /** How many modules were emitted. */
  modules: number;
}

/** The fields of the package.json we write. */
export interface PackageJson {
  name: string;
  version: string;
  description: string;
  keywords: string[];
  license: string;
  type: "module";
  sideEffects: false;
  engines: { node: string };
  main: string;
  types: string;
  exports: Record<string, { types: string; default: string }>;
  bin: Record<string, string>;
  files: string[];
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional: boolean }>;
}

interface DenoJson {
  version: string;
  license?: string;
  exports: Record<string, string>;
}

function fail(message: string): never {
  throw new Error(`build_npm: ${message}`);
}

/**
 * Makes sure the pinned `@types/node` is installed in a tools directory under the system temp
 * dir (kept between runs, so that only the first build on a machine downloads it) and returns its
 * `@types` folder. Concurrent builds each install into their own directory and then race to
 * rename it into place; the loser uses the winner's.
 */
export async function nodeTypesRoot(): Promise<string> {
  // The optional peers (pinned as in deno.json) are installed beside @types/node, so that the
  // compiler sees their types (through `paths`, see compilerOptionsJson).
  const peers = await Promise.all(Object.keys(OPTIONAL_PEERS).map(pinnedNpm));
  const tag = [TYPES_NODE_VERSION, ...peers].join("-").replace(/[^A-Za-z0-9.-]/g, "_");
  const dir = join(tmpdir(), `spanwire-build-npm-tools-${tag}`);
  const typesRoot = join(dir, "node_modules", "@types");
  const marker = join(typesRoot, "node", "package.json");
  if (await exists(marker)) return typesRoot;
  const staging = await Deno.makeTempDir({ prefix: "spanwire-build-npm-tools-" });
  await Deno.writeTextFile(join(staging, "package.json"), '{ "private": true }\n');
  await run("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--no-package-lock",
    "--prefer-offline",
    "--loglevel=error",
    `@types/node@${TYPES_NODE_VERSION}`,
    ...peers,
  ], { cwd: staging });
  try {
    await Deno.rename(staging, dir);
  } catch {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    if (!(await exists(marker))) throw new Error(`Cannot set up @types/node in ${dir}`);
  }
  return typesRoot;
}

/**
 * The ES module type declarations of an optional peer installed beside @types/node: its
 * package.json's `exports["."]` `import` or `default` condition's `types`, else its `types`.
 */
function peerTypes(typesRoot: string, name: string): string {
  const dir = join(dirname(typesRoot), name);
  type Conditions = { types?: string } | string | undefined;
  const pkg = JSON.parse(Deno.readTextFileSync(join(dir, "package.json"))) as {
    types?: string;
    exports?: Record<string, Record<string, Conditions>>;
  };
  const root = pkg.exports?.["."];
  for (const condition of ["import", "default"]) {
    const entry = root?.[condition];
    if (typeof entry === "object" && entry.types !== undefined) return join(dir, entry.types);
  }
  if (pkg.types === undefined) fail(`cannot find the type declarations of ${name} in ${dir}`);
  return join(dir, pkg.types);
}

/** The compiler options, every one that matters set explicitly (as tsconfig JSON). */
export function compilerOptionsJson(outDir: string, typesRoot: string): Record<string, unknown> {
  return {
    // What Node 20 runs: ES2022 syntax (`using` is lowered), ES modules resolved as Node does.
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    moduleDetection: "force",
    // Node 20's library: ES2023 built-ins, Symbol.dispose (Node 20 defines it), the web APIs
    // Node has (fetch, Request, Headers, TextEncoder, WebAssembly) and @types/node. Not
    // `esnext`: an API newer than Node 20 (Promise.withResolvers, Object.groupBy) is an error.
    lib: ["ES2023", "ESNext.Disposable", "DOM", "DOM.Iterable"],
    types: ["node"],
    typeRoots: [typesRoot],
    // The optional peers resolve to their copies beside @types/node (the repository has no
    // node_modules); the emitted code keeps the bare specifier, resolved in the user's project.
    paths: Object.fromEntries(
      Object.keys(OPTIONAL_PEERS).map((name) => [name, [peerTypes(typesRoot, name)]]),
    ),
    // As deno.json.
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noFallthroughCasesInSwitch: true,
    exactOptionalPropertyTypes: false,
    noImplicitReturns: false,
    noUnusedLocals: false,
    noUnusedParameters: false,
    useUnknownInCatchVariables: true,
    // Deno-style imports: `./x.ts` in the source, `./x.js` in the output.
    allowImportingTsExtensions: true,
    rewriteRelativeImportExtensions: true,
    isolatedModules: true,
    verbatimModuleSyntax: false,
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
    resolveJsonModule: false,
    allowJs: false,
    checkJs: false,
    useDefineForClassFields: true,
    forceConsistentCasingInFileNames: true,
    skipLibCheck: true,
    // Output.
    rootDir: ROOT,
    outDir,
    declaration: true,
    declarationMap: false,
    sourceMap: false,
    inlineSourceMap: false,
    removeComments: false,
    importHelpers: false,
    noEmitHelpers: false,
    downlevelIteration: false,
    newLine: "lf",
    noEmitOnError: true,
    stripInternal: false,
    preserveConstEnums: true,
    emitBOM: false,
  };
}

function where(sf: ts.SourceFile, pos: number): string {
  const { line, character } = sf.getLineAndCharacterOfPosition(pos);
  return `${relative(ROOT, sf.fileName)}:${line + 1}:${character + 1}`;
}

/** Every module specifier a source file uses (static, re-export, dynamic, `import type`). */
function moduleSpecifiers(sf: ts.SourceFile): { text: string; pos: number }[] {
  const found: { text: string; pos: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ text: node.moduleSpecifier.text, pos: node.moduleSpecifier.getStart(sf) });
    } else if (
      ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined && ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ text: node.arguments[0].text, pos: node.arguments[0].getStart(sf) });
    } else if (
      ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ text: node.argument.literal.text, pos: node.argument.literal.getStart(sf) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** References to the `Deno` global: `Deno.x`, `globalThis.Deno`, `typeof Deno`. */
function denoReferences(sf: ts.SourceFile): { pos: number; guarded: boolean; text: string }[] {
  const found: { pos: number; guarded: boolean; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === "Deno") {
      const parent = node.parent;
      const isPropertyName = (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) ||
        ts.isQualifiedName(parent);
      let target: ts.Expression | undefined = ts.isPropertyAccessExpression(parent) &&
          parent.name === node
        ? parent.expression
        : undefined;
      while (
        target !== undefined &&
        (ts.isParenthesizedExpression(target) || ts.isAsExpression(target) ||
          ts.isNonNullExpression(target) || ts.isSatisfiesExpression(target))
      ) {
        target = target.expression;
      }
      const viaGlobalThis = target !== undefined && ts.isIdentifier(target) &&
        target.text === "globalThis";
      const underTypeof = ts.isTypeOfExpression(parent);
      if (!isPropertyName || viaGlobalThis) {
        const line = sf.text.slice(
          sf.text.lastIndexOf("\n", node.getStart(sf)) + 1,
          sf.text.indexOf("\n", node.getStart(sf)),
        ).trim();
        found.push({ pos: node.getStart(sf), guarded: viaGlobalThis || underTypeof, text: line });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/**
 * Renames the JSR package in doc comments and examples (`"@spanwire/trace/x"`, `` `@spanwire/trace` ``)
 * to the npm package's name (`"spanwire/x"`). The library's code never spells its own name.
 */
function renameSelfImports(text: string, packageName: string): string {
  return text.replace(/@spanwire\/trace(?=[/"'`])/g, packageName);
}

/** Compiles the package into `outDir` (which is emptied first) and writes its metadata. */
export async function build(outDir: string): Promise<BuildResult> {
  const denoJson = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))) as DenoJson;
  const packageName = "spanwire";
  const entries = Object.entries(denoJson.exports);
  for (const [subpath, target] of entries) {
    if (!target.endsWith(".ts")) fail(`deno.json export ${subpath} -> ${target} is not a .ts file`);
  }

  const typesRoot = await nodeTypesRoot();
  const esmOut = join(outDir, ESM_DIR);
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    compilerOptionsJson(esmOut, typesRoot),
    ROOT,
  );
  if (errors.length > 0) fail(ts.formatDiagnostics(errors, formatHost));

  // NodeNext decides ESM or CommonJS by the nearest package.json's "type". The repository has no
  // package.json (it is a Deno project), so the host shows the compiler one that says "module"
  // at the root, as the emitted package has.
  const host = ts.createCompilerHost(options, true);
  const virtualPackageJson = join(ROOT, "package.json");
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.fileExists = (f) => f === virtualPackageJson || fileExists(f);
  host.readFile = (f) =>
    f === virtualPackageJson ? '{ "type": "module", "private": true }\n' : readFile(f);
  const written = new Map<string, string>();
  host.writeFile = (fileName, text) => {
    written.set(fileName, renameSelfImports(text, packageName));
  };

  const rootNames = [
    ...entries.map(([, target]) => resolve(ROOT, target)),
    ...Object.values(BIN).map((source) => resolve(ROOT, source)),
  ];
  const program = ts.createProgram({ rootNames, options, host });

  // The package's own source files (not lib or @types files).
  const sources = program.getSourceFiles().filter((sf) =>
    !sf.isDeclarationFile && !program.isSourceFileFromExternalLibrary(sf)
  );
  const problems: string[] = [];
  for (const sf of sources) {
    const rel = relative(ROOT, sf.fileName);
    if (rel.startsWith("..") || /^(tests|bench|scripts|examples|npm)[\\/]/.test(rel)) {
      problems.push(`${rel}: the package must not include this file (imported from the library)`);
    }
    for (const { text, pos } of moduleSpecifiers(sf)) {
      const peer = OPTIONAL_PEERS[text];
      if (peer !== undefined) {
        if (!rel.replaceAll("\\", "/").startsWith(peer.folder)) {
          problems.push(
            `${where(sf, pos)}: imports the optional peer "${text}", which only files under ` +
              `${peer.folder} (the ${peer.entry} entry point) may import`,
          );
        }
        continue;
      }
      if (!(text.startsWith("./") || text.startsWith("../") || text.startsWith("node:"))) {
        problems.push(
          `${where(sf, pos)}: imports "${text}", which Node cannot resolve in a package without ` +
            `dependencies (only relative and node: imports can be published)`,
        );
      }
    }
  }
  const denoRefs: string[] = [];
  for (const sf of sources) {
    for (const ref of denoReferences(sf)) {
      const line = `${where(sf, ref.pos)} [${
        ref.guarded ? "via globalThis or typeof" : "BARE"
      }] ${ref.text}`;
      denoRefs.push(line);
      // A bare `Deno` is a ReferenceError in Node wherever it runs.
      if (!ref.guarded) {
        problems.push(`${line}: use (globalThis as { Deno?: ... }).Deno, or guard with typeof`);
      }
    }
  }
  if (denoRefs.length > 0) {
    console.log(
      `build_npm: references to the Deno global in the package (each must be reached only ` +
        `under Deno):\n  ${denoRefs.join("\n  ")}`,
    );
  }

  if (problems.length > 0) console.error(`build_npm: cannot publish:\n  ${problems.join("\n  ")}`);
  const diagnostics = [...ts.getPreEmitDiagnostics(program)];
  if (diagnostics.length > 0) {
    console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost));
    const unguarded = denoRefs.filter((r) => r.includes("[BARE]"));
    fail(
      `${diagnostics.length} type error(s) under Node's library and @types/node` +
        (unguarded.length > 0
          ? ` (Deno-only code must be guarded, e.g. via globalThis: ${unguarded.length} ` +
            `unguarded reference(s) listed above)`
          : ""),
    );
  }
  if (problems.length > 0) fail(`${problems.length} problem(s) listed above`);

  const emitted = program.emit();
  if (emitted.emitSkipped || emitted.diagnostics.length > 0) {
    fail(
      `emit failed:\n${ts.formatDiagnosticsWithColorAndContext(emitted.diagnostics, formatHost)}`,
    );
  }

  // Write the package: empty the out dir first so that nothing stale survives.
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
  for (const [fileName, text] of written) {
    await Deno.mkdir(dirname(fileName), { recursive: true });
    await Deno.writeTextFile(fileName, text);
  }

  const exportsMap: PackageJson["exports"] = {};
  for (const [subpath, target] of entries) {
    const base = `./${ESM_DIR}/${target.replace(/^\.\//, "").replace(/\.ts$/, "")}`;
    exportsMap[subpath] = { types: `${base}.d.ts`, default: `${base}.js` };
    for (const ext of [".js", ".d.ts"]) {
      const file = join(outDir, `${base}${ext}`);
      if (!written.has(file)) fail(`export ${subpath}: ${relative(ROOT, file)} was not emitted`);
    }
  }
  const bin: Record<string, string> = {};
  for (const [name, source] of Object.entries(BIN)) {
    const file = `${ESM_DIR}/${source.replace(/\.ts$/, ".js")}`;
    const text = written.get(join(outDir, file));
    if (text === undefined) fail(`bin ${name}: ${file} was not emitted`);
    if (!text.startsWith("#!/usr/bin/env node\n")) fail(`bin ${name}: ${file} has no shebang`);
    bin[name] = `./${file}`;
  }
  const root = exportsMap["."];
  if (root === undefined) fail(`deno.json has no "." export`);
  const packageJson: PackageJson = {
    name: packageName,
    version: denoJson.version,
    description: "Distributed tracing for Node and Deno after InfluxDB IOx: a span model, " +
      "HTTP trace context (Jaeger, B3, W3C traceparent) and a Jaeger agent exporter " +
      "(compact Thrift over UDP) with a WebAssembly encoding hot path.",
    keywords: [
      "tracing",
      "distributed-tracing",
      "jaeger",
      "thrift",
      "udp",
      "b3",
      "traceparent",
      "w3c-trace-context",
      "webassembly",
      "influxdb",
      "iox",
      "deno",
    ],
    license: denoJson.license ?? "MIT",
    type: "module",
    sideEffects: false,
    engines: { node: ">=20" },
    main: root.default,
    types: root.types,
    exports: exportsMap,
    bin,
    files: [`${ESM_DIR}/`],
    // Optional peers: installed by the user who imports the entry point that needs them.
    peerDependencies: Object.fromEntries(
      Object.entries(OPTIONAL_PEERS).map(([name, peer]) => [name, peer.range]),
    ),
    peerDependenciesMeta: Object.fromEntries(
      Object.keys(OPTIONAL_PEERS).map((name) => [name, { optional: true }]),
    ),
  };
  await Deno.writeTextFile(
    join(outDir, "package.json"),
    JSON.stringify(packageJson, null, 2) + "\n",
  );
  // npm's README speaks npm (`spanwire/...` imports, Node first); the repository's is Deno's.
  await Deno.copyFile(join(ROOT, "scripts", "npm_readme.md"), join(outDir, "README.md"));
  await Deno.copyFile(join(ROOT, "LICENSE"), join(outDir, "LICENSE"));

  return {
    outDir,
    packageJson,
    modules: [...written.keys()].filter((f) => f.endsWith(".js")).length,
  };
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => ROOT,
  getNewLine: () => "\n",
};

/**
 * Runs the Node test suite (every `tests/node/*.mjs` not starting with `_`) with `node --test`
 * inside the consumer project `dir`, where `spanwire` is installed from the tarball. The tests
 * find the repository (for fixtures) through `SPANWIRE_REPO`.
 */
export async function runNodeTests(dir: string): Promise<void> {
  const testsDir = join(ROOT, "tests", "node");
  const target = join(dir, "tests", "node");
  await copyDir(testsDir, target);
  // The Node example runs there too (tests/node/example.mjs), resolving `spanwire` the same way.
  const example = join(ROOT, "examples", "node");
  if (await exists(example)) await copyDir(example, join(dir, "examples", "node"));
  const files: string[] = [];
  for await (const entry of Deno.readDir(target)) {
    if (entry.isFile && entry.name.endsWith(".mjs") && !entry.name.startsWith("_")) {
      files.push(join("tests", "node", entry.name));
    }
  }
  files.sort();
  if (files.length === 0) throw new Error("no Node tests found in tests/node/");
  console.log(`\nnode --test ${files.join(" ")}`);
  await run("node", ["--test", "--test-reporter=tap", ...files], {
    cwd: dir,
    env: { SPANWIRE_REPO: ROOT, NODE_NO_WARNINGS: "1" },
  });
}

/** Links `examples/node/node_modules/spanwire` to the built package so the example runs. */
async function linkExample(outDir: string): Promise<void> {
  const exampleDir = join(ROOT, "examples", "node");
  if (!(await exists(exampleDir))) return;
  const linkDir = join(exampleDir, "node_modules");
  const link = join(linkDir, "spanwire");
  await Deno.mkdir(linkDir, { recursive: true });
  const target = relative(linkDir, outDir);
  if ((await Deno.readLink(link).catch(() => undefined)) === target) return;
  await Deno.remove(link).catch(() => {});
  await Deno.symlink(target, link, { type: "dir" }).catch((error) => {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  });
}

if (import.meta.main) {
  const args = [...Deno.args];
  const flag = (name: string): boolean => {
    const i = args.indexOf(name);
    if (i >= 0) args.splice(i, 1);
    return i >= 0;
  };
  const test = flag("--test");
  const check = flag("--check");
  const outIndex = args.indexOf("--out");
  const outDir = outIndex >= 0
    ? resolve(args[outIndex + 1] ?? fail("--out needs a dir"))
    : join(ROOT, "npm");
  if (outIndex >= 0) args.splice(outIndex, 2);
  if (args.length > 0) fail(`unknown arguments: ${args.join(" ")}`);

  const started = performance.now();
  // Build into a private staging dir, so that concurrent builds (and the tests below) never see
  // a half-written package; then copy it to the out dir.
  const work = await Deno.makeTempDir({ prefix: "spanwire-build-npm-" });
  try {
    const staging = join(work, "package");
    const result = await build(staging);
    // Another build (a second `deno task test` in the same tree) may be replacing the out dir
    // at the same moment: retry the copy; the tests below never read the out dir anyway.
    for (let attempt = 1;; attempt++) {
      try {
        await Deno.remove(outDir, { recursive: true }).catch(() => {});
        await copyDir(staging, outDir);
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
    if (outDir === join(ROOT, "npm")) await linkExample(outDir);
    console.log(
      `build_npm: ${result.packageJson.name}@${result.packageJson.version}: ` +
        `${result.modules} modules, ${Object.keys(result.packageJson.exports).length} entry ` +
        `points -> ${relative(Deno.cwd(), outDir) || "."} ` +
        `(${((performance.now() - started) / 1000).toFixed(1)}s)`,
    );
    if (test || check) {
      const tarball = await pack(staging, work);
      if (test) {
        // The Node tests also run real OpenTelemetry instrumentation against ./otel.
        const consumer = await consumerProject(
          tarball,
          await Promise.all(NODE_TEST_PACKAGES.map(pinnedNpm)),
        );
        try {
          await runNodeTests(consumer);
        } finally {
          await Deno.remove(consumer, { recursive: true }).catch(() => {});
        }
      }
      if (check) {
        await runPackageChecks(staging, tarball);
      }
    }
    console.log(`build_npm: done (${((performance.now() - started) / 1000).toFixed(1)}s)`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    Deno.exitCode = 1;
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}
