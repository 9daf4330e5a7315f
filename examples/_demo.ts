// The logic of `deno task demo`: the seed's whole workflow in one command. It starts the
// IOx-like query service (examples/_service.ts) on Deno.serve, traced with `traceLayer` and
// configured by `tracingFromEnv` (IOx's TRACES_EXPORTER* variables), sends it a few requests,
// each with a generated trace id as IOx's `--gen-trace-id` does, then drains the exporter and
// shows what was exported:
//
// - embedded (no TRACES_EXPORTER_JAEGER_AGENT_HOST): spans go over real UDP to a local
//   `MockJaegerAgent` on a free port, and every trace that arrived there is drawn as a waterfall,
//   with the agent's and the exporter's counts;
// - OTLP (TRACES_EXPORTER=otlp): spans go over OTLP/HTTP to an embedded `MockOtlpReceiver`,
//   or, when OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set, to that collector;
// - external (TRACES_EXPORTER=jaeger and the agent host and port set, the seed's Step 2): spans
//   go to that agent (a Jaeger all-in-one, or `deno task agent`), and the link to each trace in
//   the Jaeger UI is printed.

import {
  type AsyncExporterStats,
  type EnvSource,
  type Tracing,
  tracingFromEnv,
} from "../exporters/mod.ts";
import { formatWaterfall, type JaegerSpan } from "../exporters/jaeger/mod.ts";
import { MockJaegerAgent } from "../exporters/jaeger/testing.ts";
import { MockOtlpReceiver } from "../exporters/otlp/testing.ts";
import { otlpToJaeger } from "./_otlp_to_jaeger.ts";
import { spanContextOf, tracedFetch, traceLayer } from "../http/mod.ts";
import { Span, SpanContext, SpanId, SpanRecorder, TraceId } from "../trace/mod.ts";
import { createQueryService } from "./_service.ts";
import { thriftTraceId as jaegerTraceId } from "../allinone/mod.ts";
import { paint } from "./_term.ts";

/** Options of {@linkcode runDemo}. */
export interface DemoOptions {
  /** The environment (`Deno.env` or a record): IOx's TRACES_EXPORTER* variables and more. */
  env: EnvSource;
  /** Where output goes. */
  write: (text: string) => void;
  /** Where warnings go (default `console.warn`). */
  warn?: (message: string) => void;
  /** ANSI colours (default false). */
  color?: boolean;
  /** Width to fit, in columns (default 80). */
  width?: number;
  /** Base URL of the Jaeger UI for the links printed in external mode. */
  jaegerUiUrl?: string;
  /** How long to wait for the spans at the embedded agent, ms (default 10,000). */
  arrivalTimeoutMs?: number;
}

/** One request the demo sent. */
export interface DemoRequest {
  /** The command, as IOx's CLI would name it (`write`, `query`). */
  command: string;
  /** What it asked for (the line protocol summary or the SQL). */
  detail: string;
  /** The HTTP method and path. */
  method: string;
  /** The request path with its query string. */
  target: string;
  /** The HTTP status of the response. */
  status: number;
  /** The trace id generated for it, 32 hex digits. */
  traceId: string;
}

/** What {@linkcode runDemo} did, for tests and the CLI. */
export interface DemoResult {
  /** `embedded`: its own agent; `external`: the configured one; `error`: did not run. */
  mode: "embedded" | "external" | "error";
  /** The exit code for the CLI: 0 when everything sent arrived (embedded) or was sent. */
  exitCode: number;
  /** The requests, in order. */
  requests: DemoRequest[];
  /** Whether per-partition spans were on. */
  perPartitionTracing: boolean;
  /** The service name spans were exported under. */
  serviceName: string;
  /** The spans the embedded agent received over UDP (empty in external mode). */
  spans: JaegerSpan[];
  /** The embedded agent's counts (absent in external mode). */
  agent?: { port: number; packets: number; spans: number; malformed: number };
  /** The exporter's counts after draining. */
  exporter?: AsyncExporterStats;
}

const ORG_BUCKET = "org=26f7e5a4b7be365b&bucket=917b97a92e883afc";

const LINE_PROTOCOL = [
  "cpu,host=a,region=eu usage_user=12.5,usage_system=3.25 1700000000000000000",
  "cpu,host=b,region=eu usage_user=47.0,usage_system=9.5 1700000000000000000",
  "mem,host=a,region=eu used_percent=61.2 1700000000000000000",
  "disk,host=a,region=eu,path=/ used_percent=73.9 1700000000000000000",
].join("\n");

interface Step {
  command: string;
  detail: string;
  method: "GET" | "POST";
  target: string;
  body?: string;
}

const STEPS: Step[] = [
  {
    command: "write",
    detail: `${LINE_PROTOCOL.split("\n").length} lines of line protocol`,
    method: "POST",
    target: `/api/v2/write?${ORG_BUCKET}`,
    body: LINE_PROTOCOL,
  },
  ...[
    "SELECT * FROM cpu WHERE region = 'eu'",
    "SELECT host, used_percent FROM mem",
    "SELECT * FROM weather",
  ].map((sql): Step => ({
    command: "query",
    detail: sql,
    method: "GET",
    target: `/api/v2/query?${ORG_BUCKET}&q=${encodeURIComponent(sql)}`,
  })),
];

/**
 * IOx's `INFLUXDB_IOX_PER_PARTITION_TRACING`: on for 1, true or yes (any case), off otherwise.
 *
 * @param value The variable's value.
 * @returns Whether per-partition spans are on.
 */
export function perPartitionTracingOn(value: string | undefined): boolean {
  return /^(1|true|yes)$/i.test((value ?? "").trim());
}

/**
 * A lookup function over `Deno.env`, `process.env` or a plain record.
 *
 * @param env The environment.
 * @returns A function giving a variable's value, or `undefined`.
 */
export function getter(env: EnvSource): (key: string) => string | undefined {
  if (typeof (env as { get?: unknown }).get === "function") {
    const source = env as { get(key: string): string | undefined };
    return (key) => source.get(key);
  }
  const record = env as Readonly<Record<string, string | undefined>>;
  return (key) => (Object.hasOwn(record, key) ? record[key] : undefined);
}

/**
 * `1 span`, `2 spans`.
 *
 * @param n The count.
 * @param word The singular.
 * @returns The count and the word.
 */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/**
 * Runs the demo: service, requests, drain, and the waterfalls of what arrived (embedded) or
 * the Jaeger UI links (external).
 *
 * @param options Environment, output and drawing options.
 * @returns What happened (requests, trace ids, spans received, counts, exit code).
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const get = getter(options.env);
  const write = options.write;
  const color = options.color ?? false;
  const width = options.width ?? 80;
  const bold = (text: string): string => paint(color, "1", text);
  const dim = (text: string): string => paint(color, "2", text);
  const host = (get("TRACES_EXPORTER_JAEGER_AGENT_HOST") ?? "").trim();
  // OTLP (TRACES_EXPORTER=otlp, or OTEL_TRACES_EXPORTER=otlp when TRACES_EXPORTER is unset):
  // embedded unless an OTLP endpoint is set.
  const selector = (get("TRACES_EXPORTER") ?? "").trim() || (get("OTEL_TRACES_EXPORTER") ?? "");
  const otlp = selector.trim().toLowerCase() === "otlp";
  const otlpEndpoint = (get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ?? "").trim() ||
    (get("OTEL_EXPORTER_OTLP_ENDPOINT") ?? "").trim();
  const embedded = otlp ? otlpEndpoint === "" : host === "";
  const perPartitionTracing = perPartitionTracingOn(get("INFLUXDB_IOX_PER_PARTITION_TRACING"));
  const result: DemoResult = {
    mode: embedded ? "embedded" : "external",
    exitCode: 0,
    requests: [],
    perPartitionTracing,
    serviceName: "",
    spans: [],
  };

  // 1. The exporter, configured from the environment (the embedded agent overrides where to).
  let agent: EmbeddedReceiver | undefined;
  let tracing: Tracing | undefined;
  try {
    if (embedded && otlp) {
      agent = otlpReceiver(await MockOtlpReceiver.start());
      const overrides: Record<string, string> = {
        TRACES_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_ENDPOINT: agent.url,
      };
      tracing = tracingFromEnv({ get: (key) => overrides[key] ?? get(key) }, {
        warn: options.warn,
      });
    } else if (embedded) {
      agent = jaegerReceiver(await MockJaegerAgent.start());
      const port = String(agent.port);
      const overrides: Record<string, string> = {
        TRACES_EXPORTER: "jaeger",
        TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
        TRACES_EXPORTER_JAEGER_AGENT_PORT: port,
      };
      tracing = tracingFromEnv({ get: (key) => overrides[key] ?? get(key) }, {
        warn: options.warn,
      });
    } else {
      tracing = tracingFromEnv(options.env, { warn: options.warn });
      if (tracing === undefined) {
        write(
          'TRACES_EXPORTER_JAEGER_AGENT_HOST is set but TRACES_EXPORTER is not "jaeger": set\n' +
            "TRACES_EXPORTER=jaeger to send spans to that agent, or unset the host to run the\n" +
            "demo with its embedded agent.\n",
        );
        return { ...result, mode: "error", exitCode: 2 };
      }
    }
  } catch (error) {
    await agent?.close();
    write(`Cannot configure tracing: ${error instanceof Error ? error.message : error}\n`);
    return { ...result, mode: "error", exitCode: 2 };
  }
  const t = tracing!;
  const { config } = t;
  result.serviceName = config.serviceName;

  // 2. The service: Deno.serve on a free port of 127.0.0.1, traced with traceLayer.
  const handler = traceLayer(
    createQueryService({ perPartitionTracing, spanContextOf }),
    {
      parser: t.parser,
      collector: t.collector,
      name: (request) => `${request.method} ${new URL(request.url).pathname}`,
      warn: options.warn,
    },
  );
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  const base = `http://127.0.0.1:${server.addr.port}`;

  write(
    `${bold("spanwire demo")}: an IOx-like query service on ${base},\n` +
      `traced with traceLayer, exported as service "${config.serviceName}" to ` +
      (embedded && otlp
        ? `an embedded\nOTLP receiver at ${agent!.url}/v1/traces\n` +
          `(set OTEL_EXPORTER_OTLP_ENDPOINT to send to a collector).\n`
        : embedded
        ? `an embedded\nJaeger agent on udp 127.0.0.1:${
          agent!.port
        } (set TRACES_EXPORTER=jaeger and\n` +
          `TRACES_EXPORTER_JAEGER_AGENT_HOST/PORT to send to another one).\n`
        : otlp
        ? `the OTLP\nreceiver at ${t.otlp?.url}.\n`
        : `the Jaeger\nagent at udp ${config.agentHost}:${config.agentPort}.\n`) +
      `Per-partition spans: ${
        perPartitionTracing ? "on" : "off (INFLUXDB_IOX_PER_PARTITION_TRACING=1 turns them on)"
      }.\n\n`,
  );

  // 3. The requests, each in a new trace, as `influxdb_iox --gen-trace-id <command>` sends them:
  // the demo plays the command line, recording its command as the root span and the HTTP call
  // as a client span (tracedFetch), whose context goes out in the uber-trace-id header.
  const fetchTraced = tracedFetch({
    name: (method) => `HTTP ${method}`,
    jaegerTraceContextHeaderName: config.traceContextHeaderName,
    formats: ["jaeger"],
  });
  try {
    for (const step of STEPS) {
      const traceId = TraceId.random();
      write(`${dim("$")} ${step.command} ${cut(JSON.stringify(step.detail), width - 10)}\n`);
      write(`Trace ID set to ${traceId}\n`);
      const root = new SpanContext({ traceId, spanId: SpanId.random(), collector: t.collector });
      const started = performance.now();
      let status = 0;
      let statusText = "";
      {
        using command = new SpanRecorder(new Span(`cli ${step.command}`, root));
        command.setMetadata(step.command === "query" ? "sql" : "lines", step.detail);
        try {
          const response = await fetchTraced(`${base}${step.target}`, {
            method: step.method,
            body: step.body,
            spanContext: root,
          });
          await response.arrayBuffer();
          status = response.status;
          statusText = response.statusText;
          if (response.ok) command.ok();
          else command.error(`${step.command} failed: HTTP ${status}`);
        } catch (error) {
          command.error(`request failed: ${error instanceof Error ? error.message : error}`);
        }
      }
      const ms = (performance.now() - started).toFixed(1);
      const outcome = `${status} ${statusText}`.trim() || "failed";
      const painted = status >= 200 && status < 400
        ? paint(color, "32", outcome)
        : paint(color, "31", outcome);
      write(`  ${step.method} ${new URL(base + step.target).pathname} -> ${painted} (${ms} ms)\n`);
      result.requests.push({
        command: step.command,
        detail: step.detail,
        method: step.method,
        target: step.target,
        status,
        traceId: traceId.toString(),
      });
    }
  } finally {
    await server.shutdown();
  }

  // 4. Drain: everything queued goes out, then the socket closes.
  write(`\nDraining the exporter... `);
  await t.shutdown();
  const stats = t.collector.stats();
  result.exporter = stats;
  const dropped = stats.droppedQueueFull + stats.droppedTooLarge;
  write(
    `${plural(stats.exported, "span")} sent in ${plural(stats.packets, "packet")}.\n` +
      `Exporter: ${stats.exported} exported, ${stats.droppedQueueFull} dropped (queue full),` +
      ` ${stats.droppedTooLarge} dropped (too large), ${stats.failedToSend} failed.\n`,
  );
  if (dropped + stats.failedToSend > 0) result.exitCode = 1;

  if (!embedded) {
    write(
      (otlp
        ? `\nLook for the traces in the Jaeger UI (or your OTLP backend's)\n`
        : `\nUDP does not confirm delivery: look for the traces in the Jaeger UI\n`) +
        `(service "${config.serviceName}"):\n`,
    );
    const ui = (options.jaegerUiUrl ?? "http://localhost:16686").replace(/\/+$/, "");
    for (const r of result.requests) {
      write(`  ${`${r.command} ${r.status}`.padEnd(10)} ${ui}/trace/${r.traceId}\n`);
    }
    return result;
  }

  // 5. Embedded: wait for the spans at the agent, then draw every trace that arrived.
  const mock = agent!;
  try {
    await mock.waitForSpans(stats.exported, options.arrivalTimeoutMs ?? 10_000);
  } catch {
    result.exitCode = 1;
  }
  await mock.close();
  result.spans = mock.spans();
  result.agent = {
    port: mock.port,
    packets: mock.packets(),
    spans: result.spans.length,
    malformed: mock.malformed(),
  };
  write(
    `The ${mock.label} received ${plural(mock.packets(), mock.unit)}, ` +
      `${plural(result.spans.length, "span")}, ${mock.malformed()} malformed.\n`,
  );
  if (result.spans.length < stats.exported) {
    write(
      paint(color, "31", `${stats.exported - result.spans.length} spans sent did not arrive.`) +
        "\n",
    );
    result.exitCode = 1;
  }
  if (mock.malformed() > 0) result.exitCode = 1;

  const byTrace = new Map<string, JaegerSpan[]>();
  for (const span of result.spans) {
    const id = jaegerTraceId(span);
    let list = byTrace.get(id);
    if (list === undefined) byTrace.set(id, list = []);
    list.push(span);
  }
  for (const r of result.requests) {
    const spans = byTrace.get(r.traceId) ?? [];
    byTrace.delete(r.traceId);
    const heading = `── ${r.command} ${cut(JSON.stringify(r.detail), width - 20)} → ${r.status} `;
    write(`\n${bold(heading + "─".repeat(Math.max(0, width - [...heading].length)))}\n`);
    if (spans.length === 0) {
      write(paint(color, "31", "no span of this trace arrived") + "\n");
      result.exitCode = 1;
      continue;
    }
    write(
      `${
        formatWaterfall(spans, { width, color, serviceName: config.serviceName, events: true })
      }\n`,
    );
  }
  for (const spans of byTrace.values()) {
    write(
      `\n${
        formatWaterfall(spans, { width, color, serviceName: config.serviceName, events: true })
      }\n`,
    );
  }
  return result;
}

/** The demo's embedded receiver: a mock Jaeger agent (UDP) or a mock OTLP receiver (HTTP). */
interface EmbeddedReceiver {
  label: string;
  unit: string;
  port: number;
  url: string;
  packets(): number;
  spans(): JaegerSpan[];
  malformed(): number;
  waitForSpans(count: number, timeoutMs: number): Promise<unknown>;
  close(): Promise<void>;
}

function jaegerReceiver(agent: MockJaegerAgent): EmbeddedReceiver {
  return {
    label: `agent on udp 127.0.0.1:${agent.port}`,
    unit: "packet",
    port: agent.port,
    url: `udp://127.0.0.1:${agent.port}`,
    packets: () => agent.packets.length,
    spans: () => agent.spans.slice(),
    malformed: () => agent.malformed,
    waitForSpans: (count, timeoutMs) => agent.waitForSpans(count, timeoutMs),
    close: () => agent.close(),
  };
}

function otlpReceiver(receiver: MockOtlpReceiver): EmbeddedReceiver {
  return {
    label: `OTLP receiver on port ${receiver.port}`,
    unit: "request",
    port: receiver.port,
    url: receiver.url,
    packets: () => receiver.requests.length,
    spans: () => receiver.spans.map(otlpToJaeger),
    malformed: () => receiver.malformed,
    waitForSpans: (count, timeoutMs) => receiver.waitForSpans(count, timeoutMs),
    close: () => receiver.close(),
  };
}
