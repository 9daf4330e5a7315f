// The host's name for the `hostname` process tag: `node:os` (Deno and Node), or nothing where
// it is unavailable or not permitted (Deno without --allow-sys).

import { hostname } from "node:os";

/** The host's name, or undefined; never throws. */
export function osHostname(): string | undefined {
  try {
    const name = hostname();
    return typeof name === "string" && name !== "" ? name : undefined;
  } catch {
    return undefined;
  }
}
