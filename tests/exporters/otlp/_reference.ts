// Independent references for the OTLP tests: protobufjs loading the official opentelemetry-proto
// .proto files (as shipped in @opentelemetry/otlp-grpc-exporter-base@0.38.0's build/protos), and
// OpenTelemetry JS's own serializer (@opentelemetry/otlp-transformer).

import protobuf from "protobufjs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import type { Span } from "../../../trace/span.ts";
import { Float } from "../../../trace/span.ts";

await import("@opentelemetry/otlp-grpc-exporter-base/package.json", { with: { type: "json" } });
const PACKAGE_JSON = fileURLToPath(
  import.meta.resolve("@opentelemetry/otlp-grpc-exporter-base/package.json"),
);
export const PROTOS_DIR: string = join(dirname(PACKAGE_JSON), "build", "protos");

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string) => join(PROTOS_DIR, target);
  root.loadSync("opentelemetry/proto/collector/trace/v1/trace_service.proto");
  root.resolveAll();
  return root;
}

export const root: protobuf.Root = loadRoot();
export const RequestType: protobuf.Type = root.lookupType(
  "opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest",
);

const HEX = "0123456789abcdef";
function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += HEX[b >> 4]! + HEX[b & 15]!;
  return s;
}

// deno-lint-ignore no-explicit-any
type Obj = any;

/** Decodes a request with the official protos into a plain object: ids hex, longs strings. */
export function officialDecode(bytes: Uint8Array): Obj {
  const message = RequestType.decode(bytes);
  const obj = RequestType.toObject(message, {
    longs: String,
    enums: Number,
    bytes: Array,
    defaults: true,
    arrays: true,
    objects: true,
  });
  return normalizeIds(obj);
}

function normalizeIds(value: Obj): Obj {
  if (Array.isArray(value)) {
    if (value.every((x) => typeof x === "number") && value.length > 0) return value;
    return value.map(normalizeIds);
  }
  if (value !== null && typeof value === "object") {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      if (/^(traceId|spanId|parentSpanId)$/.test(k) && Array.isArray(v)) {
        out[k] = hex(Uint8Array.from(v as number[]));
      } else out[k] = normalizeIds(v);
    }
    return out;
  }
  return value;
}

/** The OTLP attribute a reference serializer would write for a metadata value. */
export function otelAttributeValue(value: unknown): unknown {
  if (value instanceof Float) return value.value;
  return value;
}

const resources = new WeakMap<Record<string, unknown>, Obj>();

/** One resource object per attribute record (OpenTelemetry JS groups spans by resource). */
function resourceOf(attributes: Record<string, unknown>): Obj {
  let resource = resources.get(attributes);
  if (resource === undefined) {
    resource = {
      attributes,
      asyncAttributesPending: false,
      merge: () => null,
      getRawAttributes: () => Object.entries(attributes),
    };
    resources.set(attributes, resource);
  }
  return resource;
}

/** Our span as OpenTelemetry JS's ReadableSpan (what its otlp-transformer serializes). */
export function toReadableSpan(
  span: Span,
  resourceAttributes: Record<string, unknown>,
  scope: { name: string; version: string },
): Obj {
  const hr = (micros: number): [number, number] => {
    const whole = Math.floor(micros);
    const secs = Math.floor(whole / 1e6);
    const nanos = (whole - secs * 1e6) * 1000 + Math.round((micros - whole) * 1000);
    return [secs, nanos];
  };
  const attrs = (m: ReadonlyMap<string, unknown>, skip?: string) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of m) if (k !== skip) out[k] = otelAttributeValue(v);
    return out;
  };
  const kinds: Record<string, number> = {
    internal: 0,
    server: 1,
    client: 2,
    producer: 3,
    consumer: 4,
  };
  const ctx = span.ctx;
  return {
    name: span.name,
    kind: kinds[span.kind],
    spanContext: () => ({
      traceId: ctx.traceId.toString(),
      spanId: ctx.spanId.toString(),
      traceFlags: 1,
    }),
    parentSpanContext: ctx.parentSpanId === undefined
      ? undefined
      : { traceId: ctx.traceId.toString(), spanId: ctx.parentSpanId.toString(), traceFlags: 1 },
    parentSpanId: ctx.parentSpanId?.toString(),
    startTime: hr(span.start ?? 0),
    endTime: hr(span.end ?? span.start ?? 0),
    duration: [0, 0],
    status: {
      code: span.status === "ok" ? 1 : span.status === "error" ? 2 : 0,
      message: span.status === "error" ? span.statusMessage : undefined,
    },
    attributes: attrs(span.metadata, "span.kind"),
    links: ctx.links.map((l) => ({
      context: { traceId: l.traceId.toString(), spanId: l.spanId.toString(), traceFlags: 1 },
      attributes: {},
    })),
    events: span.events.map((e) => ({
      name: e.message,
      time: hr(e.time),
      attributes: attrs(e.metadata),
    })),
    ended: true,
    resource: resourceOf(resourceAttributes),
    instrumentationScope: scope,
    instrumentationLibrary: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
