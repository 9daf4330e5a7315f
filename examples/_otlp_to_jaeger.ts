// Spans received over OTLP, in the Jaeger model the demo's waterfall draws (IOx's conventions:
// status as an `ok`/`error` tag, events as logs whose first field is `event`). Demo code.

import { type JaegerSpan, type JaegerTag, TagType } from "../exporters/jaeger/mod.ts";
import type { OtlpAttributes, OtlpSpan, OtlpValue } from "../exporters/otlp/mod.ts";

function i64(hex: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${hex}`));
}

function tag(key: string, value: OtlpValue): JaegerTag {
  switch (typeof value) {
    case "string":
      return { key, vType: TagType.STRING, vStr: value };
    case "boolean":
      return { key, vType: TagType.BOOL, vBool: value };
    case "bigint":
      return { key, vType: TagType.LONG, vLong: value };
    case "number":
      return { key, vType: TagType.DOUBLE, vDouble: value };
    default:
      return { key, vType: TagType.STRING, vStr: String(value) };
  }
}

function tags(attributes: OtlpAttributes): JaegerTag[] {
  return Object.entries(attributes).map(([k, v]) => tag(k, v));
}

/** One OTLP span as a Jaeger span (times in µs). */
export function otlpToJaeger(span: OtlpSpan): JaegerSpan {
  const out = tags(span.attributes);
  if (span.status.code === 1) out.push(tag("ok", true));
  if (span.status.code === 2) out.push(tag("error", true));
  const start = span.startTimeUnixNano / 1000n;
  return {
    traceIdHigh: i64(span.traceId.slice(0, 16)),
    traceIdLow: i64(span.traceId.slice(16)),
    spanId: i64(span.spanId),
    parentSpanId: span.parentSpanId === undefined ? 0n : i64(span.parentSpanId),
    operationName: span.name,
    references: span.links.map((l) => ({
      refType: 1,
      traceIdHigh: i64(l.traceId.slice(0, 16)),
      traceIdLow: i64(l.traceId.slice(16)),
      spanId: i64(l.spanId),
    })),
    flags: 1,
    startTime: start,
    duration: span.endTimeUnixNano / 1000n - start,
    tags: out,
    logs: span.events.map((e) => ({
      timestamp: e.timeUnixNano / 1000n,
      fields: [tag("event", e.name), ...tags(e.attributes)],
    })),
  };
}
