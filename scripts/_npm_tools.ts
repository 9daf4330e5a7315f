// Helpers shared by scripts/build_npm.ts and scripts/npm_checks.ts: running commands, packing
// the package and making throwaway consumer projects.

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The pinned `@types/node` the package is type-checked with (Node 20, the oldest supported). */
export const TYPES_NODE_VERSION = "20.19.25";

/**
 * The package's optional peer dependencies: the range the package declares, and the folder
 * whose files alone may import it (so only the entry point made of that folder reaches it).
 * The version tests and the build use is the one pinned in deno.json's `imports`.
 */
export const OPTIONAL_PEERS: Readonly<
  Record<string, { readonly range: string; readonly folder: string; readonly entry: string }>
> = {
  "@opentelemetry/api": { range: "^1.10.0", folder: "otel/", entry: "./otel" },
};

/** The repository root. */
export const ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * `name@version` of an npm package as deno.json's `imports` pins it (`npm:name@version`), for
 * installing the same version under Node.
 */
export async function pinnedNpm(name: string): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))) as {
    imports?: Record<string, string>;
  };
  const target = config.imports?.[name];
  if (target === undefined || !target.startsWith(`npm:${name}@`)) {
    throw new Error(`deno.json does not pin ${name} as "npm:${name}@VERSION"`);
  }
  return target.slice("npm:".length);
}

/** Runs a command, inheriting output; throws when it fails. */
export async function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; quiet?: boolean } = {},
): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdout: options.quiet ? "piped" : "inherit",
    stderr: options.quiet ? "piped" : "inherit",
  }).output();
  const stdout = options.quiet ? new TextDecoder().decode(out.stdout) : "";
  if (!out.success) {
    const stderr = options.quiet ? new TextDecoder().decode(out.stderr) : "";
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${out.code})${stdout ? `\n${stdout}` : ""}${
        stderr ? `\n${stderr}` : ""
      }`,
    );
  }
  return stdout;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Packs `packageDir` into a tarball in `destination` and returns the tarball's path. */
export async function pack(packageDir: string, destination: string): Promise<string> {
  const out = await run(
    "npm",
    ["pack", "--json", "--loglevel=error", "--pack-destination", destination, packageDir],
    { quiet: true },
  );
  const info = JSON.parse(out) as { filename: string }[];
  const filename = info[0]?.filename;
  if (filename === undefined) throw new Error(`npm pack printed no file name:\n${out}`);
  return join(destination, filename);
}

/**
 * Makes a throwaway project in a new temp dir that installs `tarball` (and `extra` packages,
 * such as typescript for the consumer check) from npm.
 */
export async function consumerProject(tarball: string, extra: string[] = []): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "spanwire-consumer-" });
  await Deno.writeTextFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "spanwire-consumer", private: true, type: "module" }, null, 2) + "\n",
  );
  await run("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--no-package-lock",
    "--prefer-offline",
    "--loglevel=error",
    tarball,
    ...extra,
  ], { cwd: dir });
  return dir;
}

export async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const a = join(from, entry.name);
    const b = join(to, entry.name);
    if (entry.isDirectory) await copyDir(a, b);
    else if (entry.isFile) await Deno.copyFile(a, b);
  }
}
