// Runtime-neutral timers that never keep a process alive: Node's `timer.unref()`, Deno's
// `Deno.unrefTimer(id)`, nothing where neither exists (browsers never wait for timers).

type TimerHandle = ReturnType<typeof setTimeout>;

interface DenoTimers {
  unrefTimer?: (id: number) => void;
}

/** Makes a timer not keep the process alive; never throws. */
export function unrefTimer(handle: TimerHandle): void {
  try {
    const h = handle as unknown as { unref?: () => void };
    if (typeof h === "object" && h !== null && typeof h.unref === "function") {
      h.unref();
      return;
    }
    const deno = (globalThis as { Deno?: DenoTimers }).Deno;
    if (typeof handle === "number" && typeof deno?.unrefTimer === "function") {
      deno.unrefTimer(handle);
    }
  } catch {
    // an unref that fails only means the timer may keep the process alive
  }
}

/** `setTimeout`, unref'd. */
export function setUnrefTimeout(fn: () => void, ms: number): TimerHandle {
  const handle = setTimeout(fn, ms);
  unrefTimer(handle);
  return handle;
}
