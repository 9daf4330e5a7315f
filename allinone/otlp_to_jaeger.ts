/**
 * OTLP traces (as the strict decoders of `exporters/otlp` give them) as Jaeger Thrift batches,
 * one a resource, mapped as Jaeger's own OTLP receiver does: `service.name` becomes the process's
 * service (`unknown_service` without it) and the other resource attributes its tags; the parent
 * a `parentSpanId`, links `FOLLOWS_FROM` references; times in microseconds; attributes typed
 * tags (arrays and maps as JSON text); the kind a `span.kind` tag; the status `otel.status_code`
 * (`OK`/`ERROR`), `error=true` on error and `otel.status_description`; the scope
 * `otel.scope.name` and `otel.scope.version`; each event a log with `event=<name>` first.
 *
 * @module
 */

import {
  type JaegerBatch,
  type JaegerSpan,
  type JaegerTag,
  TagType,
} from "../exporters/jaeger/mod.ts";
import {
  decodeOtlpJson,
  decodeOtlpProtobuf,
  type OtlpAttributes,
  type OtlpSpan,
  type OtlpTraces,
  type OtlpValue,
} from "../exporters/otlp/mod.ts";
import type { OtlpTracesDecoder } from "./otlp_receiver.ts";

const KINDS = ["", "internal", "server", "client", "producer", "consumer"];

function hexI64(hex: string, from: number): bigint {
  return BigInt.asIntN(64, BigInt(`0x${hex.slice(from, from + 16) || "0"}`));
}

function jsonText(value: OtlpValue): string {
  return JSON.stringify(
    value,
    (_, v) => typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? [...v] : v,
  );
}

function tag(key: string, value: OtlpValue): JaegerTag {
  if (typeof value === "string") return { key, vType: TagType.STRING, vStr: value };
  if (typeof value === "boolean") return { key, vType: TagType.BOOL, vBool: value };
  if (typeof value === "bigint") return { key, vType: TagType.LONG, vLong: value };
  if (typeof value === "number") return { key, vType: TagType.DOUBLE, vDouble: value };
  if (value instanceof Uint8Array) return { key, vType: TagType.BINARY, vBinary: value };
  return { key, vType: TagType.STRING, vStr: value === null ? "" : jsonText(value) };
}

function tags(attributes: OtlpAttributes, skip?: string): JaegerTag[] {
  const out: JaegerTag[] = [];
  for (const key of Object.keys(attributes)) {
    if (key !== skip) out.push(tag(key, attributes[key]!));
  }
  return out;
}

function spanToJaeger(span: OtlpSpan): JaegerSpan {
  const start = span.startTimeUnixNano / 1000n;
  const end = span.endTimeUnixNano / 1000n;
  const spanTags = tags(span.attributes);
  const kind = KINDS[span.kind];
  if (kind) spanTags.push({ key: "span.kind", vType: TagType.STRING, vStr: kind });
  if (span.status.code === 1 || span.status.code === 2) {
    const error = span.status.code === 2;
    spanTags.push({ key: "otel.status_code", vType: TagType.STRING, vStr: error ? "ERROR" : "OK" });
    if (error) spanTags.push({ key: "error", vType: TagType.BOOL, vBool: true });
  }
  if (span.status.message !== "") {
    spanTags.push({
      key: "otel.status_description",
      vType: TagType.STRING,
      vStr: span.status.message,
    });
  }
  if (span.scope.name !== "") {
    spanTags.push({ key: "otel.scope.name", vType: TagType.STRING, vStr: span.scope.name });
  }
  if (span.scope.version !== "") {
    spanTags.push({ key: "otel.scope.version", vType: TagType.STRING, vStr: span.scope.version });
  }
  const out: JaegerSpan = {
    traceIdHigh: hexI64(span.traceId, 0),
    traceIdLow: hexI64(span.traceId, 16),
    spanId: hexI64(span.spanId, 0),
    parentSpanId: span.parentSpanId === undefined ? 0n : hexI64(span.parentSpanId, 0),
    operationName: span.name,
    flags: 1,
    startTime: start,
    duration: end > start ? end - start : 0n,
    tags: spanTags,
  };
  if (span.links.length > 0) {
    out.references = span.links.map((link) => ({
      refType: 1,
      traceIdHigh: hexI64(link.traceId, 0),
      traceIdLow: hexI64(link.traceId, 16),
      spanId: hexI64(link.spanId, 0),
    }));
  }
  if (span.events.length > 0) {
    out.logs = span.events.map((event) => ({
      timestamp: event.timeUnixNano / 1000n,
      fields: [
        { key: "event", vType: TagType.STRING, vStr: event.name },
        ...tags(event.attributes),
      ],
    }));
  }
  return out;
}

/**
 * Maps decoded OTLP traces to Jaeger batches, one a resource (empty resources left out).
 *
 * @param traces The decoded request.
 * @returns The batches.
 *
 * @example
 * ```ts
 * import { otlpToJaeger } from "@spanwire/trace/allinone";
 * import { decodeOtlpProtobuf, OtlpEncoder } from "@spanwire/trace/exporters/otlp";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const body = new OtlpEncoder({ serviceName: "svc" }).encode([Span.root("job")]);
 * const [batch] = otlpToJaeger(decodeOtlpProtobuf(body));
 * assert.equal(batch!.process.serviceName, "svc");
 * assert.equal(batch!.spans[0]!.operationName, "job");
 * ```
 */
export function otlpToJaeger(traces: OtlpTraces): JaegerBatch[] {
  const out: JaegerBatch[] = [];
  for (const rs of traces.resourceSpans) {
    const spans = rs.scopeSpans.flatMap((ss) => ss.spans.map(spanToJaeger));
    if (spans.length === 0) continue;
    const name = rs.resource.attributes["service.name"];
    out.push({
      process: {
        serviceName: typeof name === "string" && name !== "" ? name : "unknown_service",
        tags: tags(rs.resource.attributes, "service.name"),
      },
      spans,
    });
  }
  return out;
}

/**
 * The all-in-one's OTLP decoder: the strict protobuf or JSON decoder of `exporters/otlp`, then
 * {@linkcode otlpToJaeger}.
 *
 * @example
 * ```ts
 * import { otlpDecoder } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(otlpDecoder(new Uint8Array(), "protobuf"), []);
 * ```
 */
export const otlpDecoder: OtlpTracesDecoder = (
  body: Uint8Array,
  encoding: "protobuf" | "json",
): JaegerBatch[] =>
  otlpToJaeger(encoding === "json" ? decodeOtlpJson(body) : decodeOtlpProtobuf(body));
