#!/usr/bin/env node
// The all-in-one's command: `deno task agent` (examples/agent.ts), and `npx spanwire-allinone`
// from the npm package (its `bin`). It runs the same under Deno and Node (node:process only).
// It prints `listening: <name> <url>` for each listener, then draws each trace in the terminal
// as it completes; Ctrl-C (SIGINT) or SIGTERM stops it cleanly with the final counts.

import process from "node:process";
import { startAllInOne } from "./all_in_one.ts";
import { parseAllInOneArgs, USAGE } from "./_cli_args.ts";
import { formatCounts, paint, TerminalView } from "./_terminal.ts";

function write(text: string): void {
  process.stdout.write(text);
}

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseAllInOneArgs(argv);
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : error}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    write(USAGE);
    return 0;
  }
  const terminal = process.stdout.isTTY === true;
  const color = terminal && (process.env.NO_COLOR ?? "") === "";
  const width = terminal ? Math.max(60, Math.min(100, process.stdout.columns || 80)) : 80;
  let view: TerminalView | undefined;
  let aio;
  try {
    aio = await startAllInOne({
      host: args.host,
      ports: args.ports,
      store: { maxSpans: args.maxSpans, maxBytes: args.maxBytes },
      onBatch: (batch) => view?.add(batch, performance.now()),
      onMalformed: (error, from) => view?.malformed(error, from),
    });
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : error}\n`);
    return 1;
  }
  const running = aio;
  const counts = () => {
    const c = running.counts();
    return {
      packets: c.packets + c.requests,
      spans: c.spans,
      malformed: c.malformed,
      store: running.store.stats(),
    };
  };
  for (const l of running.listeners) write(`listening: ${l.name} ${l.url}\n`);
  const ui = running.listener("ui");
  write(
    "\n" + (ui ? `${paint(color, "1", `Search traces at ${ui.url}/search`)}\n` : "") +
      (args.quiet ? "" : "Each trace is also drawn here when complete. ") + "Ctrl-C to stop.\n\n",
  );
  if (!args.quiet) {
    view = new TerminalView({ write, color, width, progress: terminal, counts });
  }
  const timer = setInterval(() => view?.poll(performance.now()), 50);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    if (process.platform !== "win32") process.once("SIGTERM", () => resolve());
  });
  clearInterval(timer);
  view?.close();
  await running.close();
  write(`Stopped. ${formatCounts(counts(), view?.traces ?? 0)}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
// Sockets and servers are closed; leave nothing (a pending timer of a client) holding the
// process.
process.exit();
