/**
 * {@linkcode decodeOtlpProtobuf}: a strict decoder of protobuf `ExportTraceServiceRequest`
 * bodies (OTLP/HTTP `application/x-protobuf`), and of `ExportTraceServiceResponse` bodies.
 *
 * @module
 */

import * as F from "./_fields.ts";
import { flatten, MAX_VALUE_DEPTH, setAttribute, toHex } from "./_decode_common.ts";
import { OtlpDecodeError } from "./otlp_decode_error.ts";
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

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const TWO_32 = 4294967296;

/** A bounded protobuf reader; every read checks the bounds and throws OtlpDecodeError. */
class Reader {
  readonly buf: Uint8Array;
  pos = 0;
  #view: DataView;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(message: string, at = this.pos): never {
    throw new OtlpDecodeError(message, at);
  }

  /** A varint of up to 10 bytes, as `[lo, hi]` words in `out`. */
  varint64(end: number, out: number[]): void {
    let lo = 0;
    let hi = 0;
    const start = this.pos;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) this.fail("truncated varint", start);
      const b = this.buf[this.pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        out[0] = lo >>> 0;
        out[1] = hi >>> 0;
        return;
      }
    }
    this.fail("varint longer than 10 bytes", start);
  }

  /** A varint that must fit in 32 unsigned bits (tags, lengths, enums as sent by us). */
  uint32(end: number): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) this.fail("truncated varint", start);
      const b = this.buf[this.pos++]!;
      if (i < 5) result += (b & 0x7f) * 2 ** (7 * i);
      else if ((b & 0x7f) !== 0) this.fail("varint does not fit 32 bits", start);
      if (b < 0x80) {
        if (result > 0xffffffff) this.fail("varint does not fit 32 bits", start);
        return result;
      }
    }
    this.fail("varint longer than 10 bytes", start);
  }

  /** The end of a length-delimited field that starts here. */
  lengthEnd(end: number): number {
    const start = this.pos;
    const len = this.uint32(end);
    if (len > end - this.pos) {
      this.fail(`length ${len} runs past the end of its message (${end - this.pos} left)`, start);
    }
    return this.pos + len;
  }

  bytes(end: number): Uint8Array {
    const e = this.lengthEnd(end);
    const out = this.buf.subarray(this.pos, e);
    this.pos = e;
    return out;
  }

  string(end: number): string {
    const start = this.pos;
    const bytes = this.bytes(end);
    try {
      return utf8.decode(bytes);
    } catch {
      this.fail("string is not valid UTF-8", start);
    }
  }

  fixed64(end: number): bigint {
    if (end - this.pos < 8) this.fail("truncated fixed64");
    const v = this.#view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  double(end: number): number {
    if (end - this.pos < 8) this.fail("truncated double");
    const v = this.#view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Skips a field of an unknown number (proto3 keeps decoding past unknown fields). */
  skip(wire: number, end: number): void {
    switch (wire) {
      case F.VARINT:
        this.varint64(end, SCRATCH);
        return;
      case F.FIXED64:
        if (end - this.pos < 8) this.fail("truncated fixed64");
        this.pos += 8;
        return;
      case F.LEN:
        this.pos = this.lengthEnd(end);
        return;
      case F.FIXED32:
        if (end - this.pos < 4) this.fail("truncated fixed32");
        this.pos += 4;
        return;
      default:
        this.fail(`wire type ${wire} is not supported (groups are not used by OTLP)`);
    }
  }
}

const SCRATCH: number[] = [0, 0];

/** Reads a tag; returns the field number and sets `wire`. */
function readTag(r: Reader, end: number, wire: { type: number; at: number }): number {
  wire.at = r.pos;
  const tag = r.uint32(end);
  const no = tag >>> 3;
  if (no === 0) r.fail("field number 0", wire.at);
  wire.type = tag & 7;
  return no;
}

function expect(r: Reader, wire: { type: number; at: number }, f: F.Field, what: string): void {
  if (wire.type !== (f.tag & 7)) {
    r.fail(`${what}.${f.key} has wire type ${wire.type}, not ${f.tag & 7}`, wire.at);
  }
}

function id(r: Reader, end: number, size: number, what: string, at: number): string {
  const bytes = r.bytes(end);
  if (bytes.length !== size) r.fail(`${what} has ${bytes.length} bytes, not ${size}`, at);
  return toHex(bytes);
}

function int64(r: Reader, end: number): bigint {
  r.varint64(end, SCRATCH);
  return BigInt.asIntN(64, (BigInt(SCRATCH[1]!) << 32n) | BigInt(SCRATCH[0]!));
}

function count(r: Reader, end: number): number {
  r.varint64(end, SCRATCH);
  return SCRATCH[0]!; // a uint32 field: the low 32 bits, as protobuf truncates
}

function enumNumber(r: Reader, end: number): number {
  r.varint64(end, SCRATCH);
  return SCRATCH[0]! | 0; // an int32 enum (negative values are sign-extended)
}

function anyValue(r: Reader, end: number, depth: number): OtlpValue {
  if (depth > MAX_VALUE_DEPTH) r.fail(`attribute values nested deeper than ${MAX_VALUE_DEPTH}`);
  let value: OtlpValue = null;
  const wire = { type: 0, at: 0 };
  while (r.pos < end) {
    const no = readTag(r, end, wire);
    switch (no) {
      case F.ANY_STRING.no:
        expect(r, wire, F.ANY_STRING, "AnyValue");
        value = r.string(end);
        break;
      case F.ANY_BOOL.no:
        expect(r, wire, F.ANY_BOOL, "AnyValue");
        r.varint64(end, SCRATCH);
        value = SCRATCH[0] !== 0 || SCRATCH[1] !== 0;
        break;
      case F.ANY_INT.no:
        expect(r, wire, F.ANY_INT, "AnyValue");
        value = int64(r, end);
        break;
      case F.ANY_DOUBLE.no:
        expect(r, wire, F.ANY_DOUBLE, "AnyValue");
        value = r.double(end);
        break;
      case F.ANY_BYTES.no:
        expect(r, wire, F.ANY_BYTES, "AnyValue");
        value = new Uint8Array(r.bytes(end)); // a copy (a Buffer's slice would share memory)
        break;
      case F.ANY_ARRAY.no: {
        expect(r, wire, F.ANY_ARRAY, "AnyValue");
        const e = r.lengthEnd(end);
        const list: OtlpValue[] = [];
        while (r.pos < e) {
          const n = readTag(r, e, wire);
          if (n === F.ARRAY_VALUES.no) {
            expect(r, wire, F.ARRAY_VALUES, "ArrayValue");
            const ve = r.lengthEnd(e);
            list.push(anyValue(r, ve, depth + 1));
          } else r.skip(wire.type, e);
        }
        value = list;
        break;
      }
      case F.ANY_KVLIST.no: {
        expect(r, wire, F.ANY_KVLIST, "AnyValue");
        const e = r.lengthEnd(end);
        const kv: OtlpAttributes = {};
        while (r.pos < e) {
          const n = readTag(r, e, wire);
          if (n === F.KVLIST_VALUES.no) {
            expect(r, wire, F.KVLIST_VALUES, "KeyValueList");
            keyValue(r, r.lengthEnd(e), kv, depth + 1);
          } else r.skip(wire.type, e);
        }
        value = kv;
        break;
      }
      default:
        r.skip(wire.type, end);
    }
  }
  return value;
}

function keyValue(r: Reader, end: number, into: OtlpAttributes, depth: number): void {
  let key = "";
  let value: OtlpValue = null;
  const wire = { type: 0, at: 0 };
  while (r.pos < end) {
    const no = readTag(r, end, wire);
    if (no === F.KV_KEY.no) {
      expect(r, wire, F.KV_KEY, "KeyValue");
      key = r.string(end);
    } else if (no === F.KV_VALUE.no) {
      expect(r, wire, F.KV_VALUE, "KeyValue");
      value = anyValue(r, r.lengthEnd(end), depth);
    } else r.skip(wire.type, end);
  }
  setAttribute(into, key, value);
}

function resource(r: Reader, end: number, into: OtlpResource): void {
  const wire = { type: 0, at: 0 };
  while (r.pos < end) {
    const no = readTag(r, end, wire);
    if (no === F.RESOURCE_ATTRIBUTES.no) {
      expect(r, wire, F.RESOURCE_ATTRIBUTES, "Resource");
      keyValue(r, r.lengthEnd(end), into.attributes, 0);
    } else r.skip(wire.type, end);
  }
}

function scope(r: Reader, end: number, into: OtlpScope): void {
  const wire = { type: 0, at: 0 };
  while (r.pos < end) {
    const no = readTag(r, end, wire);
    if (no === F.SCOPE_NAME.no) {
      expect(r, wire, F.SCOPE_NAME, "InstrumentationScope");
      into.name = r.string(end);
    } else if (no === F.SCOPE_VERSION.no) {
      expect(r, wire, F.SCOPE_VERSION, "InstrumentationScope");
      into.version = r.string(end);
    } else if (no === F.SCOPE_ATTRIBUTES.no) {
      expect(r, wire, F.SCOPE_ATTRIBUTES, "InstrumentationScope");
      keyValue(r, r.lengthEnd(end), into.attributes, 0);
    } else r.skip(wire.type, end);
  }
}

function event(r: Reader, end: number): OtlpEvent {
  const out: OtlpEvent = { timeUnixNano: 0n, name: "", attributes: {} };
  const wire = { type: 0, at: 0 };
  while (r.pos < end) {
    const no = readTag(r, end, wire);
    if (no === F.EVENT_TIME.no) {
      expect(r, wire, F.EVENT_TIME, "Event");
      out.timeUnixNano = r.fixed64(end);
    } else if (no === F.EVENT_NAME.no) {
      expect(r, wire, F.EVENT_NAME, "Event");
      out.name = r.string(end);
    } else if (no === F.EVENT_ATTRIBUTES.no) {
      expect(r, wire, F.EVENT_ATTRIBUTES, "Event");
      keyValue(r, r.lengthEnd(end), out.attributes, 0);
    } else r.skip(wire.type, end);
  }
  return out;
}

function link(r: Reader, end: number): OtlpLink {
  const start = r.pos;
  const out: OtlpLink = { traceId: "", spanId: "", traceState: "", attributes: {} };
  const wire = { type: 0, at: 0 };
  while (r.pos < end) {
    const no = readTag(r, end, wire);
    if (no === F.LINK_TRACE_ID.no) {
      expect(r, wire, F.LINK_TRACE_ID, "Link");
      out.traceId = id(r, end, F.TRACE_ID_BYTES, "Link.traceId", wire.at);
    } else if (no === F.LINK_SPAN_ID.no) {
      expect(r, wire, F.LINK_SPAN_ID, "Link");
      out.spanId = id(r, end, F.SPAN_ID_BYTES, "Link.spanId", wire.at);
    } else if (no === F.LINK_TRACE_STATE.no) {
      expect(r, wire, F.LINK_TRACE_STATE, "Link");
      out.traceState = r.string(end);
    } else if (no === F.LINK_ATTRIBUTES.no) {
      expect(r, wire, F.LINK_ATTRIBUTES, "Link");
      keyValue(r, r.lengthEnd(end), out.attributes, 0);
    } else r.skip(wire.type, end);
  }
  if (out.traceId === "" || out.spanId === "") r.fail("a link has no trace id or span id", start);
  return out;
}

function status(r: Reader, end: number, into: { code: number; message: string }): void {
  const wire = { type: 0, at: 0 };
  while (r.pos < end) {
    const no = readTag(r, end, wire);
    if (no === F.STATUS_MESSAGE.no) {
      expect(r, wire, F.STATUS_MESSAGE, "Status");
      into.message = r.string(end);
    } else if (no === F.STATUS_CODE.no) {
      expect(r, wire, F.STATUS_CODE, "Status");
      into.code = enumNumber(r, end);
    } else r.skip(wire.type, end);
  }
}

/** A span with no resource or scope yet (`flatten` sets them). */
function emptySpan(): OtlpSpan {
  return {
    traceId: "",
    spanId: "",
    parentSpanId: undefined,
    traceState: "",
    name: "",
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: {},
    events: [],
    links: [],
    status: { code: 0, message: "" },
    dropped: { attributes: 0, events: 0, links: 0 },
    serviceName: undefined,
    resource: undefined as unknown as OtlpResource,
    scope: undefined as unknown as OtlpScope,
  };
}

function span(r: Reader, end: number): OtlpSpan {
  const start = r.pos;
  const out = emptySpan();
  const wire = { type: 0, at: 0 };
  while (r.pos < end) {
    const no = readTag(r, end, wire);
    switch (no) {
      case F.SPAN_TRACE_ID.no:
        expect(r, wire, F.SPAN_TRACE_ID, "Span");
        out.traceId = id(r, end, F.TRACE_ID_BYTES, "Span.traceId", wire.at);
        break;
      case F.SPAN_SPAN_ID.no:
        expect(r, wire, F.SPAN_SPAN_ID, "Span");
        out.spanId = id(r, end, F.SPAN_ID_BYTES, "Span.spanId", wire.at);
        break;
      case F.SPAN_TRACE_STATE.no:
        expect(r, wire, F.SPAN_TRACE_STATE, "Span");
        out.traceState = r.string(end);
        break;
      case F.SPAN_PARENT_SPAN_ID.no: {
        expect(r, wire, F.SPAN_PARENT_SPAN_ID, "Span");
        const at = r.pos;
        const bytes = r.bytes(end);
        if (bytes.length === 0) out.parentSpanId = undefined;
        else if (bytes.length !== F.SPAN_ID_BYTES) {
          r.fail(`Span.parentSpanId has ${bytes.length} bytes, not 8 or 0`, at);
        } else out.parentSpanId = toHex(bytes);
        break;
      }
      case F.SPAN_NAME.no:
        expect(r, wire, F.SPAN_NAME, "Span");
        out.name = r.string(end);
        break;
      case F.SPAN_KIND.no:
        expect(r, wire, F.SPAN_KIND, "Span");
        out.kind = enumNumber(r, end);
        break;
      case F.SPAN_START_TIME.no:
        expect(r, wire, F.SPAN_START_TIME, "Span");
        out.startTimeUnixNano = r.fixed64(end);
        break;
      case F.SPAN_END_TIME.no:
        expect(r, wire, F.SPAN_END_TIME, "Span");
        out.endTimeUnixNano = r.fixed64(end);
        break;
      case F.SPAN_ATTRIBUTES.no:
        expect(r, wire, F.SPAN_ATTRIBUTES, "Span");
        keyValue(r, r.lengthEnd(end), out.attributes, 0);
        break;
      case F.SPAN_DROPPED_ATTRIBUTES.no:
        expect(r, wire, F.SPAN_DROPPED_ATTRIBUTES, "Span");
        out.dropped.attributes = count(r, end);
        break;
      case F.SPAN_EVENTS.no:
        expect(r, wire, F.SPAN_EVENTS, "Span");
        out.events.push(event(r, r.lengthEnd(end)));
        break;
      case F.SPAN_DROPPED_EVENTS.no:
        expect(r, wire, F.SPAN_DROPPED_EVENTS, "Span");
        out.dropped.events = count(r, end);
        break;
      case F.SPAN_LINKS.no:
        expect(r, wire, F.SPAN_LINKS, "Span");
        out.links.push(link(r, r.lengthEnd(end)));
        break;
      case F.SPAN_DROPPED_LINKS.no:
        expect(r, wire, F.SPAN_DROPPED_LINKS, "Span");
        out.dropped.links = count(r, end);
        break;
      case F.SPAN_STATUS.no:
        expect(r, wire, F.SPAN_STATUS, "Span");
        status(r, r.lengthEnd(end), out.status);
        break;
      default:
        r.skip(wire.type, end);
    }
  }
  if (out.traceId === "") r.fail("a span has no trace id", start);
  if (out.spanId === "") r.fail("a span has no span id", start);
  return out;
}

/**
 * Decodes a protobuf `ExportTraceServiceRequest` strictly: every length is checked against
 * what is left (so nothing is allocated beyond the input's size), known fields must have their
 * wire type, strings must be UTF-8, ids must have 16 (trace) or 8 (span) bytes, attribute values
 * nest at most 32 deep. Unknown fields are skipped, as proto3 requires.
 *
 * @param bytes The request body (not compressed).
 * @returns The resource spans and the flat list of spans.
 * @throws {OtlpDecodeError} For anything that is not a valid request.
 *
 * @example
 * ```ts
 * import { decodeOtlpProtobuf, OtlpEncoder } from "@spanwire/trace/exporters/otlp";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const body = new OtlpEncoder({ serviceName: "svc" }).encode([Span.root("a")]);
 * const traces = decodeOtlpProtobuf(body);
 * assert.equal(traces.spans[0]?.name, "a");
 * assert.equal(traces.resourceSpans[0]?.scopeSpans[0]?.scope.name, "spanwire");
 * ```
 */
export function decodeOtlpProtobuf(bytes: Uint8Array): OtlpTraces {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError("Cannot decode OTLP: the body is not a Uint8Array");
  }
  const r = new Reader(bytes);
  const end = bytes.length;
  const traces: OtlpTraces = { resourceSpans: [], spans: [] };
  const wire = { type: 0, at: 0 };
  while (r.pos < end) {
    const no = readTag(r, end, wire);
    if (no !== F.REQUEST_RESOURCE_SPANS.no) {
      r.skip(wire.type, end);
      continue;
    }
    expect(r, wire, F.REQUEST_RESOURCE_SPANS, "ExportTraceServiceRequest");
    const rsEnd = r.lengthEnd(end);
    const rs: OtlpTraces["resourceSpans"][number] = {
      resource: { attributes: {} },
      schemaUrl: "",
      scopeSpans: [],
    };
    while (r.pos < rsEnd) {
      const n = readTag(r, rsEnd, wire);
      if (n === F.RESOURCE_SPANS_RESOURCE.no) {
        expect(r, wire, F.RESOURCE_SPANS_RESOURCE, "ResourceSpans");
        resource(r, r.lengthEnd(rsEnd), rs.resource);
      } else if (n === F.RESOURCE_SPANS_SCHEMA_URL.no) {
        expect(r, wire, F.RESOURCE_SPANS_SCHEMA_URL, "ResourceSpans");
        rs.schemaUrl = r.string(rsEnd);
      } else if (n === F.RESOURCE_SPANS_SCOPE_SPANS.no) {
        expect(r, wire, F.RESOURCE_SPANS_SCOPE_SPANS, "ResourceSpans");
        const ssEnd = r.lengthEnd(rsEnd);
        const ss: OtlpTraces["resourceSpans"][number]["scopeSpans"][number] = {
          scope: { name: "", version: "", attributes: {} },
          schemaUrl: "",
          spans: [],
        };
        while (r.pos < ssEnd) {
          const m = readTag(r, ssEnd, wire);
          if (m === F.SCOPE_SPANS_SCOPE.no) {
            expect(r, wire, F.SCOPE_SPANS_SCOPE, "ScopeSpans");
            scope(r, r.lengthEnd(ssEnd), ss.scope);
          } else if (m === F.SCOPE_SPANS_SPANS.no) {
            expect(r, wire, F.SCOPE_SPANS_SPANS, "ScopeSpans");
            ss.spans.push(span(r, r.lengthEnd(ssEnd)));
          } else if (m === F.SCOPE_SPANS_SCHEMA_URL.no) {
            expect(r, wire, F.SCOPE_SPANS_SCHEMA_URL, "ScopeSpans");
            ss.schemaUrl = r.string(ssEnd);
          } else r.skip(wire.type, ssEnd);
        }
        rs.scopeSpans.push(ss);
      } else r.skip(wire.type, rsEnd);
    }
    traces.resourceSpans.push(rs);
  }
  return flatten(traces);
}

/**
 * An `ExportTraceServiceResponse`'s partial success: spans the receiver rejected, and why.
 *
 * @example
 * ```ts
 * import type { OtlpPartialSuccess } from "@spanwire/trace/exporters/otlp";
 *
 * const none: OtlpPartialSuccess = { rejectedSpans: 0, errorMessage: "" };
 * ```
 */
export interface OtlpPartialSuccess {
  /** `rejected_spans` (0 when the response has none). */
  rejectedSpans: number;
  /** `error_message`. */
  errorMessage: string;
}

/**
 * Decodes a protobuf `ExportTraceServiceResponse` (an empty body is a full success).
 *
 * @param bytes The response body.
 * @returns Its partial success (zero rejected spans when absent).
 * @throws {OtlpDecodeError} If the body is not a valid response.
 *
 * @example
 * ```ts
 * import { decodeOtlpResponseProtobuf } from "@spanwire/trace/exporters/otlp";
 * import assert from "node:assert/strict";
 *
 * // partial_success { rejected_spans: 3, error_message: "x" }
 * const body = new Uint8Array([0x0a, 0x05, 0x08, 0x03, 0x12, 0x01, 0x78]);
 * assert.deepEqual(decodeOtlpResponseProtobuf(body), { rejectedSpans: 3, errorMessage: "x" });
 * ```
 */
export function decodeOtlpResponseProtobuf(bytes: Uint8Array): OtlpPartialSuccess {
  const r = new Reader(bytes);
  const out: OtlpPartialSuccess = { rejectedSpans: 0, errorMessage: "" };
  const wire = { type: 0, at: 0 };
  while (r.pos < bytes.length) {
    const no = readTag(r, bytes.length, wire);
    if (no !== F.RESPONSE_PARTIAL_SUCCESS.no) {
      r.skip(wire.type, bytes.length);
      continue;
    }
    expect(r, wire, F.RESPONSE_PARTIAL_SUCCESS, "ExportTraceServiceResponse");
    const end = r.lengthEnd(bytes.length);
    while (r.pos < end) {
      const n = readTag(r, end, wire);
      if (n === F.PARTIAL_REJECTED_SPANS.no) {
        expect(r, wire, F.PARTIAL_REJECTED_SPANS, "ExportTracePartialSuccess");
        r.varint64(end, SCRATCH);
        out.rejectedSpans = SCRATCH[1]! * TWO_32 + SCRATCH[0]!;
      } else if (n === F.PARTIAL_ERROR_MESSAGE.no) {
        expect(r, wire, F.PARTIAL_ERROR_MESSAGE, "ExportTracePartialSuccess");
        out.errorMessage = r.string(end);
      } else r.skip(wire.type, end);
    }
  }
  return out;
}
