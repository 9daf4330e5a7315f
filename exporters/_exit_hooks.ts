// The runtime adapter that keeps exporters from losing spans when the process ends (used by
// tracingFromEnv). One set of process hooks serves every registered exporter. What happens on
// each kind of exit:
//
// - The script returns / the event loop empties: Deno's `beforeunload` and Node's `beforeExit`
//   fire; when spans are queued, the hook drains every exporter (the drain holds the loop open
//   until it is sent), then the process ends as it would have. Nothing is lost.
// - SIGINT / SIGTERM: every exporter is drained for at most 2 s. If the application listens for
//   that signal itself (`process.on`, or `Deno.addSignalListener` called after the hooks were
//   installed), the hook does nothing more: the application decides when to end (and when the
//   loop empties, the `beforeunload`/`beforeExit` drain sends what came meanwhile). Otherwise the
//   hook removes itself and raises the signal again, so the process ends exactly as it would have
//   without us (exit status 128 + signal). A second signal during the flush re-raises at once.
// - `process.exit()` / `Deno.exit()` while spans are queued or in flight: no promise settles any
//   more. Node's `exit` and Deno's `unload` hand what is queued to the sink's synchronous send
//   where it has one (UDP on Node: the datagram is handed to the kernel at once); the spans that
//   still cannot go are counted as failed to send and said once on stderr.
// - SIGKILL, a crash of the runtime: nothing can run; queued spans are lost, unsaid.
//
// The hooks never keep a process alive: signal listeners are unref'd in both runtimes, and the
// drains only hold the loop while there is something to send.

/** What the hooks need of an exporter (AsyncExporter has it). */
export interface ExitFlushable {
  readonly pending: number;
  drain(): Promise<void>;
  flushSync(): { sent: number; lost: number };
}

/** The longest a signal-triggered flush may take, in ms. */
export const SIGNAL_FLUSH_MS = 2000;

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
type Signal = typeof SIGNALS[number];

interface NodeProcess {
  versions?: { node?: string };
  pid: number;
  on(event: string, fn: (...args: unknown[]) => void): unknown;
  removeListener(event: string, fn: (...args: unknown[]) => void): unknown;
  listenerCount(event: string): number;
  kill(pid: number, signal: string): unknown;
}

interface DenoLike {
  pid: number;
  addSignalListener(signal: string, fn: () => void): void;
  removeSignalListener(signal: string, fn: () => void): void;
  kill(pid: number, signal: string): void;
}

const registered = new Set<ExitFlushable>();
let installed: (() => void) | undefined = undefined;
let said = false;
/** Signal listeners the application added through Deno.addSignalListener (wrapped). */
const denoAppListeners: Record<string, number> = { SIGINT: 0, SIGTERM: 0 };

function anyPending(): boolean {
  for (const x of registered) if (x.pending > 0) return true;
  return false;
}

function drainAll(): Promise<void> {
  return Promise.all([...registered].map((x) => x.drain().catch(() => {}))).then(() => {});
}

function flushAllSync(): void {
  let lost = 0;
  for (const x of registered) {
    try {
      lost += x.flushSync().lost;
    } catch {
      // never throw at exit
    }
  }
  if (lost > 0 && !said) {
    said = true;
    try {
      console.error(
        `spanwire: the process exited with ${lost} span(s) not yet sent; they are lost (counted as failed to send)`,
      );
    } catch {
      // a closed stderr
    }
  }
}

/** Drains for at most `ms`; resolves either way. */
function boundedDrain(ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([drainAll(), timeout]).finally(() => clearTimeout(timer));
}

function installNode(proc: NodeProcess): () => void {
  const beforeExit = (): void => {
    if (anyPending()) void drainAll();
  };
  const exit = (): void => flushAllSync();
  let flushing = false;
  const onSignal = (...args: unknown[]): void => {
    const signal = String(args[0]) as Signal;
    const appHandles = proc.listenerCount(signal) > 1;
    if (appHandles) {
      void boundedDrain(SIGNAL_FLUSH_MS);
      return;
    }
    const reraise = (): void => {
      uninstall();
      proc.kill(proc.pid, signal);
    };
    if (flushing) return reraise(); // a second signal: go now
    flushing = true;
    void boundedDrain(SIGNAL_FLUSH_MS).then(reraise);
  };
  proc.on("beforeExit", beforeExit);
  proc.on("exit", exit);
  for (const s of SIGNALS) proc.on(s, onSignal);
  const uninstall = (): void => {
    proc.removeListener("beforeExit", beforeExit);
    proc.removeListener("exit", exit);
    for (const s of SIGNALS) proc.removeListener(s, onSignal);
    installed = undefined;
  };
  return uninstall;
}

function installDeno(deno: DenoLike, proc: NodeProcess | undefined): () => void {
  const target = globalThis as unknown as {
    addEventListener(type: string, fn: (e: Event) => void): void;
    removeEventListener(type: string, fn: (e: Event) => void): void;
  };
  const beforeUnload = (e: Event): void => {
    if (anyPending()) {
      e.preventDefault();
      void drainAll();
    }
  };
  const unload = (): void => flushAllSync();
  // See application signal listeners added from now on (Deno has no listener count).
  const add = deno.addSignalListener;
  const remove = deno.removeSignalListener;
  deno.addSignalListener = function (signal: string, fn: () => void): void {
    if (signal in denoAppListeners) denoAppListeners[signal]!++;
    return add.call(deno, signal, fn);
  };
  deno.removeSignalListener = function (signal: string, fn: () => void): void {
    if (signal in denoAppListeners && denoAppListeners[signal]! > 0) denoAppListeners[signal]!--;
    return remove.call(deno, signal, fn);
  };
  const handlers: [Signal, () => void][] = [];
  let flushing = false;
  for (const signal of SIGNALS) {
    const fn = (): void => {
      const appHandles = denoAppListeners[signal]! > 0 ||
        (proc !== undefined && proc.listenerCount(signal) > 0);
      if (appHandles) {
        void boundedDrain(SIGNAL_FLUSH_MS);
        return;
      }
      const reraise = (): void => {
        uninstall();
        deno.kill(deno.pid, signal);
      };
      if (flushing) return reraise();
      flushing = true;
      void boundedDrain(SIGNAL_FLUSH_MS).then(reraise);
    };
    try {
      add.call(deno, signal, fn);
      handlers.push([signal, fn]);
    } catch {
      // signals unsupported here (Windows: SIGTERM)
    }
  }
  target.addEventListener("beforeunload", beforeUnload);
  target.addEventListener("unload", unload);
  const uninstall = (): void => {
    target.removeEventListener("beforeunload", beforeUnload);
    target.removeEventListener("unload", unload);
    for (const [s, fn] of handlers) {
      try {
        remove.call(deno, s, fn);
      } catch {
        // already gone
      }
    }
    if (deno.addSignalListener !== add) deno.addSignalListener = add;
    if (deno.removeSignalListener !== remove) deno.removeSignalListener = remove;
    installed = undefined;
  };
  return uninstall;
}

/**
 * Registers `exporter` with the process exit hooks (installing them on first use). Returns the
 * function that unregisters it (the hooks go when no exporter is left). Where the runtime has
 * no process (browsers), it does nothing. Never throws.
 */
export function registerForExit(exporter: ExitFlushable): () => void {
  try {
    registered.add(exporter);
    if (installed === undefined) {
      const g = globalThis as { Deno?: DenoLike; process?: NodeProcess };
      if (g.Deno !== undefined && typeof g.Deno.addSignalListener === "function") {
        installed = installDeno(g.Deno, g.process);
      } else if (g.process !== undefined && typeof g.process.on === "function") {
        installed = installNode(g.process);
      }
    }
  } catch {
    // no hooks: the exporter still works, shutdown() still drains
  }
  return () => {
    registered.delete(exporter);
    if (registered.size === 0) {
      try {
        installed?.();
      } catch {
        // best effort
      }
    }
  };
}
