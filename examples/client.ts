// `deno task client`: send one HTTP request with headers given as `--header KEY:VALUE`
// (repeatable) and, with `--gen-trace-id`, a generated Jaeger trace context, as IOx's command
// line does. Run `deno task client --help` for the options.
//
//   deno task client --gen-trace-id "http://127.0.0.1:8080/api/v2/query?q=SELECT%20*%20FROM%20cpu"

import { runClient } from "./_client.ts";
import { writeStdout } from "./_term.ts";

if (import.meta.main) {
  const code = await runClient(Deno.args, {
    write: writeStdout,
    error: (text) => {
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
    },
  });
  Deno.exit(code);
}
