/**
 * {@linkcode otlpConfigFromEnv}: the OTLP exporter's configuration from OpenTelemetry's
 * standard environment variables (`OTEL_EXPORTER_OTLP_*`, `OTEL_SERVICE_NAME`,
 * `OTEL_RESOURCE_ATTRIBUTES`). Pure: the caller passes the environment and the host name
 * (`tracingFromEnv` passes its permission-safe reader of `exporters/_env.ts`; that module's
 * parsers cannot be imported from here, as `exporters/` imports this folder).
 *
 * @module
 */

import { quoted as shown } from "../../trace/_text.ts";
import type { OtlpFormat } from "./otlp_encoder.ts";
import { TRACES_PATH } from "./_fields.ts";

/**
 * Environment variables: a plain record (`process.env`) or anything with `get` (`Deno.env`).
 *
 * @example
 * ```ts
 * import type { OtlpEnv } from "@spanwire/trace/exporters/otlp";
 *
 * const env: OtlpEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" };
 * ```
 */
export type OtlpEnv =
  | Readonly<Record<string, string | undefined>>
  | { get(key: string): string | undefined };

/**
 * The OTLP configuration read from the environment, defaults filled in.
 *
 * @example
 * ```ts
 * import type { OtlpConfig } from "@spanwire/trace/exporters/otlp";
 *
 * const config: Partial<OtlpConfig> = { url: "http://localhost:4318/v1/traces" };
 * ```
 */
export interface OtlpConfig {
  /** The traces URL (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or the endpoint + `/v1/traces`). */
  url: string;
  /** `http/protobuf` (the default) is `"protobuf"`, `http/json` is `"json"`. */
  format: OtlpFormat;
  /** Request headers (`OTEL_EXPORTER_OTLP_HEADERS`, then `..._TRACES_HEADERS` over them). */
  headers: Record<string, string>;
  /** `gzip` or `none` (the default). */
  compression: "gzip" | "none";
  /** Per-request timeout in ms (default 10,000). */
  timeoutMs: number;
  /** The resource's `service.name`. */
  serviceName: string;
  /** The other resource attributes: `OTEL_RESOURCE_ATTRIBUTES`, then `host.name` unless given. */
  attributes: Record<string, string>;
}

/**
 * What {@linkcode otlpConfigFromEnv} needs besides the environment.
 *
 * @example
 * ```ts
 * import type { OtlpConfigOptions } from "@spanwire/trace/exporters/otlp";
 *
 * const options: OtlpConfigOptions = { hostName: "host-1" };
 * ```
 */
export interface OtlpConfigOptions {
  /** The host's name for `host.name` (default none: `HOSTNAME` only). */
  hostName?: string | undefined;
}

function reader(env: OtlpEnv): (key: string) => string | undefined {
  if (typeof (env as { get?: unknown }).get === "function") {
    const source = env as { get(key: string): string | undefined };
    return (key) => {
      try {
        const v = source.get(key);
        return typeof v === "string" ? v : undefined;
      } catch {
        return undefined; // not permitted to read: unset
      }
    };
  }
  const record = env as Readonly<Record<string, string | undefined>>;
  return (key) => (Object.hasOwn(record, key) ? record[key] : undefined);
}

/** The first of the variables that is set and not blank: `[name, trimmed value]`. */
function first(
  get: (key: string) => string | undefined,
  ...names: string[]
): [string, string] | undefined {
  for (const name of names) {
    const v = get(name);
    if (v !== undefined && v.trim() !== "") return [name, v.trim()];
  }
  return undefined;
}

function httpUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SyntaxError(`Cannot parse ${name}: ${shown(value)} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new SyntaxError(`Cannot use ${name}: ${shown(value)} is not an http or https URL`);
  }
  return url;
}

/**
 * A W3C-baggage-style list, `key=value,key=value`, values percent-decoded (the format of
 * `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES`).
 */
function keyValues(name: string, value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined || value.trim() === "") return out;
  for (const pair of value.split(",")) {
    if (pair.trim() === "") continue;
    const at = pair.indexOf("=");
    const key = at < 0 ? "" : pair.slice(0, at).trim();
    if (at < 0 || key === "") {
      throw new SyntaxError(
        `Cannot parse ${name}: ${shown(value)} has an invalid key=value pair ${shown(pair)}`,
      );
    }
    let text: string;
    try {
      text = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      throw new SyntaxError(
        `Cannot parse ${name}: ${shown(value)} has a malformed percent-encoding in ${shown(pair)}`,
      );
    }
    Object.defineProperty(out, key, {
      value: text,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * Reads the OTLP exporter's configuration. The traces-specific variable wins over the general
 * one (`OTEL_EXPORTER_OTLP_TRACES_X` over `OTEL_EXPORTER_OTLP_X`), as OpenTelemetry specifies.
 *
 * | variable | default |
 * | --- | --- |
 * | `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) | — |
 * | `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces` appended) | `http://localhost:4318` |
 * | `OTEL_EXPORTER_OTLP_HEADERS`, `..._TRACES_HEADERS` (`k=v,k=v`, percent-decoded) | none |
 * | `OTEL_EXPORTER_OTLP_PROTOCOL`, `..._TRACES_PROTOCOL` (`http/protobuf` or `http/json`) | `http/protobuf` |
 * | `OTEL_EXPORTER_OTLP_COMPRESSION`, `..._TRACES_COMPRESSION` (`gzip` or `none`) | `none` |
 * | `OTEL_EXPORTER_OTLP_TIMEOUT`, `..._TRACES_TIMEOUT` (ms) | `10000` |
 * | `OTEL_SERVICE_NAME` | `service.name` of `OTEL_RESOURCE_ATTRIBUTES`, else `TRACES_EXPORTER_JAEGER_SERVICE_NAME`, else `iox-conductor` |
 * | `OTEL_RESOURCE_ATTRIBUTES` (`k=v,k=v`, percent-decoded) | none; `host.name` is added from `HOSTNAME` or the host unless given |
 *
 * @param env The environment (`Deno.env`, `process.env` or a plain record).
 * @param options The host name for `host.name`.
 * @returns The configuration.
 * @throws {SyntaxError} For a malformed URL, list or number, naming the variable and value.
 * @throws {RangeError} For an unsupported protocol or compression, or a timeout out of range.
 *
 * @example
 * ```ts
 * import { otlpConfigFromEnv } from "@spanwire/trace/exporters/otlp";
 * import assert from "node:assert/strict";
 *
 * const config = otlpConfigFromEnv({
 *   OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
 *   OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20abc",
 *   OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
 *   OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod,service.name=api",
 * }, { hostName: "host-1" });
 * assert.equal(config.url, "http://collector:4318/v1/traces");
 * assert.deepEqual(config.headers, { authorization: "Bearer abc" });
 * assert.equal(config.format, "json");
 * assert.equal(config.serviceName, "api");
 * assert.deepEqual(config.attributes, { "deployment.environment": "prod", "host.name": "host-1" });
 * assert.throws(() => otlpConfigFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }), /OTEL_EXPORTER_OTLP_PROTOCOL/);
 * ```
 */
export function otlpConfigFromEnv(env: OtlpEnv, options: OtlpConfigOptions = {}): OtlpConfig {
  const get = reader(env);
  let url: string;
  const traces = first(get, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  if (traces !== undefined) {
    url = httpUrl(traces[0], traces[1]).href;
  } else {
    const base = first(get, "OTEL_EXPORTER_OTLP_ENDPOINT");
    const href = base === undefined ? "http://localhost:4318" : httpUrl(base[0], base[1]).href;
    url = `${href.replace(/\/+$/, "")}${TRACES_PATH}`;
  }

  const protocol = first(get, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL");
  let format: OtlpFormat = "protobuf";
  if (protocol !== undefined) {
    const p = protocol[1].toLowerCase();
    if (p === "http/protobuf") format = "protobuf";
    else if (p === "http/json") format = "json";
    else {
      throw new RangeError(
        `Cannot use ${protocol[0]}: ${shown(protocol[1])} is not "http/protobuf" or "http/json"${
          p === "grpc" ? " (gRPC is not supported; OTLP/HTTP is)" : ""
        }`,
      );
    }
  }

  const compressionVar = first(
    get,
    "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
    "OTEL_EXPORTER_OTLP_COMPRESSION",
  );
  let compression: "gzip" | "none" = "none";
  if (compressionVar !== undefined) {
    const c = compressionVar[1].toLowerCase();
    if (c !== "gzip" && c !== "none") {
      throw new RangeError(
        `Cannot use ${compressionVar[0]}: ${shown(compressionVar[1])} is not "gzip" or "none"`,
      );
    }
    compression = c;
  }

  const timeoutVar = first(get, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT");
  let timeoutMs = 10_000;
  if (timeoutVar !== undefined) {
    const [name, text] = timeoutVar;
    if (!/^[0-9]+$/.test(text)) {
      throw new SyntaxError(`Cannot parse ${name}: ${shown(text)} is not a whole number of ms`);
    }
    timeoutMs = Number(text);
    if (!(timeoutMs >= 1 && timeoutMs <= 3_600_000)) {
      throw new RangeError(`Cannot use ${name}: ${shown(text)} is not from 1 to 3600000 (ms)`);
    }
  }

  const headers = {
    ...keyValues("OTEL_EXPORTER_OTLP_HEADERS", get("OTEL_EXPORTER_OTLP_HEADERS")),
    ...keyValues("OTEL_EXPORTER_OTLP_TRACES_HEADERS", get("OTEL_EXPORTER_OTLP_TRACES_HEADERS")),
  };

  const attributes = keyValues("OTEL_RESOURCE_ATTRIBUTES", get("OTEL_RESOURCE_ATTRIBUTES"));
  const fromResource = attributes["service.name"];
  delete attributes["service.name"];
  const serviceName = first(get, "OTEL_SERVICE_NAME")?.[1] ??
    (fromResource !== undefined && fromResource !== "" ? fromResource : undefined) ??
    first(get, "TRACES_EXPORTER_JAEGER_SERVICE_NAME")?.[1] ??
    "iox-conductor";
  if (!Object.hasOwn(attributes, "host.name")) {
    const host = get("HOSTNAME")?.trim() || options.hostName;
    if (host !== undefined && host !== "") attributes["host.name"] = host;
  }
  return { url, format, headers, compression, timeoutMs, serviceName, attributes };
}
