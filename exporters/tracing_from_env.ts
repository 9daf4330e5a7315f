/**
 * {@linkcode tracingFromEnv}: IOx's tracing configuration from environment variables, as a
 * ready collector, header parser and shutdown function.
 *
 * @module
 */

import { TraceHeaderParser } from "../http/trace_header_parser.ts";
import { type Sampler, samplerFromEnv } from "../trace/sampler.ts";
import { EnvReader, type EnvSource, hostName, integer, nonEmpty, shown, tagList } from "./_env.ts";
import { AsyncExporter } from "./async_exporter.ts";
import { osHostname } from "./_hostname.ts";
import { registerForExit } from "./_exit_hooks.ts";
import { type BackendName, resolveBackend } from "./jaeger/backends.ts";
import { BatchEncoder, MAX_PACKET_SIZE, MIN_PACKET_SIZE } from "./jaeger/batch_encoder.ts";
import { JaegerAgentExporter } from "./jaeger/agent_exporter.ts";
import type { SpanEncoderBackend } from "./jaeger/span_encoder_backend.ts";
import { type OtlpConfig, otlpConfigFromEnv } from "./otlp/otlp_config.ts";
import { OtlpExporter } from "./otlp/otlp_exporter.ts";
import { isNode, nodeHttpFetch } from "./_node_http_fetch.ts";

export type { EnvSource } from "./_env.ts";

/**
 * The configuration read from the environment, with IOx's defaults filled in.
 *
 * @example
 * ```ts
 * import type { TracingConfig } from "@spanwire/trace/exporters";
 *
 * const config: Partial<TracingConfig> = { agentPort: 6831 };
 * ```
 */
export interface TracingConfig {
  /** `TRACES_EXPORTER_JAEGER_AGENT_HOST` (default `0.0.0.0`). */
  agentHost: string;
  /** `TRACES_EXPORTER_JAEGER_AGENT_PORT` (default 6831). */
  agentPort: number;
  /** `TRACES_EXPORTER_JAEGER_SERVICE_NAME` (default `iox-conductor`). */
  serviceName: string;
  /** `TRACES_EXPORTER_JAEGER_TRACE_CONTEXT_HEADER_NAME` (default `uber-trace-id`). */
  traceContextHeaderName: string;
  /** `TRACES_EXPORTER_JAEGER_DEBUG_NAME` (default `jaeger-debug-id`). */
  debugName: string;
  /** `TRACES_EXPORTER_JAEGER_TAGS` (`k=v,k=v`), in order, plus `hostname` unless given. */
  tags: Record<string, string>;
  /** `TRACES_JAEGER_MAX_MSGS_PER_SECOND` (default 1000). */
  maxMessagesPerSecond: number;
  /** `TRACES_EXPORTER_JAEGER_MAX_PACKET_SIZE` (default 65000; 256 to 65507). */
  maxPacketSize: number;
}

/**
 * What {@linkcode tracingFromEnv} builds.
 *
 * @example
 * ```ts
 * import type { Tracing } from "@spanwire/trace/exporters";
 *
 * async function stop(tracing: Tracing): Promise<void> {
 *   await tracing.shutdown();
 * }
 * ```
 */
export interface Tracing {
  /** The collector to give span contexts (an {@linkcode AsyncExporter}). */
  collector: AsyncExporter;
  /**
   * Reads incoming trace context with the configured header names; sampled contexts it makes
   * record into {@linkcode Tracing.collector} unless `parse` is given another collector.
   */
  parser: TraceHeaderParser;
  /** Drains the collector (sending what is queued), closes the UDP socket, removes the exit hooks. */
  shutdown: () => Promise<void>;
  /** The UDP sender (Jaeger; undefined with OTLP). */
  agent?: JaegerAgentExporter | undefined;
  /** The OTLP configuration that was read (with `TRACES_EXPORTER=otlp`). */
  otlp?: OtlpConfig | undefined;
  /** The configuration that was read. */
  config: TracingConfig;
}

/**
 * Options of {@linkcode tracingFromEnv} that are not in the environment.
 *
 * @example
 * ```ts
 * import type { TracingFromEnvOptions } from "@spanwire/trace/exporters";
 *
 * const options: TracingFromEnvOptions = { backend: "wasm" };
 * ```
 */
export interface TracingFromEnvOptions {
  /**
   * The span encoder backend (default `"js"`, the one measured faster in the pipeline on
   * Deno and Node; see `defaultBackendName`).
   */
  backend?: BackendName | SpanEncoderBackend | undefined;
  /** Where warnings go (default `console.warn`). */
  warn?: ((message: string) => void) | undefined;
  /**
   * Whether to flush at process exit (default true): drain when the event loop empties (Deno
   * `beforeunload`, Node `beforeExit`), a bounded flush (2 s) on SIGINT/SIGTERM before the
   * process ends as it would have, and a count on stderr of spans `process.exit()` cut off.
   * `shutdown()` removes the hooks.
   */
  exitHooks?: boolean | undefined;
}

/**
 * Reads IOx's tracing variables and builds the exporter pipeline they describe:
 * `AsyncExporter` -> `BatchEncoder` -> `JaegerAgentExporter` (UDP), and a `TraceHeaderParser`
 * with the configured header names. Returns `undefined` when `TRACES_EXPORTER` is unset, empty
 * or `none`.
 *
 * | variable | default |
 * | --- | --- |
 * | `TRACES_EXPORTER` | `none` (`none`, `jaeger` or `otlp`, any case) |
 * | `OTEL_TRACES_EXPORTER` | read only when `TRACES_EXPORTER` is unset or blank (same values) |
 * | `TRACES_EXPORTER_JAEGER_AGENT_HOST` | `0.0.0.0` |
 * | `TRACES_EXPORTER_JAEGER_AGENT_PORT` | `6831` |
 * | `TRACES_EXPORTER_JAEGER_SERVICE_NAME` | `iox-conductor` |
 * | `TRACES_EXPORTER_JAEGER_TRACE_CONTEXT_HEADER_NAME` | `uber-trace-id` |
 * | `TRACES_EXPORTER_JAEGER_DEBUG_NAME` | `jaeger-debug-id` |
 * | `TRACES_EXPORTER_JAEGER_TAGS` | none (`k=v,k=v`) |
 * | `TRACES_JAEGER_MAX_MSGS_PER_SECOND` | `1000` |
 * | `TRACES_EXPORTER_JAEGER_MAX_PACKET_SIZE` | `65000` (from 256 to 65507) |
 * | `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG` | `parentbased_always_off` (see `samplerFromEnv`) |
 *
 * A `hostname` process tag is added unless the tags have one: from `HOSTNAME`, else the
 * operating system's host name (when the runtime allows reading it: Deno needs
 * `--allow-sys=hostname`, and is never made to prompt).
 *
 * The agent host is a host name or an IP address (IPv6 without brackets): a URL
 * (`udp://...`), a `host:port`, a path or whitespace is an error naming the variable. Tag keys
 * and values are trimmed (`env=prod, region=eu` gives `region`). A variable the runtime does
 * not let us read (Deno with a narrow `--allow-env`) counts as unset, and one warning names
 * every such variable.
 *
 * The parser records sampled contexts into the collector: `tracing.parser.parse(headers)` is
 * enough.
 *
 * With `otlp`, spans go over OTLP/HTTP (`OtlpExporter`: `AsyncExporter` -> `OtlpEncoder` ->
 * `OtlpHttpSink`), configured by OpenTelemetry's variables (see `otlpConfigFromEnv` in
 * `@spanwire/trace/exporters/otlp`: `OTEL_EXPORTER_OTLP_ENDPOINT` (default
 * `http://localhost:4318`), `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `..._HEADERS`,
 * `..._PROTOCOL` (`http/protobuf` default, or `http/json`), `..._COMPRESSION`, `..._TIMEOUT`,
 * `OTEL_SERVICE_NAME` (falling back to `TRACES_EXPORTER_JAEGER_SERVICE_NAME`, then
 * `iox-conductor`) and `OTEL_RESOURCE_ATTRIBUTES`); the header names above still apply.
 *
 * @param env The environment (`Deno.env`, `process.env` or a plain record).
 * @param options The encoder backend and the warning sink.
 * @returns The collector, parser and shutdown function, or `undefined` when tracing is off.
 * @throws {RangeError} For an unknown `TRACES_EXPORTER` or a number out of range, naming the
 *   variable and its value.
 * @throws {SyntaxError} For a malformed number, tag list, host or empty name, likewise.
 *
 * @example
 * ```ts
 * import { tracingFromEnv } from "@spanwire/trace/exporters";
 * import assert from "node:assert/strict";
 *
 * assert.equal(tracingFromEnv({}), undefined);
 * const tracing = tracingFromEnv({
 *   TRACES_EXPORTER: "jaeger",
 *   TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
 *   TRACES_EXPORTER_JAEGER_TAGS: "env=prod,region=eu-1",
 *   HOSTNAME: "host-1",
 * })!;
 * assert.deepEqual(tracing.config.tags, { env: "prod", region: "eu-1", hostname: "host-1" });
 * assert.equal(tracing.parser.jaegerTraceContextHeaderName, "uber-trace-id");
 * await tracing.shutdown();
 * assert.throws(() => tracingFromEnv({ TRACES_EXPORTER: "zipkin" }), /TRACES_EXPORTER/);
 * ```
 */
export function tracingFromEnv(
  env: EnvSource,
  options: TracingFromEnvOptions = {},
): Tracing | undefined {
  const reader = new EnvReader(env);
  const warn = options.warn ?? ((m: string) => console.warn(m));
  try {
    // TRACES_EXPORTER (IOx's) wins; OpenTelemetry's OTEL_TRACES_EXPORTER is read when it is unset.
    const variable = reader.get("TRACES_EXPORTER")?.trim()
      ? "TRACES_EXPORTER"
      : "OTEL_TRACES_EXPORTER";
    const exporter = reader.get(variable);
    const kind = exporter === undefined ? "none" : exporter.trim().toLowerCase();
    if (kind === "" || kind === "none") return undefined;
    if (kind !== "jaeger" && kind !== "otlp") {
      throw new RangeError(
        `Cannot use ${variable}: ${shown(exporter!)} is not one of "none", "jaeger", "otlp"`,
      );
    }
    const get = (name: string) => reader.get(name);
    const config = readConfig(get);
    const otlp = kind === "otlp"
      ? otlpConfigFromEnv({ get }, { hostName: osHostname() })
      : undefined;
    return build(config, options, samplerFromEnv(reader), otlp); // OTEL_TRACES_SAMPLER(_ARG)
  } finally {
    reader.report(warn);
  }
}

const JAEGER = "TRACES_EXPORTER_JAEGER_";

function readConfig(get: (name: string) => string | undefined): TracingConfig {
  const tags = tagList(`${JAEGER}TAGS`, get(`${JAEGER}TAGS`));
  if (!Object.hasOwn(tags, "hostname")) {
    const host = get("HOSTNAME")?.trim() || osHostname();
    if (host !== undefined && host !== "") tags.hostname = host;
  }
  const text = (name: string, fallback: string) => nonEmpty(name, get(name), fallback);
  const number = (name: string, fallback: number, min: number, max: number) =>
    integer(name, get(name), fallback, min, max);
  return {
    agentHost: hostName(
      `${JAEGER}AGENT_HOST`,
      get(`${JAEGER}AGENT_HOST`),
      "0.0.0.0",
      `${JAEGER}AGENT_PORT`,
    ),
    agentPort: number(`${JAEGER}AGENT_PORT`, 6831, 1, 65535),
    serviceName: text(`${JAEGER}SERVICE_NAME`, "iox-conductor"),
    traceContextHeaderName: text(`${JAEGER}TRACE_CONTEXT_HEADER_NAME`, "uber-trace-id"),
    debugName: text(`${JAEGER}DEBUG_NAME`, "jaeger-debug-id"),
    tags,
    maxMessagesPerSecond: number(
      "TRACES_JAEGER_MAX_MSGS_PER_SECOND",
      1000,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    maxPacketSize: number(`${JAEGER}MAX_PACKET_SIZE`, 65000, MIN_PACKET_SIZE, MAX_PACKET_SIZE),
  };
}

function build(
  config: TracingConfig,
  options: TracingFromEnvOptions,
  sampler: Sampler,
  otlp: OtlpConfig | undefined,
): Tracing {
  let collector: AsyncExporter;
  let agent: JaegerAgentExporter | undefined;
  if (otlp !== undefined) {
    // On Node, node:http costs less CPU than its fetch (see _node_http_fetch.ts).
    const fetch = isNode() ? nodeHttpFetch : undefined;
    collector = new OtlpExporter({ ...otlp, warn: options.warn, fetch });
  } else {
    const packer = new BatchEncoder({
      serviceName: config.serviceName,
      tags: config.tags,
      maxPacketSize: config.maxPacketSize,
      backend: resolveBackend(options.backend),
      warn: options.warn,
    });
    agent = new JaegerAgentExporter({
      host: config.agentHost,
      port: config.agentPort,
      warn: options.warn,
    });
    collector = new AsyncExporter({
      packer,
      sink: agent,
      maxMessagesPerSecond: config.maxMessagesPerSecond,
      warn: options.warn,
    });
  }
  const parser = new TraceHeaderParser({
    jaegerTraceContextHeaderName: config.traceContextHeaderName,
    jaegerDebugName: config.debugName,
    collector,
    sampler,
  });
  const unregister = options.exitHooks === false ? () => {} : registerForExit(collector);
  const shutdown = async (): Promise<void> => {
    try {
      await collector.close();
    } finally {
      unregister();
    }
  };
  return { collector, parser, shutdown, agent, otlp, config };
}
