// The benchmarks' receiver (bench/_pipeline_sink.mjs) as a process of its own, started from
// Deno: the pipeline bench sends its contenders' spans there, and scripts/http_bench.ts the
// spans of its traced server when it exports them.

/** Starts the receiver process; resolves its ports and a stop function. */
export async function startSink(): Promise<
  { ports: { udp: number; http: number }; stop: () => Promise<void> }
> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./_pipeline_sink.mjs", import.meta.url).pathname],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the sink process ended before listening");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const ports = JSON.parse(text.split("\n")[0]!);
  return {
    ports,
    stop: async () => {
      await child.stdin.close();
      await child.stdout.cancel();
      await child.status;
    },
  };
}
