// Deno (2.9) accepts `setRecvBufferSize` on a node:dgram socket but leaves the socket's real
// receive buffer at the kernel default (`ss -uam` shows rb212992: about three 65000-byte
// datagrams), so a mock agent drops a burst of full packets. On Linux, where the runtime allows
// FFI, this finds the socket's file descriptor by its port (/proc/net/udp, /proc/self/fd) and
// sets SO_RCVBUFFORCE (privileged) or SO_RCVBUF (capped at net.core.rmem_max) through libc.
// Best effort: any failure leaves the socket as it was.

interface DenoFfi {
  build?: { os?: string };
  readTextFileSync(path: string): string;
  readDirSync(path: string): Iterable<{ name: string }>;
  readLinkSync(path: string): string;
  dlopen(
    path: string,
    symbols: Record<string, { parameters: string[]; result: string }>,
  ): {
    symbols: Record<string, (...args: unknown[]) => number>;
    close(): void;
  };
}

const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
const SO_RCVBUFFORCE = 33;

function socketInode(port: number): string | undefined {
  const deno = (globalThis as { Deno?: DenoFfi }).Deno!;
  const suffix = ":" + port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/udp", "/proc/net/udp6"]) {
    let text: string;
    try {
      text = deno.readTextFileSync(table);
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[1]!.endsWith(suffix)) return cols[9];
    }
  }
  return undefined;
}

function socketFd(inode: string): number | undefined {
  const deno = (globalThis as { Deno?: DenoFfi }).Deno!;
  const target = `socket:[${inode}]`;
  for (const entry of deno.readDirSync("/proc/self/fd")) {
    try {
      if (deno.readLinkSync(`/proc/self/fd/${entry.name}`) === target) return Number(entry.name);
    } catch {
      // a descriptor that closed meanwhile
    }
  }
  return undefined;
}

/**
 * Enlarges the receive buffer of this process's UDP socket bound to `port`; returns the size
 * the kernel reports afterwards (getsockopt SO_RCVBUF), or undefined when it cannot.
 */
export function enlargeRecvBuffer(port: number, size: number): number | undefined {
  const deno = (globalThis as { Deno?: DenoFfi }).Deno;
  if (deno === undefined || deno.build?.os !== "linux" || typeof deno.dlopen !== "function") {
    return undefined;
  }
  let lib: ReturnType<DenoFfi["dlopen"]> | undefined;
  try {
    const inode = socketInode(port);
    if (inode === undefined) return undefined;
    const fd = socketFd(inode);
    if (fd === undefined) return undefined;
    lib = deno.dlopen("libc.so.6", {
      setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
      getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
    });
    const value = new Int32Array([size]);
    const bytes = new Uint8Array(value.buffer);
    if (lib.symbols.setsockopt!(fd, SOL_SOCKET, SO_RCVBUFFORCE, bytes, 4) !== 0) {
      lib.symbols.setsockopt!(fd, SOL_SOCKET, SO_RCVBUF, bytes, 4);
    }
    const out = new Int32Array(1);
    const len = new Uint32Array([4]);
    const ok = lib.symbols.getsockopt!(
      fd,
      SOL_SOCKET,
      SO_RCVBUF,
      new Uint8Array(out.buffer),
      new Uint8Array(len.buffer),
    );
    return ok === 0 ? out[0] : undefined;
  } catch {
    return undefined;
  } finally {
    try {
      lib?.close();
    } catch {
      // nothing to release
    }
  }
}
