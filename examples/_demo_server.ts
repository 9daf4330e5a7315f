// `deno task demo --serve`: the seed's Steps 2 to 4 by hand. The traced query service keeps
// running on a fixed port (8080 by default) so that requests can be sent to it with
// `deno task client --gen-trace-id ...` (or curl with an uber-trace-id header); each trace is
// drawn by the embedded agent as it completes, or goes to the Jaeger agent the environment
// names. Ctrl-C drains the exporter and stops.

import { type EnvSource, type Tracing, tracingFromEnv } from "../exporters/mod.ts";
import { spanContextOf, traceLayer } from "../http/mod.ts";
import { getter, perPartitionTracingOn, plural } from "./_demo.ts";
import { type LocalAgent, startLocalAgent } from "./_agent.ts";
import { createQueryService } from "./_service.ts";
import { paint } from "./_term.ts";

/** Options of {@linkcode runDemoServer}. */
export interface DemoServerOptions {
  /** The environment (IOx's TRACES_EXPORTER* variables). */
  env: EnvSource;
  /** The TCP port to serve on (0 for a free one). */
  port: number;
  /** Stops the server when aborted. */
  signal: AbortSignal;
  /** Where output goes. */
  write: (text: string) => void;
  /** Called once the server listens, with its base URL. */
  onListen?: (url: string) => void;
  /** Where warnings go (default `console.warn`). */
  warn?: (message: string) => void;
  /** ANSI colours (default false). */
  color?: boolean;
  /** Width to fit (default 80). */
  width?: number;
}

/**
 * Serves the traced query service until `signal` aborts, then drains the exporter.
 *
 * @param options Environment, port, signal, output.
 * @returns The exit code (0, or 2 for a configuration error).
 */
export async function runDemoServer(options: DemoServerOptions): Promise<number> {
  const get = getter(options.env);
  const write = options.write;
  const color = options.color ?? false;
  const embedded = (get("TRACES_EXPORTER_JAEGER_AGENT_HOST") ?? "").trim() === "";
  let agent: LocalAgent | undefined;
  let tracing: Tracing | undefined;
  try {
    if (embedded) {
      agent = await startLocalAgent({
        port: 0,
        write,
        color,
        width: options.width,
      });
      const overrides: Record<string, string> = {
        TRACES_EXPORTER: "jaeger",
        TRACES_EXPORTER_JAEGER_AGENT_HOST: "127.0.0.1",
        TRACES_EXPORTER_JAEGER_AGENT_PORT: String(agent.port),
      };
      tracing = tracingFromEnv({ get: (key) => overrides[key] ?? get(key) }, {
        warn: options.warn,
      });
    } else {
      tracing = tracingFromEnv(options.env, { warn: options.warn });
      if (tracing === undefined) {
        write(
          'TRACES_EXPORTER_JAEGER_AGENT_HOST is set but TRACES_EXPORTER is not "jaeger".\n',
        );
        return 2;
      }
    }
  } catch (error) {
    await agent?.close();
    write(`Cannot configure tracing: ${error instanceof Error ? error.message : error}\n`);
    return 2;
  }
  const t = tracing!;
  const perPartitionTracing = perPartitionTracingOn(get("INFLUXDB_IOX_PER_PARTITION_TRACING"));
  const handler = traceLayer(createQueryService({ perPartitionTracing, spanContextOf }), {
    parser: t.parser,
    collector: t.collector,
    name: (request) => `${request.method} ${new URL(request.url).pathname}`,
    warn: options.warn,
  });
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve(
      { hostname: "127.0.0.1", port: options.port, onListen: () => {} },
      handler,
    );
  } catch (error) {
    await t.shutdown();
    await agent?.close();
    write(
      `Cannot serve on 127.0.0.1:${options.port}: ${
        error instanceof Error ? error.message : error
      }\n`,
    );
    return 1;
  }
  const base = `http://127.0.0.1:${server.addr.port}`;
  const q = "select+*+from+cpu";
  write(
    `${paint(color, "1", `Serving the traced query service on ${base}`)}\n` +
      `Spans go as service "${t.config.serviceName}" to ` +
      (embedded
        ? `the embedded agent (udp 127.0.0.1:${agent!.port}),\nwhich draws each trace here.\n`
        : `the Jaeger agent at udp ${t.config.agentHost}:${t.config.agentPort}.\n`) +
      `Per-partition spans: ${perPartitionTracing ? "on" : "off"}. Try, in another terminal:\n\n` +
      `  deno task client --gen-trace-id \\\n    "${base}/api/v2/query?q=${q}"\n` +
      `  curl -H "uber-trace-id: 4d2:162e:0:1" \\\n    "${base}/api/v2/query?q=${q}"\n\n` +
      `Ctrl-C to stop.\n\n`,
  );
  options.onListen?.(base);
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    else options.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await server.shutdown();
  await t.shutdown();
  const stats = t.collector.stats();
  if (agent !== undefined) {
    try {
      await agent.waitForSpans(stats.exported, 10_000);
    } catch {
      // drawn below: the counts tell what did not arrive
    }
    await agent.close();
    const c = agent.counts();
    write(
      `Stopped. Exported ${plural(stats.exported, "span")} in ${plural(stats.packets, "packet")};` +
        ` the agent got ${plural(c.spans, "span")}\nin ${plural(c.packets, "packet")}` +
        ` (${c.malformed} malformed) and drew ${plural(c.traces, "trace")}.\n`,
    );
  } else {
    write(
      `Stopped. Exported ${plural(stats.exported, "span")} in ${
        plural(stats.packets, "packet")
      }.\n`,
    );
  }
  return 0;
}
