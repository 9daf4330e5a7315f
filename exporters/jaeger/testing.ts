/**
 * {@linkcode MockJaegerAgent}: a real UDP server on 127.0.0.1 that decodes every datagram as a
 * Jaeger agent does (`Agent.emitBatch`, Thrift compact) and keeps what it got, for tests.
 *
 * @module
 */

import dgram from "node:dgram";
import { decodeEmitBatch, type ThriftProtocol } from "./decode_emit_batch.ts";
import { DecodeError } from "./decode_error.ts";
import { enlargeRecvBuffer } from "./_deno_recv_buffer.ts";
import type { JaegerBatch, JaegerSpan } from "./thrift_model.ts";
import { SpanWaiters } from "../pipeline/_span_waiters.ts";

/**
 * Options of {@linkcode MockJaegerAgent.start}.
 *
 * @example
 * ```ts
 * import type { MockJaegerAgentOptions } from "@spanwire/trace/exporters/jaeger/testing";
 *
 * const options: MockJaegerAgentOptions = { port: 0 };
 * ```
 */
export interface MockJaegerAgentOptions {
  /** The UDP port to bind (default 0: a free port). */
  port?: number | undefined;
  /** The address to bind (default `127.0.0.1`). */
  host?: string | undefined;
  /**
   * The receive buffer to ask for, in bytes (default 8 MiB; the kernel caps it, on Linux at
   * `net.core.rmem_max`), so that a burst of full packets is not lost by the receiver.
   */
  recvBufferSize?: number | undefined;
  /** The Thrift protocol of the packets: `compact` (default; port 6831) or `binary` (6832). */
  protocol?: ThriftProtocol | undefined;
}

/**
 * A mock Jaeger agent: a UDP server on 127.0.0.1 that decodes every packet with
 * `decodeEmitBatch` and keeps the batches and spans (every i64 as a `bigint`). Packets that do
 * not decode are counted in `malformed` (the last `DecodeError` is kept).
 *
 * @example Receive spans sent through the exporter
 * ```ts
 * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
 * import { JaegerAgentExporter } from "@spanwire/trace/exporters/jaeger/agent";
 * import { MockJaegerAgent } from "@spanwire/trace/exporters/jaeger/testing";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const agent = await MockJaegerAgent.start();
 * const exporter = new JaegerAgentExporter({ port: agent.port });
 * const encoder = new BatchEncoder({ serviceName: "svc" });
 * for (const packet of encoder.encode([Span.root("a"), Span.root("b")])) {
 *   await exporter.send(packet);
 * }
 * const spans = await agent.waitForSpans(2);
 * assert.deepEqual(spans.map((s) => s.operationName), ["a", "b"]);
 * assert.equal(agent.batches[0]?.process.serviceName, "svc");
 * await exporter.close();
 * await agent.close();
 * ```
 */
export class MockJaegerAgent {
  /** The port it listens on. */
  readonly port: number;
  /** The raw datagrams received (well-formed or not), in arrival order. */
  readonly packets: Uint8Array[] = [];
  /** The receive buffer the kernel granted, in bytes (0 if unknown). */
  readonly recvBufferSize: number;
  /** The Thrift protocol it decodes. */
  readonly protocol: ThriftProtocol;

  #receiver: Receiver;
  readonly #waiters = new SpanWaiters<JaegerSpan>("MockJaegerAgent");
  #closed = false;
  #batches: JaegerBatch[] = [];
  #spans: JaegerSpan[] = [];
  #malformed = 0;
  #lastError: Error | undefined = undefined;
  #decoded = 0;
  #decodeScheduled = false;

  private constructor(receiver: Receiver, protocol: ThriftProtocol) {
    this.#receiver = receiver;
    this.protocol = protocol;
    this.port = receiver.port;
    this.recvBufferSize = receiver.recvBufferSize;
  }

  /**
   * Starts an agent listening on 127.0.0.1.
   *
   * @param options The port (default a free one), address and receive buffer.
   * @returns The agent, listening.
   *
   * @example
   * ```ts
   * import { MockJaegerAgent } from "@spanwire/trace/exporters/jaeger/testing";
   * import assert from "node:assert/strict";
   *
   * const agent = await MockJaegerAgent.start();
   * assert.ok(agent.port > 0);
   * await agent.close();
   * ```
   */
  static async start(options: MockJaegerAgentOptions = {}): Promise<MockJaegerAgent> {
    const bind: BindRequest = {
      host: options.host ?? "127.0.0.1",
      port: options.port ?? 0,
      recvBufferSize: options.recvBufferSize ?? 8 * 1024 * 1024,
    };
    const target: { agent?: MockJaegerAgent } = {};
    const early: Uint8Array[] = [];
    const onPacket = (bytes: Uint8Array): void => {
      if (target.agent === undefined) early.push(bytes);
      else target.agent.#receive(bytes);
    };
    const receiver = isDeno()
      ? await startWorkerReceiver(bind, onPacket)
      : await startReceiver(bind, onPacket);
    const agent = new MockJaegerAgent(receiver, options.protocol ?? "compact");
    target.agent = agent;
    for (const bytes of early) agent.#receive(bytes);
    return agent;
  }

  /**
   * The batches received, in arrival order (every i64 a `bigint`).
   *
   * @returns The decoded batches.
   */
  get batches(): JaegerBatch[] {
    this.#decode();
    return this.#batches;
  }

  /**
   * The spans of every batch, in arrival order.
   *
   * @returns The decoded spans.
   */
  get spans(): JaegerSpan[] {
    this.#decode();
    return this.#spans;
  }

  /**
   * The number of datagrams that did not decode.
   *
   * @returns The count.
   */
  get malformed(): number {
    this.#decode();
    return this.#malformed;
  }

  /**
   * The last decode failure (a `DecodeError` unless the decoder itself failed), if any.
   *
   * @returns The error.
   */
  get lastError(): Error | undefined {
    this.#decode();
    return this.#lastError;
  }

  /**
   * Resolves with the first `count` spans received once that many have arrived.
   *
   * @param count How many spans to wait for.
   * @param timeoutMs How long to wait at most (default 10,000 ms).
   * @returns The spans received so far (at least `count`).
   * @throws {Error} If they do not arrive in time, or the agent closes first.
   */
  waitForSpans(count: number, timeoutMs = 10_000): Promise<JaegerSpan[]> {
    return this.#waiters.wait(
      count,
      timeoutMs,
      this.#closed,
      () => this.spans,
      () => `${this.malformed} malformed packets of ${this.packets.length}`,
    );
  }

  /**
   * Stops listening. Pending `waitForSpans` calls reject.
   *
   * @returns A promise that resolves when the socket is closed.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiters.close();
    await this.#receiver.close();
  }

  #receive(bytes: Uint8Array): void {
    if (this.#closed) return;
    // Only keep the bytes here and decode later: the receive loop must get back to the socket
    // at once, or a burst of full packets overflows the kernel's receive buffer.
    this.packets.push(bytes);
    if (this.#waiters.pending > 0 && !this.#decodeScheduled) {
      this.#decodeScheduled = true;
      setTimeout(() => {
        this.#decodeScheduled = false;
        this.#decode();
        this.#waiters.wake(this.#spans);
      }, 0);
    }
  }

  #decode(): void {
    const packets = this.packets;
    while (this.#decoded < packets.length) {
      const bytes = packets[this.#decoded++]!;
      try {
        const { batch } = decodeEmitBatch(bytes, this.protocol);
        this.#batches.push(batch);
        for (const span of batch.spans) this.#spans.push(span);
      } catch (e) {
        this.#malformed++;
        this.#lastError = e instanceof DecodeError || e instanceof Error ? e : new Error(String(e));
      }
    }
  }
}

interface BindRequest {
  host: string;
  port: number;
  recvBufferSize: number;
}

interface Receiver {
  readonly port: number;
  readonly recvBufferSize: number;
  close(): Promise<void>;
}

function isDeno(): boolean {
  return typeof (globalThis as { Deno?: unknown }).Deno === "object" &&
    typeof Worker === "function";
}

/** Binds a socket in this thread; the receive buffer is enlarged as asked (Node honours it). */
async function startReceiver(
  bind: BindRequest,
  onPacket: (bytes: Uint8Array) => void,
): Promise<Receiver> {
  const socket = dgram.createSocket(bind.host.includes(":") ? "udp6" : "udp4");
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    socket.once("error", onError);
    socket.bind(bind.port, bind.host, () => {
      socket.off("error", onError);
      resolve();
    });
  });
  socket.on("error", () => {
    // a receive error (ICMP noise) must not crash the test process
  });
  socket.on("message", (m: Uint8Array) => {
    onPacket(new Uint8Array(m.buffer, m.byteOffset, m.byteLength).slice());
  });
  let granted = 0;
  try {
    socket.setRecvBufferSize(bind.recvBufferSize);
    granted = socket.getRecvBufferSize();
  } catch {
    // the kernel refused: the default buffer it is
  }
  return {
    port: socket.address().port,
    recvBufferSize: granted,
    close: () =>
      new Promise<void>((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve();
        }
      }),
  };
}

// Deno (2.9) accepts setRecvBufferSize on a node:dgram socket but the receiving socket keeps the
// kernel's default buffer (about three 65000-byte datagrams), so a receiver that shares its
// thread with a busy sender loses packets. In Deno the socket therefore lives in a worker of
// its own, whose event loop only receives and forwards the bytes, and its buffer is enlarged
// through libc where that is possible (_deno_recv_buffer.ts).
const WORKER_SOURCE = `
import dgram from "node:dgram";
let socket;
self.onmessage = (event) => {
  const msg = event.data;
  if (msg.cmd === "bind") {
    socket = dgram.createSocket(msg.host.includes(":") ? "udp6" : "udp4");
    socket.once("error", (e) => self.postMessage({ error: String(e && e.message || e) }));
    socket.bind(msg.port, msg.host, () => {
      socket.on("error", () => {});
      socket.on("message", (m) => {
        const bytes = new Uint8Array(m.byteLength);
        bytes.set(m);
        self.postMessage(bytes, [bytes.buffer]);
      });
      let granted = 0;
      try {
        socket.setRecvBufferSize(msg.recvBufferSize);
        granted = socket.getRecvBufferSize();
      } catch {}
      self.postMessage({ port: socket.address().port, recvBufferSize: granted });
    });
  } else if (msg.cmd === "close") {
    const done = () => self.postMessage({ closed: true });
    try { socket ? socket.close(done) : done(); } catch { done(); }
  }
};
`;

async function startWorkerReceiver(
  bind: BindRequest,
  onPacket: (bytes: Uint8Array) => void,
): Promise<Receiver> {
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  let onControl: (data: Record<string, unknown>) => void = () => {};
  worker.onmessage = (event: MessageEvent) => {
    const data = event.data;
    if (data instanceof Uint8Array) onPacket(data);
    else onControl(data as Record<string, unknown>);
  };
  try {
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      onControl = (
        data,
      ) => (data.error !== undefined ? reject(new Error(String(data.error))) : resolve(data));
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        reject(new Error(`MockJaegerAgent worker failed: ${event.message}`));
      };
      worker.postMessage({ cmd: "bind", ...bind });
    });
    const port = ready.port as number;
    return {
      port,
      // What the worker's socket reports is not what Deno applied: set and read it for real.
      recvBufferSize: enlargeRecvBuffer(port, bind.recvBufferSize) ?? 0,
      close: async () => {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1000);
          onControl = (data) => {
            if (data.closed) {
              clearTimeout(timer);
              resolve();
            }
          };
          worker.postMessage({ cmd: "close" });
        });
        worker.terminate();
        URL.revokeObjectURL(url);
      },
    };
  } catch (e) {
    worker.terminate();
    URL.revokeObjectURL(url);
    throw e;
  }
}
