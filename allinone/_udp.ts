// The UDP listener adapter: a node:dgram socket (Deno and Node both have it) that hands every
// datagram to a callback. It asks for a large receive buffer so that a burst of full packets is
// not lost (the kernel caps it at net.core.rmem_max; Deno 2.9 accepts the call but may keep its
// default buffer: see exporters/jaeger/_deno_recv_buffer.ts).

import dgram from "node:dgram";

/** A bound UDP socket. */
export interface UdpListener {
  /** The port it is bound to. */
  readonly port: number;
  /** Closes the socket. */
  close(): Promise<void>;
}

/** Binds `host:port` (0: a free port) and calls `onPacket` with a copy of each datagram. */
export async function listenUdp(
  host: string,
  port: number,
  onPacket: (bytes: Uint8Array) => void,
): Promise<UdpListener> {
  const socket = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  socket.on("error", () => {
    // ICMP noise on a UDP socket must not take the process down
  });
  socket.on("message", (m: Uint8Array) => {
    onPacket(new Uint8Array(m.buffer, m.byteOffset, m.byteLength).slice());
  });
  try {
    socket.setRecvBufferSize(8 * 1024 * 1024);
  } catch {
    // the kernel refused: the default buffer it is
  }
  return {
    port: socket.address().port,
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
