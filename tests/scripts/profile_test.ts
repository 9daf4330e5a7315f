// The profiler (scripts/profile.ts over scripts/_v8_ticks.ts): a hand-made log is charged as V8's
// log format says (moves, deletes, native samples to their caller, VM states), and a real run of
// a program with one hot function names that function first.

import assert from "node:assert/strict";
import { summarizeTicks } from "../../scripts/_v8_ticks.ts";

Deno.test("profile: samples go to the code at the pc, native ones to their caller", () => {
  const log = [
    "shared-library,/usr/bin/deno,0x1000,0x9000,0",
    "code-creation,Builtin,3,1,0x100000,0x100,CEntry_Return1_ArgvOnStack_NoBuiltinExit",
    "code-creation,JS,18,2,0x200000,0x80,hot file:///a.ts:1:1,0x5,*",
    "code-creation,JS,18,3,0x300000,0x80,cold file:///a.ts:9:1,0x6,~",
    "code-creation,JS,18,4,0x400000,0x80,gone file:///a.ts:20:1,0x7,~",
    "tick,0x200010,10,0,0x0,0",
    "tick,0x200020,11,0,0x0,0,0x300004",
    "code-move,0x200000,0x500000",
    "tick,0x500040,12,0,0x0,0",
    "tick,0x300010,13,0,0x0,0",
    // In the runtime's own code, called through CEntry from `cold`.
    "tick,0x2000,14,0,0x0,0,0x100010,0x300020",
    "code-delete,0x400000",
    "tick,0x400010,15,0,0x0,0",
    "tick,0x2000,16,0,0x0,1",
    "tick,0x2000,17,0,0x0,4",
    "",
  ].join("\n");
  const { rows, total } = summarizeTicks(log);
  assert.equal(total, 8);
  assert.deepEqual(
    rows.map((r) => [r.name, r.ticks]),
    [
      ["JS:hot file:///a.ts:1:1", 3],
      ["JS:cold file:///a.ts:9:1", 1],
      ["[COMPILER]", 1],
      ["[GC]", 1],
      ["native <- (no generated code on the stack)", 1],
      ["native <- JS:cold file:///a.ts:9:1", 1],
    ],
  );
  assert.equal(rows[0]!.share, 3 / 8);
});

Deno.test("profile: a run of a program with one hot function names it first", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const program = `${dir}/spin.ts`;
    await Deno.writeTextFile(
      program,
      // Called once, so no caller is ever optimized to inline it: its samples stay its own.
      `function spinHere(ms: number): number {
        let x = 0;
        const end = performance.now() + ms;
        while (performance.now() < end) {
          for (let i = 0; i < 10000; i++) x = (x * 31 + i) % 1000003;
        }
        return x;
      }
      console.log(spinHere(400) > -1 ? "done" : "");
      `,
    );
    const logs = `${dir}/logs`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../../scripts/profile.ts", import.meta.url).pathname,
        "--top",
        "5",
        "--interval",
        "500",
        "--dir",
        logs,
        "--",
        program,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(text, /done/);
    const files = [...Deno.readDirSync(logs)].map((e) => e.name);
    assert.equal(files.length, 1, files.join(", "));
    const { rows, total } = summarizeTicks(await Deno.readTextFile(`${logs}/${files[0]}`));
    assert.ok(total > 100, `only ${total} samples`);
    const hot = rows.find((r) => r.name.includes("spinHere"));
    assert.ok(hot !== undefined && hot.share > 0.5, JSON.stringify(rows.slice(0, 5)));
    assert.match(text, /spinHere/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
