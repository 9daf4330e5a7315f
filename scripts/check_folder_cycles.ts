// Fails when two folders of the library import each other, directly or through others (as
// denoland/std's _tools/check_circular_package_dependencies.ts does for its packages): the
// folder graph must be acyclic. A folder is the directory of a source file (`exporters/` and
// `exporters/jaeger/` are two folders); an edge is any relative import or re-export, type-only
// ones included.
//
// Usage: deno run -A scripts/check_folder_cycles.ts [ROOT]   (default: the repository)

import { dirname, join, relative, resolve } from "node:path";

/** The library's source roots (as scripts/check.ts lists them). */
export const SOURCE_DIRS = ["trace", "context", "http", "exporters", "wasm"];

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)/g;

async function sourceFiles(root: string, dir: string, out: string[]): Promise<void> {
  for await (const e of Deno.readDir(join(root, dir))) {
    const rel = join(dir, e.name);
    if (e.isDirectory) {
      if (e.name !== "assembly" && e.name !== "node_modules") await sourceFiles(root, rel, out);
    } else if (e.isFile && /\.(ts|mjs|js)$/.test(e.name) && !e.name.endsWith(".d.ts")) {
      out.push(rel);
    }
  }
}

/** The folder graph of `root`'s library sources: folder -> the folders it imports. */
export async function folderGraph(
  root: string,
  dirs = SOURCE_DIRS,
): Promise<Map<string, Set<string>>> {
  const files: string[] = [];
  for (const d of dirs) {
    try {
      await sourceFiles(root, d, files);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e; // a source root this tree lacks
    }
  }
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const from = dirname(file);
    if (!graph.has(from)) graph.set(from, new Set());
    const text = await Deno.readTextFile(join(root, file));
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith(".")) continue;
      const to = dirname(relative(root, resolve(root, from, spec)));
      if (to !== from && !to.startsWith("..")) graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** The cycles of the graph (each as a list of folders, the first repeated at the end). */
export function findCycles(graph: Map<string, Set<string>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "visiting");
    stack.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      const s = state.get(next);
      if (s === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

if (import.meta.main) {
  const root = resolve(Deno.args[0] ?? new URL("..", import.meta.url).pathname);
  const graph = await folderGraph(root);
  const cycles = findCycles(graph);
  for (const [from, tos] of [...graph].sort()) {
    if (tos.size > 0) console.log(`${from}/ -> ${[...tos].sort().map((t) => `${t}/`).join(", ")}`);
  }
  if (cycles.length > 0) {
    console.error(`folder cycles:\n${cycles.map((c) => `  ${c.join("/ -> ")}/`).join("\n")}`);
    Deno.exit(1);
  }
  console.log("no folder imports a folder that imports it back");
}
