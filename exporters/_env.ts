// Reading configuration from environment variables: the source (`Deno.env`, `process.env` or a
// plain record) read without ever crashing or prompting, and the parsers of values, each error
// naming the variable, its value and the reason. Shared by every exporter's `*FromEnv`.

import { quoted } from "../trace/_text.ts";
import { canReadEnv } from "./_permissions.ts";

/**
 * Environment variables: a plain record (`process.env`) or anything with `get` (`Deno.env`).
 *
 * @example
 * ```ts
 * import type { EnvSource } from "@spanwire/trace/exporters";
 *
 * const env: EnvSource = { TRACES_EXPORTER: "jaeger" };
 * ```
 */
export type EnvSource =
  | Readonly<Record<string, string | undefined>>
  | { get(key: string): string | undefined };

/** Shows a value in an error (quoted, cut when long). */
export const shown: (value: string) => string = quoted;

/** The process's own environment objects: reading them may need a permission (Deno). */
function isRuntimeEnv(env: EnvSource): boolean {
  const g = globalThis as { Deno?: { env?: unknown }; process?: { env?: unknown } };
  return env === g.Deno?.env || env === g.process?.env;
}

/**
 * Reads variables from an {@linkcode EnvSource}. A variable the runtime does not let us read
 * (Deno with a narrow `--allow-env`) counts as unset, without prompting; {@linkcode report}
 * then names every such variable in one warning.
 */
export class EnvReader {
  readonly #read: (key: string) => string | undefined;
  readonly #checked: boolean;
  readonly #unreadable: string[] = [];
  #reported = 0;

  constructor(env: EnvSource) {
    this.#checked = isRuntimeEnv(env);
    if (typeof (env as { get?: unknown }).get === "function") {
      const source = env as { get(key: string): string | undefined };
      this.#read = (key) => source.get(key);
    } else {
      const record = env as Readonly<Record<string, string | undefined>>;
      this.#read = (key) => (Object.hasOwn(record, key) ? record[key] : undefined);
    }
  }

  /** The variable's value; `undefined` when unset or unreadable. Never throws. */
  get(key: string): string | undefined {
    if (this.#checked && !canReadEnv(key)) return this.#cannotRead(key);
    try {
      const value = this.#read(key);
      return typeof value === "string" ? value : undefined;
    } catch {
      return this.#cannotRead(key);
    }
  }

  /** The variables that could not be read so far. */
  get unreadable(): readonly string[] {
    return this.#unreadable;
  }

  /** Warns once, naming the variables not yet reported that could not be read. */
  report(warn: (message: string) => void): void {
    const names = this.#unreadable.slice(this.#reported);
    if (names.length === 0) return;
    this.#reported = this.#unreadable.length;
    try {
      warn(
        `spanwire: cannot read the environment variable${names.length > 1 ? "s" : ""} ${
          names.join(", ")
        } (with Deno: --allow-env=${names.join(",")}); treated as unset`,
      );
    } catch {
      // a broken sink must not break configuration
    }
  }

  #cannotRead(key: string): undefined {
    if (!this.#unreadable.includes(key)) this.#unreadable.push(key);
    return undefined;
  }
}

/**
 * A whole number from `min` to `max`, `fallback` when unset or blank.
 *
 * @throws {SyntaxError} When not a whole number.
 * @throws {RangeError} When out of range.
 */
export function integer(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value.trim() === "") return fallback;
  const text = value.trim();
  if (!/^[0-9]+$/.test(text)) {
    throw new SyntaxError(`Cannot parse ${name}: ${shown(value)} is not a whole number`);
  }
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new RangeError(`Cannot use ${name}: ${shown(value)} is not from ${min} to ${max}`);
  }
  return n;
}

/**
 * The trimmed value, `fallback` when unset.
 *
 * @throws {SyntaxError} When set but blank.
 */
export function nonEmpty(name: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  const text = value.trim();
  if (text === "") throw new SyntaxError(`Cannot use ${name}: ${shown(value)} is empty`);
  return text;
}

/**
 * A `k=v,k=v` list (IOx's rule: each pair exactly one `=`, a non-empty key and value), keys
 * and values trimmed; an empty record when unset or blank.
 *
 * @throws {SyntaxError} For a malformed pair, naming the variable and the pair.
 */
export function tagList(name: string, value: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  if (value === undefined || value.trim() === "") return tags;
  for (const pair of value.split(",")) {
    const parts = pair.split("=");
    const key = parts[0]?.trim() ?? "";
    const text = parts[1]?.trim() ?? "";
    if (parts.length !== 2 || key === "" || text === "") {
      throw new SyntaxError(
        `Cannot parse ${name}: ${shown(value)} has an invalid key=value pair ${shown(pair)}`,
      );
    }
    tags[key] = text;
  }
  return tags;
}

/** A bare IPv6 address (hex groups and colons, maybe an embedded IPv4 and a `%zone`). */
const IPV6 = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[0-9A-Za-z._-]+)?$/;

/**
 * A host name or address for a socket (no scheme, no port, no path), trimmed; `fallback` when
 * unset.
 *
 * @param portVariable The variable that holds the port, named in the error for `host:port`.
 * @throws {SyntaxError} When blank, or a URL, a `host:port`, a path or has whitespace.
 */
export function hostName(
  name: string,
  value: string | undefined,
  fallback: string,
  portVariable: string,
): string {
  const host = nonEmpty(name, value, fallback);
  const fail = (why: string): never => {
    throw new SyntaxError(`Cannot use ${name}: ${shown(value ?? host)} ${why}`);
  };
  if (/\s/.test(host)) fail("contains whitespace; give a host name or an IP address");
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(host)) {
    fail(`is a URL; give only the host name or address (the port goes in ${portVariable})`);
  }
  if (host.includes("/")) fail("contains '/'; give only a host name or an IP address");
  if (host.startsWith("[")) fail("is bracketed; give an IPv6 address without brackets");
  if (host.includes(":") && !IPV6.test(host)) {
    fail(`has a ':'; give only the host name or address, and put the port in ${portVariable}`);
  }
  return host;
}
