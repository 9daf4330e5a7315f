// The OTLP trace wire format's constants, in one place: every field the exporter writes or the
// decoder reads, with its protobuf field number and wire type (as one tag) and its OTLP/JSON
// key (lowerCamelCase, as the OTLP specification requires). Field numbers are those of
// opentelemetry-proto's `trace/v1/trace.proto`, `common/v1/common.proto`,
// `resource/v1/resource.proto` and `collector/trace/v1/trace_service.proto`.

/** Protobuf wire types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;

/** One field: its protobuf tag (`number << 3 | wire type`) and its JSON key. */
export interface Field {
  /** The protobuf tag. */
  readonly tag: number;
  /** The field number. */
  readonly no: number;
  /** The OTLP/JSON key. */
  readonly key: string;
}

function field(no: number, wire: number, key: string): Field {
  return { tag: (no << 3) | wire, no, key };
}

// ExportTraceServiceRequest
export const REQUEST_RESOURCE_SPANS: Field = field(1, LEN, "resourceSpans");
// ExportTraceServiceResponse / ExportTracePartialSuccess
export const RESPONSE_PARTIAL_SUCCESS: Field = field(1, LEN, "partialSuccess");
export const PARTIAL_REJECTED_SPANS: Field = field(1, VARINT, "rejectedSpans");
export const PARTIAL_ERROR_MESSAGE: Field = field(2, LEN, "errorMessage");
// ResourceSpans
export const RESOURCE_SPANS_RESOURCE: Field = field(1, LEN, "resource");
export const RESOURCE_SPANS_SCOPE_SPANS: Field = field(2, LEN, "scopeSpans");
export const RESOURCE_SPANS_SCHEMA_URL: Field = field(3, LEN, "schemaUrl");
// Resource
export const RESOURCE_ATTRIBUTES: Field = field(1, LEN, "attributes");
export const RESOURCE_DROPPED_ATTRIBUTES: Field = field(2, VARINT, "droppedAttributesCount");
// ScopeSpans
export const SCOPE_SPANS_SCOPE: Field = field(1, LEN, "scope");
export const SCOPE_SPANS_SPANS: Field = field(2, LEN, "spans");
export const SCOPE_SPANS_SCHEMA_URL: Field = field(3, LEN, "schemaUrl");
// InstrumentationScope
export const SCOPE_NAME: Field = field(1, LEN, "name");
export const SCOPE_VERSION: Field = field(2, LEN, "version");
export const SCOPE_ATTRIBUTES: Field = field(3, LEN, "attributes");
export const SCOPE_DROPPED_ATTRIBUTES: Field = field(4, VARINT, "droppedAttributesCount");
// Span
export const SPAN_TRACE_ID: Field = field(1, LEN, "traceId");
export const SPAN_SPAN_ID: Field = field(2, LEN, "spanId");
export const SPAN_TRACE_STATE: Field = field(3, LEN, "traceState");
export const SPAN_PARENT_SPAN_ID: Field = field(4, LEN, "parentSpanId");
export const SPAN_NAME: Field = field(5, LEN, "name");
export const SPAN_KIND: Field = field(6, VARINT, "kind");
export const SPAN_START_TIME: Field = field(7, FIXED64, "startTimeUnixNano");
export const SPAN_END_TIME: Field = field(8, FIXED64, "endTimeUnixNano");
export const SPAN_ATTRIBUTES: Field = field(9, LEN, "attributes");
export const SPAN_DROPPED_ATTRIBUTES: Field = field(10, VARINT, "droppedAttributesCount");
export const SPAN_EVENTS: Field = field(11, LEN, "events");
export const SPAN_DROPPED_EVENTS: Field = field(12, VARINT, "droppedEventsCount");
export const SPAN_LINKS: Field = field(13, LEN, "links");
export const SPAN_DROPPED_LINKS: Field = field(14, VARINT, "droppedLinksCount");
export const SPAN_STATUS: Field = field(15, LEN, "status");
export const SPAN_FLAGS: Field = field(16, FIXED32, "flags");
// Span.Event
export const EVENT_TIME: Field = field(1, FIXED64, "timeUnixNano");
export const EVENT_NAME: Field = field(2, LEN, "name");
export const EVENT_ATTRIBUTES: Field = field(3, LEN, "attributes");
export const EVENT_DROPPED_ATTRIBUTES: Field = field(4, VARINT, "droppedAttributesCount");
// Span.Link
export const LINK_TRACE_ID: Field = field(1, LEN, "traceId");
export const LINK_SPAN_ID: Field = field(2, LEN, "spanId");
export const LINK_TRACE_STATE: Field = field(3, LEN, "traceState");
export const LINK_ATTRIBUTES: Field = field(4, LEN, "attributes");
export const LINK_DROPPED_ATTRIBUTES: Field = field(5, VARINT, "droppedAttributesCount");
export const LINK_FLAGS: Field = field(6, FIXED32, "flags");
// Status
export const STATUS_MESSAGE: Field = field(2, LEN, "message");
export const STATUS_CODE: Field = field(3, VARINT, "code");
// KeyValue
export const KV_KEY: Field = field(1, LEN, "key");
export const KV_VALUE: Field = field(2, LEN, "value");
// AnyValue (a oneof)
export const ANY_STRING: Field = field(1, LEN, "stringValue");
export const ANY_BOOL: Field = field(2, VARINT, "boolValue");
export const ANY_INT: Field = field(3, VARINT, "intValue");
export const ANY_DOUBLE: Field = field(4, FIXED64, "doubleValue");
export const ANY_ARRAY: Field = field(5, LEN, "arrayValue");
export const ANY_KVLIST: Field = field(6, LEN, "kvlistValue");
export const ANY_BYTES: Field = field(7, LEN, "bytesValue");
// ArrayValue, KeyValueList
export const ARRAY_VALUES: Field = field(1, LEN, "values");
export const KVLIST_VALUES: Field = field(1, LEN, "values");

/** `Span.SpanKind`. */
export const KIND_UNSPECIFIED = 0;
export const KIND_INTERNAL = 1;
export const KIND_SERVER = 2;
export const KIND_CLIENT = 3;
export const KIND_PRODUCER = 4;
export const KIND_CONSUMER = 5;

/** `Status.StatusCode`. */
export const STATUS_UNSET = 0;
export const STATUS_OK = 1;
export const STATUS_ERROR = 2;

/** Bytes in a trace id and a span id. */
export const TRACE_ID_BYTES = 16;
export const SPAN_ID_BYTES = 8;

/** OTLP/HTTP. */
export const TRACES_PATH = "/v1/traces";
export const PROTOBUF_CONTENT_TYPE = "application/x-protobuf";
export const JSON_CONTENT_TYPE = "application/json";
