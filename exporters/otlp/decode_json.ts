/**
 * {@linkcode decodeOtlpJson}: a strict decoder of OTLP/JSON `ExportTraceServiceRequest` bodies
 * (OTLP/HTTP `application/json`), and of `ExportTraceServiceResponse` bodies.
 *
 * @module
 */

import { flatten, MAX_VALUE_DEPTH, setAttribute } from "./_decode_common.ts";
import { OtlpDecodeError } from "./otlp_decode_error.ts";
import type { OtlpPartialSuccess } from "./decode_protobuf.ts";
import type {
  OtlpAttributes,
  OtlpEvent,
  OtlpLink,
  OtlpResource,
  OtlpScope,
  OtlpSpan,
  OtlpTraces,
  OtlpValue,
} from "./otlp_model.ts";
import { messageOf } from "../../trace/_text.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** How deep JSON may nest at all (checked before parsing, so no parser recursion runs away). */
const MAX_JSON_DEPTH = 2 * MAX_VALUE_DEPTH + 16;
const INT = /^-?(0|[1-9][0-9]*)$/;
const UINT = /^(0|[1-9][0-9]*)$/;
const HEX = /^[0-9a-fA-F]*$/;
const U64_MAX = 2n ** 64n - 1n;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const CODES: Record<string, number> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

type Json = unknown;
type JsonObject = Record<string, Json>;

function fail(message: string): never {
  throw new OtlpDecodeError(message);
}

function checkDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_JSON_DEPTH) fail(`JSON nested deeper than ${MAX_JSON_DEPTH}`);
    } else if (c === 125 || c === 93) depth--;
  }
}

function object(v: Json, what: string): JsonObject {
  if (v === null || typeof v !== "object" || Array.isArray(v)) fail(`${what} is not an object`);
  return v as JsonObject;
}

/** A field's value, or undefined when absent or null (proto3 JSON: null is the default). */
function get(o: JsonObject, key: string): Json {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function list(o: JsonObject, key: string, what: string): Json[] {
  const v = get(o, key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${what}.${key} is not an array`);
  return v;
}

function str(o: JsonObject, key: string, what: string): string {
  const v = get(o, key);
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") fail(`${what}.${key} is not a string`);
  return v;
}

function id(o: JsonObject, key: string, digits: number, what: string, optional: boolean): string {
  const v = str(o, key, what);
  if (v === "" && optional) return "";
  if (v.length !== digits || !HEX.test(v)) {
    fail(`${what}.${key} ${JSON.stringify(v.slice(0, 40))} is not ${digits} hex digits`);
  }
  return v.toLowerCase();
}

function bigintOf(v: Json, what: string, unsigned: boolean): bigint {
  let n: bigint;
  if (typeof v === "string" && (unsigned ? UINT : INT).test(v) && v.length <= 21) n = BigInt(v);
  else if (typeof v === "number" && Number.isInteger(v)) n = BigInt(v);
  else fail(`${what} is not ${unsigned ? "an unsigned" : "a"} 64-bit integer`);
  if (unsigned ? n < 0n || n > U64_MAX : n < I64_MIN || n > I64_MAX) {
    fail(`${what} is out of the 64-bit range`);
  }
  return n;
}

function time(o: JsonObject, key: string, what: string): bigint {
  const v = get(o, key);
  if (v === undefined || v === null) return 0n;
  return bigintOf(v, `${what}.${key}`, true);
}

function uint32(o: JsonObject, key: string, what: string): number {
  const v = get(o, key);
  if (v === undefined || v === null) return 0;
  const n = bigintOf(v, `${what}.${key}`, true);
  if (n > 0xffffffffn) fail(`${what}.${key} does not fit 32 bits`);
  return Number(n);
}

function enumOf(
  o: JsonObject,
  key: string,
  names: Record<string, number>,
  what: string,
): number {
  const v = get(o, key);
  if (v === undefined || v === null) return 0;
  if (typeof v === "number" && Number.isInteger(v) && Math.abs(v) <= 0x7fffffff) return v;
  if (typeof v === "string" && Object.hasOwn(names, v)) return names[v]!;
  fail(`${what}.${key} is not an enum number`);
}

function base64(v: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) fail(`${what} is not base64`);
  try {
    const bin = atob(v.replace(/-/g, "+").replace(/_/g, "/"));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    fail(`${what} is not base64`);
  }
}

function anyValue(v: Json, what: string, depth: number): OtlpValue {
  if (v === undefined || v === null) return null;
  if (depth > MAX_VALUE_DEPTH) fail(`attribute values nested deeper than ${MAX_VALUE_DEPTH}`);
  const o = object(v, what);
  let value: OtlpValue = null;
  for (const key of Object.keys(o)) {
    const x = o[key];
    if (x === null) continue;
    switch (key) {
      case "stringValue":
        if (typeof x !== "string") fail(`${what}.stringValue is not a string`);
        value = x;
        break;
      case "boolValue":
        if (typeof x !== "boolean") fail(`${what}.boolValue is not a boolean`);
        value = x;
        break;
      case "intValue":
        value = bigintOf(x, `${what}.intValue`, false);
        break;
      case "doubleValue":
        if (typeof x === "number") value = x;
        else if (x === "NaN") value = NaN;
        else if (x === "Infinity") value = Infinity;
        else if (x === "-Infinity") value = -Infinity;
        else fail(`${what}.doubleValue is not a number`);
        break;
      case "bytesValue":
        if (typeof x !== "string") fail(`${what}.bytesValue is not a string`);
        value = base64(x, `${what}.bytesValue`);
        break;
      case "arrayValue":
        value = list(object(x, `${what}.arrayValue`), "values", `${what}.arrayValue`).map((e) =>
          anyValue(e, `${what}.arrayValue.values[]`, depth + 1)
        );
        break;
      case "kvlistValue": {
        const kv: OtlpAttributes = {};
        attributes(
          list(object(x, `${what}.kvlistValue`), "values", `${what}.kvlistValue`),
          kv,
          `${what}.kvlistValue.values`,
          depth + 1,
        );
        value = kv;
        break;
      }
      default:
        // unknown fields are ignored, as OTLP/JSON receivers must
    }
  }
  return value;
}

function attributes(items: Json[], into: OtlpAttributes, what: string, depth = 0): void {
  for (const item of items) {
    const kv = object(item, `${what}[]`);
    setAttribute(
      into,
      str(kv, "key", `${what}[]`),
      anyValue(get(kv, "value"), `${what}[].value`, depth),
    );
  }
}

function event(v: Json): OtlpEvent {
  const o = object(v, "Event");
  const out: OtlpEvent = {
    timeUnixNano: time(o, "timeUnixNano", "Event"),
    name: str(o, "name", "Event"),
    attributes: {},
  };
  attributes(list(o, "attributes", "Event"), out.attributes, "Event.attributes");
  return out;
}

function link(v: Json): OtlpLink {
  const o = object(v, "Link");
  const out: OtlpLink = {
    traceId: id(o, "traceId", 32, "Link", false),
    spanId: id(o, "spanId", 16, "Link", false),
    traceState: str(o, "traceState", "Link"),
    attributes: {},
  };
  attributes(list(o, "attributes", "Link"), out.attributes, "Link.attributes");
  return out;
}

function span(v: Json): OtlpSpan {
  const o = object(v, "Span");
  const parent = id(o, "parentSpanId", 16, "Span", true);
  const st = get(o, "status");
  const so = st === undefined || st === null ? {} : object(st, "Span.status");
  const out: OtlpSpan = {
    traceId: id(o, "traceId", 32, "Span", false),
    spanId: id(o, "spanId", 16, "Span", false),
    parentSpanId: parent === "" ? undefined : parent,
    traceState: str(o, "traceState", "Span"),
    name: str(o, "name", "Span"),
    kind: enumOf(o, "kind", KINDS, "Span"),
    startTimeUnixNano: time(o, "startTimeUnixNano", "Span"),
    endTimeUnixNano: time(o, "endTimeUnixNano", "Span"),
    attributes: {},
    events: list(o, "events", "Span").map(event),
    links: list(o, "links", "Span").map(link),
    status: { code: enumOf(so, "code", CODES, "Status"), message: str(so, "message", "Status") },
    dropped: {
      attributes: uint32(o, "droppedAttributesCount", "Span"),
      events: uint32(o, "droppedEventsCount", "Span"),
      links: uint32(o, "droppedLinksCount", "Span"),
    },
    serviceName: undefined,
    resource: undefined as unknown as OtlpResource,
    scope: undefined as unknown as OtlpScope,
  };
  attributes(list(o, "attributes", "Span"), out.attributes, "Span.attributes");
  return out;
}

function parse(input: string | Uint8Array): Json {
  let text: string;
  if (typeof input === "string") text = input;
  else if (input instanceof Uint8Array) {
    try {
      text = utf8.decode(input);
    } catch {
      fail("the body is not valid UTF-8");
    }
  } else throw new TypeError("Cannot decode OTLP: the body is not a string or a Uint8Array");
  checkDepth(text);
  try {
    return JSON.parse(text);
  } catch (e) {
    fail(`the body is not JSON (${messageOf(e)})`);
  }
}

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest` strictly, as the OTLP specification
 * describes it: lowerCamelCase keys (unknown keys are ignored), trace and span ids as hex
 * (32 and 16 digits; an empty `parentSpanId` is none), 64-bit integers as decimal strings or
 * numbers, enums as numbers (or their names), doubles as numbers or `"NaN"`/`"Infinity"`.
 *
 * @param input The body, as text or UTF-8 bytes.
 * @returns The resource spans and the flat list of spans.
 * @throws {OtlpDecodeError} For anything that is not a valid request.
 *
 * @example
 * ```ts
 * import { decodeOtlpJson, OtlpEncoder } from "@spanwire/trace/exporters/otlp";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const body = new OtlpEncoder({ serviceName: "svc", format: "json" }).encode([Span.root("a")]);
 * const [span] = decodeOtlpJson(body).spans;
 * assert.equal(span?.name, "a");
 * assert.equal(span?.serviceName, "svc");
 * ```
 */
export function decodeOtlpJson(input: string | Uint8Array): OtlpTraces {
  const root = object(parse(input), "ExportTraceServiceRequest");
  const traces: OtlpTraces = { resourceSpans: [], spans: [] };
  for (const rsv of list(root, "resourceSpans", "ExportTraceServiceRequest")) {
    const rso = object(rsv, "ResourceSpans");
    const resource: OtlpResource = { attributes: {} };
    const rv = get(rso, "resource");
    if (rv !== undefined && rv !== null) {
      const ro = object(rv, "Resource");
      attributes(list(ro, "attributes", "Resource"), resource.attributes, "Resource.attributes");
    }
    const rs: OtlpTraces["resourceSpans"][number] = {
      resource,
      schemaUrl: str(rso, "schemaUrl", "ResourceSpans"),
      scopeSpans: [],
    };
    for (const ssv of list(rso, "scopeSpans", "ResourceSpans")) {
      const sso = object(ssv, "ScopeSpans");
      const sc = get(sso, "scope");
      const sco = sc === undefined || sc === null ? {} : object(sc, "InstrumentationScope");
      const scope: OtlpScope = {
        name: str(sco, "name", "InstrumentationScope"),
        version: str(sco, "version", "InstrumentationScope"),
        attributes: {},
      };
      attributes(
        list(sco, "attributes", "InstrumentationScope"),
        scope.attributes,
        "InstrumentationScope.attributes",
      );
      rs.scopeSpans.push({
        scope,
        schemaUrl: str(sso, "schemaUrl", "ScopeSpans"),
        spans: list(sso, "spans", "ScopeSpans").map(span),
      });
    }
    traces.resourceSpans.push(rs);
  }
  return flatten(traces);
}

/**
 * Decodes an OTLP/JSON `ExportTraceServiceResponse` (an empty body or `{}` is a full success).
 *
 * @param input The response body.
 * @returns Its partial success (zero rejected spans when absent).
 * @throws {OtlpDecodeError} If the body is not a valid response.
 *
 * @example
 * ```ts
 * import { decodeOtlpResponseJson } from "@spanwire/trace/exporters/otlp";
 * import assert from "node:assert/strict";
 *
 * const body = '{"partialSuccess":{"rejectedSpans":"2","errorMessage":"too old"}}';
 * assert.deepEqual(decodeOtlpResponseJson(body), { rejectedSpans: 2, errorMessage: "too old" });
 * ```
 */
export function decodeOtlpResponseJson(input: string | Uint8Array): OtlpPartialSuccess {
  if (input.length === 0) return { rejectedSpans: 0, errorMessage: "" };
  const root = object(parse(input), "ExportTraceServiceResponse");
  const pv = get(root, "partialSuccess");
  if (pv === undefined || pv === null) return { rejectedSpans: 0, errorMessage: "" };
  const p = object(pv, "ExportTracePartialSuccess");
  const rejected = get(p, "rejectedSpans");
  return {
    rejectedSpans: rejected === undefined || rejected === null
      ? 0
      : Number(bigintOf(rejected, "ExportTracePartialSuccess.rejectedSpans", false)),
    errorMessage: str(p, "errorMessage", "ExportTracePartialSuccess"),
  };
}
