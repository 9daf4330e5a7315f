// Deno's permissions, asked without prompting: code that reads an environment variable or the
// host name first checks it may, so that a narrow --allow-env or a missing --allow-sys never
// stops the process at an interactive prompt. Elsewhere (Node, Bun) everything is allowed.

interface DenoPermissions {
  querySync?(descriptor: { name: string; variable?: string; kind?: string }): { state: string };
}

function permissions(): DenoPermissions | undefined {
  const deno = (globalThis as { Deno?: { permissions?: DenoPermissions } }).Deno;
  return deno?.permissions;
}

function granted(descriptor: { name: string; variable?: string; kind?: string }): boolean {
  const p = permissions();
  if (p?.querySync === undefined) return true;
  try {
    return p.querySync(descriptor).state === "granted";
  } catch {
    return true; // an unknown descriptor: let the read itself decide
  }
}

/** Whether the runtime lets this process read the environment variable `name`. */
export function canReadEnv(name: string): boolean {
  return granted({ name: "env", variable: name });
}

/** Whether the runtime lets this process read the host name. */
export function canReadHostname(): boolean {
  return granted({ name: "sys", kind: "hostname" });
}
