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
  setup(ports: Ports): Promise<Running>;
}
export interface Row {
  name: string;
  cpu: number[];
  median: number;
  heapPerSpan: number | undefined;
}
export function ourJaeger(lib: any, backend: string, label?: string): Contender;
export function ourOtelApi(lib: any, otel: any, backend: string): Contender;
export function ourOtlp(lib: any, label?: string): Contender;
export function otelOtlpProto(otel: any): Contender;
export function otelJaeger(otel: any): Contender;
export function runPipeline(
  contenders: Contender[],
  ports: Ports,
  env: {
    cpuUsage(): { user: number; system: number };
    memoryUsage(): { heapUsed: number; external: number; arrayBuffers?: number };
    gc?: () => void;
    log(m: string): void;
  },
  options?: { spans?: number; rounds?: number; heapSpans?: number },
): Promise<Row[]>;
export function formatRows(rows: Row[], title: string): string;
