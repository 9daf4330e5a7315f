// The folder-cycle check: it finds a cycle planted in a scratch tree (direct, and through a third
// folder, type-only imports included), passes an acyclic one, and passes the repository.

import assert from "node:assert/strict";
import { findCycles, folderGraph } from "../../scripts/check_folder_cycles.ts";

async function tree(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir();
  for (const [path, text] of Object.entries(files)) {
    const full = `${root}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
  return root;
}

Deno.test("folder cycles: a cycle through three folders is found, type-only imports count", async () => {
  const root = await tree({
    "trace/a.ts": `import { b } from "../http/b.ts";\nexport const a = b;`,
    "http/b.ts": `export { c as b } from "../exporters/x/c.ts";`,
    "exporters/x/c.ts": `import type { A } from "../../trace/a.ts";\nexport const c = 1;`,
    "wasm/w.ts": `export const w = 1;`,
  });
  try {
    const cycles = findCycles(await folderGraph(root));
    assert.equal(cycles.length, 1);
    assert.deepEqual(cycles[0], ["exporters/x", "trace", "http", "exporters/x"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("folder cycles: an acyclic tree and the repository pass", async () => {
  const root = await tree({
    "trace/a.ts": `export const a = 1;`,
    "http/b.ts": `import { a } from "../trace/a.ts";\nexport const b = a;`,
    "exporters/c.ts": `export * from "./x/d.ts";\nimport { b } from "../http/b.ts";`,
    "exporters/x/d.ts": `export const d = 1;`,
    "wasm/w.ts": `export const w = 1;`,
  });
  try {
    assert.deepEqual(findCycles(await folderGraph(root)), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
  const repo = new URL("../..", import.meta.url).pathname;
  assert.deepEqual(findCycles(await folderGraph(repo)), []);
});
