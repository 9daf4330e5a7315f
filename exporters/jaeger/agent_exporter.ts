/**
 * {@linkcode JaegerAgentExporter}: sends packets to a Jaeger agent over UDP (`node:dgram`, which
 * Deno and Node both provide). The only module of the exporter that does network I/O.
 *
 * @module
 */

import dgram from "node:dgram";
import { RateLimitedWarning } from "../../trace/_warning.ts";

/**
 * Options of a {@linkcode JaegerAgentExporter}.
 *
 * @example
 * ```ts
 * import type { JaegerAgentExporterOptions } from "@spanwire/trace/exporters/jaeger/agent";
 *
 * const options: JaegerAgentExporterOptions = { host: "127.0.0.1", port: 6831 };
 * ```
 */
export interface JaegerAgentExporterOptions {
  /** The agent's host name or address (default `127.0.0.1`). */
  host?: string | undefined;
  /** The agent's UDP port (default 6831, Thrift compact). */
  port?: number | undefined;
  /** The socket send buffer to ask for, in bytes (default 2 MiB, as IOx; best effort). */
  sendBufferSize?: number | undefined;
  /** Where the rate-limited warning about failures goes (default `console.warn`). */
  warn?: ((message: string) => void) | undefined;
  /** How long after a failed connect (bad host) no new attempt is made, in ms (default 1000). */
  retryAfterMs?: number | undefined;
}

/**
 * The counters of a {@linkcode JaegerAgentExporter}.
 *
 * @example
 * ```ts
 * import type { JaegerAgentExporterStats } from "@spanwire/trace/exporters/jaeger/agent";
 *
 * const s: JaegerAgentExporterStats = { packetsSent: 1, packetsFailed: 0, bytesSent: 512, refused: 0 };
 * ```
 */
export interface JaegerAgentExporterStats {
  /** Packets handed to the network. */
  packetsSent: number;
  /** Packets that could not be sent (including those the agent refused afterwards). */
  packetsFailed: number;
  /** Bytes of the packets sent. */
  bytesSent: number;
  /** Port-unreachable reports (no agent listening), where the runtime reports them. */
  refused: number;
}

type Socket = ReturnType<typeof dgram.createSocket>;

function errorCode(e: unknown): string {
  if (e !== null && typeof e === "object") {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string") return message;
  }
  return String(e);
}

function errorMessage(e: unknown): string {
  const code = errorCode(e);
  const message = e instanceof Error ? e.message : code;
  return message.includes(code) ? message : `${code}: ${message}`;
}

/**
 * Sends `emitBatch` packets to a Jaeger agent over UDP: a `PacketSink` for `AsyncExporter`.
 *
 * - `send()` never throws or rejects: it resolves `true` when the packet went out and `false`
 *   when it failed (a name that does not resolve, EMSGSIZE, a closed exporter...). Failures are
 *   counted and reported by one rate-limited warning.
 * - The socket is connected to the agent, so that where the runtime reports it (Node does) an
 *   agent that is not listening shows up as ECONNREFUSED; the exporter then counts it and tells
 *   its owner the last packet was lost (`onLateFailure`). Deno (2.9) does not report it: UDP
 *   gives no delivery guarantee either way.
 * - Sending resumes by itself when the agent is back; a socket that broke is replaced.
 * - The socket is unref'd: it never keeps a process alive. `close()` releases it.
 *
 * @example Send a packet to a mock agent
 * ```ts
 * import { BatchEncoder } from "@spanwire/trace/exporters/jaeger";
 * import { JaegerAgentExporter } from "@spanwire/trace/exporters/jaeger/agent";
 * import { MockJaegerAgent } from "@spanwire/trace/exporters/jaeger/testing";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const agent = await MockJaegerAgent.start();
 * const exporter = new JaegerAgentExporter({ port: agent.port });
 * const [packet] = new BatchEncoder({ serviceName: "svc" }).encode([Span.root("hello")]);
 * assert.equal(await exporter.send(packet!), true);
 * const [span] = await agent.waitForSpans(1);
 * assert.equal(span?.operationName, "hello");
 * await exporter.close();
 * await agent.close();
 * ```
 */
export class JaegerAgentExporter {
  /** The agent's host. */
  readonly host: string;
  /** The agent's port. */
  readonly port: number;

  readonly #sendBufferSize: number;
  readonly #retryAfterMs: number;
  readonly #warning: RateLimitedWarning;
  #socket: Socket | undefined = undefined;
  #connecting: Promise<Socket | undefined> | undefined = undefined;
  #retryAt = 0;
  /** Why the last connect failed (a name that does not resolve...), for the failure reason. */
  #connectError: string | undefined = undefined;
  #closed = false;
  #listeners: (() => void)[] = [];
  #stats: JaegerAgentExporterStats = { packetsSent: 0, packetsFailed: 0, bytesSent: 0, refused: 0 };

  /**
   * Makes an exporter; the socket opens on the first send.
   *
   * @param options Host, port, send buffer and warning sink.
   * @throws {RangeError} If the port is not an integer from 1 to 65535.
   */
  constructor(options: JaegerAgentExporterOptions = {}) {
    const port = options.port ?? 6831;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(`Cannot make JaegerAgentExporter: port ${port} is not from 1 to 65535`);
    }
    this.host = options.host ?? "127.0.0.1";
    this.port = port;
    this.#sendBufferSize = options.sendBufferSize ?? 2 * 1024 * 1024;
    this.#retryAfterMs = options.retryAfterMs ?? 1000;
    const warn = options.warn ?? ((m: string) => console.warn(m));
    this.#warning = new RateLimitedWarning(warn);
  }

  /**
   * Sends one packet (one datagram).
   *
   * @param packet The payload.
   * @returns `true` when sent, `false` when it failed; never rejects.
   */
  async send(packet: Uint8Array): Promise<boolean> {
    if (this.#closed) return this.#failed("the exporter is closed");
    let socket: Socket | undefined;
    try {
      socket = this.#socket ?? await this.#connect();
    } catch (e) {
      return this.#failed(errorCode(e));
    }
    if (socket === undefined) {
      return this.#failed(this.#connectError ?? "cannot reach the agent's address");
    }
    return await new Promise<boolean>((resolve) => {
      try {
        socket.send(packet, (error: Error | null) => {
          if (error) {
            resolve(this.#failed(errorCode(error)));
          } else {
            this.#stats.packetsSent++;
            this.#stats.bytesSent += packet.length;
            resolve(true);
          }
        });
      } catch (e) {
        this.#drop(socket);
        resolve(this.#failed(errorCode(e)));
      }
    });
  }

  /**
   * Whether a `send` hands the datagram to the kernel before it returns: true on Node (libuv
   * tries the send at once), false under Deno (its sends complete asynchronously).
   *
   * @returns The flag.
   */
  get sendsSynchronously(): boolean {
    return (globalThis as { Deno?: unknown }).Deno === undefined;
  }

  /**
   * True: once a `send` has settled, the datagram has left (or failed) and the socket keeps no
   * reference to its bytes, so the pipeline may reuse them for its next packet.
   */
  readonly releasesPackets: boolean = true;

  /**
   * Sends a packet synchronously, for the last moment of a process (`process.exit()`): on Node,
   * once the socket is connected, the datagram is handed to the kernel before this returns
   * (libuv tries the send at once). Elsewhere (Deno's sends complete asynchronously), or before
   * the first `send` connected the socket, it sends nothing and returns false.
   *
   * @param packet The payload.
   * @returns Whether it was handed to the kernel.
   *
   * @example
   * ```ts
   * import { JaegerAgentExporter } from "@spanwire/trace/exporters/jaeger/agent";
   * import assert from "node:assert/strict";
   *
   * const agent = new JaegerAgentExporter({ port: 6831 });
   * assert.equal(agent.sendSync(new Uint8Array(1)), false); // not connected yet
   * await agent.close();
   * ```
   */
  sendSync(packet: Uint8Array): boolean {
    if (!this.sendsSynchronously) return false;
    const socket = this.#socket;
    if (this.#closed || socket === undefined) return false;
    try {
      socket.send(packet);
      this.#stats.packetsSent++;
      this.#stats.bytesSent += packet.length;
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Registers a listener called when the agent refused a packet after `send()` had resolved
   * (ECONNREFUSED from a port-unreachable report).
   *
   * @param listener The listener.
   */
  onLateFailure(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /**
   * The counters so far.
   *
   * @returns A snapshot.
   */
  stats(): JaegerAgentExporterStats {
    return { ...this.#stats };
  }

  /**
   * Closes the socket; later sends fail (counted).
   *
   * @returns A promise that resolves when closed.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const pending = this.#connecting;
    if (pending !== undefined) await pending.catch(() => undefined);
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) {
      await new Promise<void>((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve();
        }
      });
    }
  }

  // --- internals -------------------------------------------------------------------------

  #failed(reason: string): false {
    this.#stats.packetsFailed++;
    this.#warning.warn(
      `spanwire: cannot send spans to the Jaeger agent at ${this.host}:${this.port} (${reason}); the spans are dropped and counted`,
    );
    return false;
  }

  #drop(socket: Socket): void {
    if (this.#socket === socket) this.#socket = undefined;
    try {
      socket.close();
    } catch {
      // already closed
    }
  }

  #connect(): Promise<Socket | undefined> {
    if (Date.now() < this.#retryAt) return Promise.resolve(undefined);
    return this.#connecting ??= new Promise<Socket | undefined>((resolve) => {
      const type = this.host.includes(":") ? "udp6" : "udp4";
      const socket = dgram.createSocket(type);
      let connected = false;
      // A failed connect (typically a host name that does not resolve: getaddrinfo ENOTFOUND)
      // comes to connect's callback or as an "error" event, depending on the runtime.
      const connectFailed = (error: unknown): void => {
        this.#connectError = `cannot resolve or connect to host ${JSON.stringify(this.host)}: ${
          errorMessage(error)
        }`;
        this.#retryAt = Date.now() + this.#retryAfterMs;
        this.#drop(socket);
        resolve(undefined);
      };
      socket.on("error", (error: Error) => this.#onError(socket, error, connected));
      try {
        socket.unref();
      } catch {
        // a socket that cannot be unref'd still works
      }
      try {
        socket.connect(this.port, this.host, (error?: Error | null) => {
          if (error) {
            connectFailed(error);
            return;
          }
          connected = true;
          this.#connectError = undefined;
          try {
            socket.setSendBufferSize(this.#sendBufferSize);
          } catch {
            // best effort, as IOx
          }
          if (this.#closed) {
            this.#drop(socket);
            resolve(undefined);
            return;
          }
          this.#socket = socket;
          resolve(socket);
        });
      } catch (e) {
        this.#drop(socket);
        this.#retryAt = Date.now() + this.#retryAfterMs;
        this.#warning.warn(
          `spanwire: cannot open a UDP socket to the Jaeger agent at ${this.host}:${this.port} (${
            errorCode(e)
          })`,
        );
        resolve(undefined);
      }
      socket.once("error", (error: Error) => {
        if (!connected) connectFailed(error);
      });
    }).finally(() => {
      this.#connecting = undefined;
    });
  }

  #onError(socket: Socket, error: Error, connected: boolean): void {
    const code = errorCode(error);
    if (code === "ECONNREFUSED") {
      // The agent refused an earlier datagram: nobody listens (yet). The socket stays usable.
      this.#stats.refused++;
      this.#stats.packetsFailed++;
      this.#warning.warn(
        `spanwire: the Jaeger agent at ${this.host}:${this.port} is not listening (ECONNREFUSED); spans are dropped and counted until it is back`,
      );
      for (const listener of this.#listeners) {
        try {
          listener();
        } catch {
          // a listener must not break sending
        }
      }
      return;
    }
    if (connected) {
      this.#warning.warn(
        `spanwire: the UDP socket to the Jaeger agent at ${this.host}:${this.port} failed (${code}); it will be reopened`,
      );
      this.#drop(socket);
    }
  }
}
