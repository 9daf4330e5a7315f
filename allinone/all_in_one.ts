/**
 * {@linkcode startAllInOne}: the local all-in-one's listeners around one {@linkcode TraceStore}:
 * Jaeger compact Thrift on UDP 6831 (`jaeger.compact`), binary Thrift on UDP 6832
 * (`jaeger.binary`), OTLP/HTTP on 4318 (`otlp`), the UI and query API on HTTP 16686 (`ui`).
 *
 * @module
 */

import { decodeEmitBatch, type JaegerBatch, type ThriftProtocol } from "../exporters/jaeger/mod.ts";
import { listenHttp } from "./_http.ts";
import { otlpDecoder } from "./otlp_to_jaeger.ts";
import { listenUdp } from "./_udp.ts";
import { spansFromThrift } from "./jaeger_json.ts";
import { createOtlpHandler, type OtlpTracesDecoder } from "./otlp_receiver.ts";
import { TraceStore, type TraceStoreOptions } from "./trace_store.ts";
import { createUiHandler } from "./ui_handler.ts";

/**
 * The name of a listener, as the `listening:` lines print it.
 *
 * @example
 * ```ts
 * import type { ListenerName } from "@spanwire/trace/allinone";
 *
 * const name: ListenerName = "jaeger.binary";
 * ```
 */
export type ListenerName = "jaeger.compact" | "jaeger.binary" | "otlp" | "ui";

/**
 * The default port of each listener.
 *
 * @example
 * ```ts
 * import { DEFAULT_PORTS } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_PORTS.ui, 16686);
 * ```
 */
export const DEFAULT_PORTS: Readonly<Record<ListenerName, number>> = {
  "jaeger.compact": 6831,
  "jaeger.binary": 6832,
  otlp: 4318,
  ui: 16686,
};

/**
 * Options of {@linkcode startAllInOne}.
 *
 * @example
 * ```ts
 * import type { AllInOneOptions } from "@spanwire/trace/allinone";
 *
 * const options: AllInOneOptions = { ports: { "jaeger.compact": 0, ui: 0, otlp: null } };
 * ```
 */
export interface AllInOneOptions {
  /** The address every listener binds (default `127.0.0.1`; `0.0.0.0` for other hosts). */
  host?: string;
  /** The port of each listener (default {@linkcode DEFAULT_PORTS}; 0 a free one; null none). */
  ports?: Partial<Record<ListenerName, number | null>>;
  /** The store, or its bounds (default a new store with the default bounds). */
  store?: TraceStore | TraceStoreOptions;
  /** Told of each batch received (after it is stored), e.g. to draw it in a terminal. */
  onBatch?: (batch: JaegerBatch, from: ListenerName) => void;
  /** Told of each packet or request that did not decode. */
  onMalformed?: (error: Error, from: ListenerName) => void;
  /** Turns OTLP/HTTP bodies into Jaeger batches (default: the library's OTLP decoder). */
  otlpDecoder?: OtlpTracesDecoder;
}

/**
 * A listener of a running all-in-one.
 *
 * @example
 * ```ts
 * import type { AllInOneListener } from "@spanwire/trace/allinone";
 *
 * const l: AllInOneListener = { name: "ui", port: 16686, url: "http://127.0.0.1:16686" };
 * ```
 */
export interface AllInOneListener {
  /** Its name. */
  name: ListenerName;
  /** The port it is bound to. */
  port: number;
  /** Its URL: `udp://host:port` or `http://host:port`. */
  url: string;
}

/**
 * The counts of a running all-in-one.
 *
 * @example
 * ```ts
 * import type { AllInOneCounts } from "@spanwire/trace/allinone";
 *
 * const c: AllInOneCounts = { packets: 0, requests: 0, spans: 0, malformed: 0 };
 * ```
 */
export interface AllInOneCounts {
  /** UDP datagrams received (both Jaeger ports). */
  packets: number;
  /** OTLP requests received. */
  requests: number;
  /** Spans received and stored. */
  spans: number;
  /** Datagrams and requests that did not decode. */
  malformed: number;
}

/**
 * A running all-in-one.
 *
 * @example
 * ```ts
 * import type { AllInOne } from "@spanwire/trace/allinone";
 *
 * const listenerNames = (a: AllInOne): string[] => a.listeners.map((l) => l.name);
 * ```
 */
export interface AllInOne {
  /** The store. */
  readonly store: TraceStore;
  /** The listeners, in the order compact, binary, otlp, ui (those not disabled). */
  readonly listeners: readonly AllInOneListener[];
  /** The UI and query API handler (served by the `ui` listener). */
  readonly handler: (request: Request) => Response;
  /** The counts so far. */
  counts(): AllInOneCounts;
  /** Stores a batch as if it had been received (e.g. from an embedding program). */
  ingest(batch: JaegerBatch, from: ListenerName): void;
  /** The listener of that name, if running. */
  listener(name: ListenerName): AllInOneListener | undefined;
  /** Stops every listener. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Starts the all-in-one: binds each listener (a port in use is an error naming the listener,
 * and whatever was bound is closed again), and stores every span received.
 *
 * @param options Address, ports, store bounds, callbacks.
 * @returns The running all-in-one.
 * @throws {Error} When a listener cannot bind (the message names it and its port).
 *
 * @example
 * ```ts
 * import { startAllInOne } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * const aio = await startAllInOne({
 *   ports: { "jaeger.compact": 0, "jaeger.binary": 0, otlp: 0, ui: 0 },
 * });
 * assert.deepEqual(aio.listeners.map((l) => l.name), ["jaeger.compact", "jaeger.binary", "otlp", "ui"]);
 * const ui = aio.listener("ui")!;
 * const services = await (await fetch(`${ui.url}/api/services`)).json();
 * assert.deepEqual(services.data, []);
 * await aio.close();
 * ```
 */
export async function startAllInOne(options: AllInOneOptions = {}): Promise<AllInOne> {
  const host = options.host ?? "127.0.0.1";
  const store = options.store instanceof TraceStore ? options.store : new TraceStore(options.store);
  const counts: AllInOneCounts = { packets: 0, requests: 0, spans: 0, malformed: 0 };
  const handler = createUiHandler(store);

  const ingest = (batch: JaegerBatch, from: ListenerName): void => {
    store.add(spansFromThrift(batch));
    counts.spans += batch.spans.length;
    options.onBatch?.(batch, from);
  };
  const malformed = (error: Error, from: ListenerName): void => {
    counts.malformed++;
    options.onMalformed?.(error, from);
  };
  const udp = (name: ListenerName, protocol: ThriftProtocol) => (bytes: Uint8Array): void => {
    counts.packets++;
    let batch: JaegerBatch;
    try {
      batch = decodeEmitBatch(bytes, protocol).batch;
    } catch (e) {
      malformed(e instanceof Error ? e : new Error(String(e)), name);
      return;
    }
    ingest(batch, name);
  };
  const otlp = createOtlpHandler(
    options.otlpDecoder ?? otlpDecoder,
    (batches) => {
      for (const batch of batches) ingest(batch, "otlp");
    },
    (error) => malformed(error, "otlp"),
  );
  const countedOtlp = (request: Request): Promise<Response> => {
    counts.requests++;
    return otlp(request);
  };

  const listeners: AllInOneListener[] = [];
  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(closers.splice(0).map((c) => c()));
  };
  const want = (name: ListenerName): number | null => {
    const port = options.ports?.[name];
    return port === undefined ? DEFAULT_PORTS[name] : port;
  };
  try {
    for (
      const [name, protocol] of [["jaeger.compact", "compact"], [
        "jaeger.binary",
        "binary",
      ]] as const
    ) {
      const port = want(name);
      if (port === null) continue;
      const socket = await listenUdp(host, port, udp(name, protocol)).catch((e) => {
        throw new Error(`Cannot start ${name} on udp ${host}:${port}: ${e?.message ?? e}`, {
          cause: e,
        });
      });
      closers.push(socket.close);
      listeners.push({ name, port: socket.port, url: `udp://${urlHost(host)}:${socket.port}` });
    }
    for (const [name, serve] of [["otlp", countedOtlp], ["ui", handler]] as const) {
      const port = want(name);
      if (port === null) continue;
      const server = await listenHttp(host, port, serve).catch((e) => {
        throw new Error(`Cannot start ${name} on http ${host}:${port}: ${e?.message ?? e}`, {
          cause: e,
        });
      });
      closers.push(server.close);
      listeners.push({ name, port: server.port, url: `http://${urlHost(host)}:${server.port}` });
    }
  } catch (e) {
    await close();
    throw e;
  }
  return {
    store,
    listeners,
    handler,
    counts: () => ({ ...counts }),
    ingest,
    listener: (name) => listeners.find((l) => l.name === name),
    close,
  };
}
