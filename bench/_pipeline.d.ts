// Types of bench/_pipeline.mjs for the Deno runner.
// deno-lint-ignore-file no-explicit-any explicit-module-boundary-types

export interface Ports {
  udp: number;
  http: number;
}
export interface Running {
  record(n: number): void;
  drain(): Promise<unknown>;
  close(): Promise<unknown>;
  check?(): string | undefined;
}
export interface Contender {
  name: string;
  /** Environment variables of its process (by default it inherits the runner's). */
  env?: (ports: Ports) => Record<string, string>;
  /** Its queued spans live outside V8's heap (no heap figure). */
  heapOutsideV8?: boolean;
  setup(ports: Ports): Promise<Running>;
}
export interface Row {
  name: string;
  cpu: number[];
  median: number;
  heapPerSpan: number | undefined;
  warmMicros: number;
  /** Per process: the mean CPU µs a span of its warm-up rounds. */
  firstRounds: number[];
}
/** tracingFromEnv's environment and options: Jaeger over UDP to the receiver, with `backend`. */
export function jaegerConfig(
  ports: Ports,
  backend: string,
): { env: Record<string, string>; options: Record<string, unknown> };
/** tracingFromEnv's environment and options: OTLP/protobuf over HTTP to the receiver. */
export function otlpConfig(
  ports: Ports,
): { env: Record<string, string>; options: Record<string, unknown> };
export function ourJaeger(lib: any, backend: string, label?: string): Contender;
export function ourOtelApi(lib: any, otel: any, backend: string): Contender;
export function ourOtlp(lib: any, label?: string): Contender;
export function otelOtlpProto(otel: any): Contender;
export function otelJaeger(otel: any): Contender;
export function ourOtelApiOtlp(lib: any, otel: any): Contender;
export function denoOtel(otel: any): Contender;
export function allContenders(lib: any, otel: any, apiBackend: string): Contender[];
export function serveContender(contender: Contender, ports: Ports): Promise<void>;
export function runPipeline(
  contenders: { index: number; name: string }[],
  spawnChild: (index: number) => any,
  options?: {
    spans?: number;
    rounds?: number;
    blocks?: number;
    warmRounds?: number;
    heapSpans?: number;
    log?: (m: string) => void;
  },
): Promise<Row[]>;
export function formatRows(rows: Row[], title: string): string;
/** The standard span through spanwire's `SpanRecorder`: `(collector) => record(n)`. */
export function viaSpanRecorder(lib: any): (collector: any) => (n: number) => void;
/** The standard span through an OpenTelemetry tracer under a remote parent: `record(n)`. */
export function otelRecorder(api: any, tracer: any): (n: number) => void;
/** The median of `xs`. */
export function median(xs: number[]): number;
