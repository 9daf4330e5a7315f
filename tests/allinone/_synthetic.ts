// Synthetic traces for the all-in-one's tests: an IOx-like query across services (with errors
// and per-partition spans), and a trace of N spans. Built as Jaeger Thrift batches, as the
// listeners receive them.

import { type JaegerBatch, type JaegerSpan, TagType } from "../../exporters/jaeger/mod.ts";

const str = (key: string, value: string) => ({ key, vType: TagType.STRING, vStr: value });
const long = (key: string, value: number) => ({ key, vType: TagType.LONG, vLong: BigInt(value) });
const bool = (key: string, value: boolean) => ({ key, vType: TagType.BOOL, vBool: value });

/** Makes a span of the trace: parent, name, start offset and duration (µs), tags, logs. */
export type SpanMaker = (
  parent: bigint,
  name: string,
  startUs: number,
  durUs: number,
  tags?: JaegerSpan["tags"],
  logs?: JaegerSpan["logs"],
) => JaegerSpan;

/** A span builder over one trace id. */
export function spanMaker(traceLow: bigint, t0: bigint): SpanMaker {
  let next = 1n;
  return (
    parent: bigint,
    name: string,
    startUs: number,
    durUs: number,
    tags: JaegerSpan["tags"] = [],
    logs: JaegerSpan["logs"] = undefined,
  ): JaegerSpan => {
    const spanId = traceLow * 100_000n + next++;
    const span: JaegerSpan = {
      traceIdHigh: 0x0af7651916cd43ddn,
      traceIdLow: traceLow,
      spanId,
      parentSpanId: parent,
      operationName: name,
      flags: 1,
      startTime: t0 + BigInt(startUs),
      duration: BigInt(durUs),
      tags,
    };
    if (logs !== undefined) span.logs = logs;
    return span;
  };
}

/** An IOx-like query: cli -> router -> querier -> per-partition scans (some failing). */
export function ioxQuery(
  traceLow: bigint,
  t0: bigint,
  partitions: number,
  failing = 1,
): JaegerBatch[] {
  const s = spanMaker(traceLow, t0);
  const cli = s(0n, "cli query", 0, 48_000, [
    str("sql", "SELECT * FROM cpu"),
    bool("error", failing > 0),
  ]);
  const http = s(cli.spanId as bigint, "HTTP GET", 300, 47_000, [
    long("http.status_code", failing ? 500 : 200),
  ]);
  const router = s(http.spanId as bigint, "GET /api/v2/query", 900, 45_500, [
    str("http.target", "/api/v2/query?q=SELECT"),
    long("http.status_code", failing ? 500 : 200),
    bool(failing ? "error" : "ok", true),
  ], [{
    timestamp: t0 + 1000n,
    fields: [str("event", "request processed"), long("body.size", 1234)],
  }]);
  const plan = s(router.spanId as bigint, "plan", 1200, 2_500, [bool("ok", true)]);
  const exec = s(router.spanId as bigint, "execute", 4000, 41_000, [bool("ok", true)]);
  const scans: JaegerSpan[] = [];
  for (let i = 0; i < partitions; i++) {
    const bad = i < failing;
    scans.push(
      s(
        exec.spanId as bigint,
        "scan partition",
        4200 + (i * 97) % 30_000,
        800 + (i * 131) % 9000,
        [
          long("partition", 1000 + i),
          str("table", "cpu"),
          long("db.rows", 100 + i),
          bad ? bool("error", true) : bool("ok", true),
          ...(bad
            ? [str("otel.status_description", `partition ${1000 + i}: object store timeout`)]
            : []),
        ],
        bad
          ? [{
            timestamp: t0 + 5000n,
            fields: [str("event", "object store timeout"), str("path", `p/${1000 + i}`)],
          }]
          : undefined,
      ),
    );
  }
  return [
    {
      process: { serviceName: "influx-cli", tags: [str("hostname", "laptop")] },
      spans: [http, cli],
    },
    {
      process: { serviceName: "iox-router", tags: [str("hostname", "router-0")] },
      spans: [router],
    },
    {
      process: { serviceName: "iox-querier", tags: [str("hostname", "querier-1")] },
      spans: [plan, ...scans, exec],
    },
  ];
}

/** A trace of `n` spans: a root, 50 children, the rest spread under them (two services). */
export function bigTrace(traceLow: bigint, t0: bigint, n: number): JaegerBatch[] {
  const s = spanMaker(traceLow, t0);
  const root = s(0n, "bulk ingest", 0, 2_000_000, [bool("ok", true)]);
  const mids: JaegerSpan[] = [];
  const leaves: JaegerSpan[] = [];
  for (let i = 0; i < Math.min(50, n - 1); i++) {
    mids.push(s(root.spanId as bigint, `write shard ${i}`, i * 38_000, 40_000, [long("shard", i)]));
  }
  for (let i = mids.length + 1; i < n; i++) {
    const parent = mids[i % mids.length]!;
    const start = Number((parent.startTime as bigint) - t0) + (i % 37) * 1000;
    leaves.push(s(parent.spanId as bigint, `persist partition`, start, 500 + (i % 13) * 100, [
      long("partition", i),
      ...(i % 997 === 0 ? [bool("error", true)] : [bool("ok", true)]),
    ]));
  }
  return [
    {
      process: { serviceName: "iox-ingester", tags: [str("hostname", "ingester-0")] },
      spans: [root, ...mids],
    },
    {
      process: { serviceName: "iox-compactor", tags: [str("hostname", "compactor-0")] },
      spans: leaves,
    },
  ];
}
