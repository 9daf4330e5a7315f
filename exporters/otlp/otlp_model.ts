/**
 * The decoded shape of OTLP trace requests, the same for protobuf and JSON input: what
 * `decodeOtlpProtobuf`, `decodeOtlpJson` and the `MockOtlpReceiver` give.
 *
 * @module
 */

/**
 * An attribute value as decoded: `string_value` a string, `bool_value` a boolean, `int_value` a
 * bigint, `double_value` a number, `bytes_value` a Uint8Array, `array_value` an array,
 * `kvlist_value` an {@linkcode OtlpAttributes} object; an empty `AnyValue` is `null`.
 *
 * @example
 * ```ts
 * import type { OtlpValue } from "@spanwire/trace/exporters/otlp";
 *
 * const values: OtlpValue[] = ["GET", true, 200n, 0.25, null, [1n, "a"], { nested: "x" }];
 * ```
 */
export type OtlpValue =
  | string
  | boolean
  | bigint
  | number
  | Uint8Array
  | null
  | OtlpValue[]
  | OtlpAttributes;

/**
 * Attributes by key (a later duplicate key wins).
 *
 * @example
 * ```ts
 * import type { OtlpAttributes } from "@spanwire/trace/exporters/otlp";
 *
 * const attributes: OtlpAttributes = { "service.name": "svc", "http.status_code": 200n };
 * ```
 */
export interface OtlpAttributes {
  /** The value of the attribute `key`. */
  [key: string]: OtlpValue;
}

/**
 * A resource.
 *
 * @example
 * ```ts
 * import type { OtlpResource } from "@spanwire/trace/exporters/otlp";
 *
 * const resource: OtlpResource = { attributes: { "service.name": "svc" } };
 * ```
 */
export interface OtlpResource {
  /** Its attributes (`service.name`, `host.name`, ...). */
  attributes: OtlpAttributes;
}

/**
 * An instrumentation scope.
 *
 * @example
 * ```ts
 * import type { OtlpScope } from "@spanwire/trace/exporters/otlp";
 *
 * const scope: OtlpScope = { name: "spanwire", version: "0.1.0", attributes: {} };
 * ```
 */
export interface OtlpScope {
  /** `name`. */
  name: string;
  /** `version`. */
  version: string;
  /** `attributes`. */
  attributes: OtlpAttributes;
}

/**
 * A span event.
 *
 * @example
 * ```ts
 * import type { OtlpEvent } from "@spanwire/trace/exporters/otlp";
 *
 * const event: OtlpEvent = { timeUnixNano: 1_000_000n, name: "cache miss", attributes: {} };
 * ```
 */
export interface OtlpEvent {
  /** `time_unix_nano`. */
  timeUnixNano: bigint;
  /** `name`. */
  name: string;
  /** `attributes`. */
  attributes: OtlpAttributes;
}

/**
 * A span link.
 *
 * @example
 * ```ts
 * import type { OtlpLink } from "@spanwire/trace/exporters/otlp";
 *
 * const link: OtlpLink = {
 *   traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceState: "",
 *   attributes: {},
 * };
 * ```
 */
export interface OtlpLink {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  /** `trace_state`. */
  traceState: string;
  /** `attributes`. */
  attributes: OtlpAttributes;
}

/**
 * A decoded span, with the resource and scope it came with.
 *
 * @example
 * ```ts
 * import type { OtlpSpan } from "@spanwire/trace/exporters/otlp";
 *
 * function describe(span: OtlpSpan): string {
 *   return `${span.serviceName} ${span.name} ${span.traceId}/${span.spanId}`;
 * }
 * ```
 */
export interface OtlpSpan {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  /** 16 lowercase hex digits, or undefined for a root span. */
  parentSpanId: string | undefined;
  /** `trace_state`. */
  traceState: string;
  /** `name`. */
  name: string;
  /** `kind`: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** `start_time_unix_nano`. */
  startTimeUnixNano: bigint;
  /** `end_time_unix_nano`. */
  endTimeUnixNano: bigint;
  /** `attributes`. */
  attributes: OtlpAttributes;
  /** `events`. */
  events: OtlpEvent[];
  /** `links`. */
  links: OtlpLink[];
  /** `status`: code 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  /** `dropped_attributes_count` + `dropped_events_count` + `dropped_links_count`. */
  dropped: { attributes: number; events: number; links: number };
  /** The resource's `service.name` attribute when it is a string, else undefined. */
  serviceName: string | undefined;
  /** The resource the span came with (shared by the spans of one `ResourceSpans`). */
  resource: OtlpResource;
  /** The scope the span came with (shared by the spans of one `ScopeSpans`). */
  scope: OtlpScope;
}

/**
 * A decoded `ExportTraceServiceRequest`: its resource spans as sent, and all of their spans in
 * order.
 *
 * @example
 * ```ts
 * import type { OtlpTraces } from "@spanwire/trace/exporters/otlp";
 *
 * const none: OtlpTraces = { resourceSpans: [], spans: [] };
 * ```
 */
export interface OtlpTraces {
  /** `resource_spans`. */
  resourceSpans: {
    resource: OtlpResource;
    schemaUrl: string;
    scopeSpans: { scope: OtlpScope; schemaUrl: string; spans: OtlpSpan[] }[];
  }[];
  /** Every span of every resource and scope, in order. */
  spans: OtlpSpan[];
}
