// Run by tracing_from_env_test.ts under `deno run --allow-env=TRACES_EXPORTER` (and nothing
// else): tracingFromEnv(Deno.env) must not crash or prompt; it prints what it configured and
// the warnings it gave, as JSON.

import { tracingFromEnv } from "../../exporters/tracing_from_env.ts";

const warnings: string[] = [];
const tracing = tracingFromEnv(Deno.env, { warn: (m) => warnings.push(m) })!;
await tracing.shutdown();
console.log(JSON.stringify({ port: tracing.config.agentPort, warnings }));
