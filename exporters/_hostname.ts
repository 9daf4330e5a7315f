// The host's name for the `hostname` process tag: `node:os` (Deno and Node), or nothing where
// it is unavailable or not permitted (Deno without --allow-sys=hostname: no prompt).

import { hostname } from "node:os";
import { canReadHostname } from "./_permissions.ts";

/** The host's name, or undefined; never throws, never prompts. */
export function osHostname(): string | undefined {
  if (!canReadHostname()) return undefined;
  try {
    const name = hostname();
    return typeof name === "string" && name !== "" ? name : undefined;
  } catch {
    return undefined;
  }
}
