// The demo's example service: a tiny stand-in for IOx's query path, instrumented the IOx way
// (a SpanRecorder per step, children from the request's span context, no-op when the request
// is not traced). Its handler is a plain fetch handler: `Deno.serve`, `Bun.serve` and Hono take
// it, and `traceLayer` wraps it.

import { type SpanContext, SpanRecorder } from "../trace/mod.ts";

/** Options of {@linkcode createQueryService}. */
export interface QueryServiceOptions {
  /** Record a span per partition scanned (IOx's `INFLUXDB_IOX_PER_PARTITION_TRACING`). */
  perPartitionTracing: boolean;
  /** Gives the traced context of a request (the server span's), if any. */
  spanContextOf: (request: Request) => SpanContext | undefined;
}

const TABLES: Record<string, { partitions: number; rowsPerPartition: number }> = {
  cpu: { partitions: 4, rowsPerPartition: 2_500 },
  mem: { partitions: 2, rowsPerPartition: 1_200 },
  disk: { partitions: 3, rowsPerPartition: 800 },
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The table a query reads: the word after FROM. */
function tableOf(sql: string): string | undefined {
  return /\bfrom\s+([A-Za-z_][A-Za-z0-9_]*)/i.exec(sql)?.[1];
}

/**
 * Makes the service's fetch handler. Routes:
 * - `GET /api/v2/query?org=..&bucket=..&q=SQL`: plans and executes the query (children
 *   `plan`, `execute`, and `scan partition N` per partition when enabled); an unknown table
 *   fails in execution with a 500.
 * - `POST /api/v2/write`: accepts line protocol (204).
 * - anything else: 404.
 */
export function createQueryService(
  options: QueryServiceOptions,
): (request: Request) => Promise<Response> {
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const ctx = options.spanContextOf(request);

    if (url.pathname === "/api/v2/write" && request.method === "POST") {
      using write = new SpanRecorder(ctx?.child("write"));
      const body = await request.text();
      const lines = body.split("\n").filter((line) => line.trim() !== "").length;
      write.setMetadata("lines", lines).ok();
      await sleep(1);
      return new Response(null, { status: 204 });
    }

    if (url.pathname !== "/api/v2/query" || request.method !== "GET") {
      return new Response("not found\n", { status: 404 });
    }

    const sql = url.searchParams.get("q") ?? "";
    const table = tableOf(sql);
    const info = table === undefined ? undefined : TABLES[table];

    let partitions = 0;
    {
      using plan = new SpanRecorder(ctx?.child("plan"));
      plan.setMetadata("sql", sql);
      await sleep(2);
      if (info !== undefined) {
        partitions = info.partitions;
        plan.event("partitions pruned", { kept: partitions, pruned: 12 - partitions });
      }
      plan.ok();
    }

    using execute = new SpanRecorder(ctx?.child("execute"));
    if (info === undefined) {
      await sleep(1);
      execute.error(`table not found: ${table ?? "(none)"}`);
      return Response.json({ error: `table not found: ${table ?? "(none)"}` }, { status: 500 });
    }
    let rows = 0;
    for (let p = 0; p < partitions; p++) {
      using scan = new SpanRecorder(
        options.perPartitionTracing ? execute.childSpan(`scan partition ${p}`) : undefined,
      );
      await sleep(1 + (p % 2));
      rows += info.rowsPerPartition;
      scan.setMetadata("partition", p).setMetadata("db.rows", info.rowsPerPartition).ok();
    }
    execute.setMetadata("db.rows", rows).event("results ready", { rows }).ok();
    const body = JSON.stringify({ table, rows, partitions });
    return new Response(body, { headers: { "content-type": "application/json" } });
  };
}
