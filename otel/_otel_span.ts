// The OpenTelemetry `Span` that spanwire's tracer hands out: a thin view over one spanwire
// `Span` (recording) or over a bare `SpanContext` (not recording: unsampled, remote, or a
// spanwire context made current without a span). The mapping of each call is documented in
// mod.ts; every method is a no-op once the span has ended, and none throws.

import {
  type Attributes,
  type Exception,
  type Link,
  type Span as OtelSpanApi,
  type SpanContext as OtelSpanContext,
  type SpanStatus as OtelSpanStatus,
  SpanStatusCode,
  type TimeInput,
} from "@opentelemetry/api";
import { EXCEPTION_EVENT, exceptionDetails } from "../trace/_exception.ts";
import { RateLimitedWarning } from "../trace/_warning.ts";
import { type MetadataValue, Span, type SpanEvent } from "../trace/span.ts";
import type { SpanContext } from "../trace/span_context.ts";
import type { SpanRecorder } from "../trace/span_recorder.ts";
import { toMetadataValue } from "./_attributes.ts";
import { readOtelSpanContext, toOtelSpanContext } from "./_span_context.ts";
import { toMicros } from "./_time.ts";

/** Metadata keys under which what the model cannot hold is counted (only when not zero). */
export const DROPPED_ATTRIBUTES_KEY = "otel.dropped_attributes_count";
/** See {@linkcode DROPPED_ATTRIBUTES_KEY}. */
export const DROPPED_LINK_ATTRIBUTES_KEY = "otel.dropped_link_attributes_count";
/** See {@linkcode DROPPED_ATTRIBUTES_KEY}. */
export const DROPPED_LINKS_KEY = "otel.dropped_links_count";

const NO_METADATA: ReadonlyMap<string, MetadataValue> = new Map();
const endedTwice = new RateLimitedWarning();

function isTimeInput(value: unknown): value is TimeInput {
  return typeof value === "number" || value instanceof Date ||
    (Array.isArray(value) && value.length === 2 && typeof value[0] === "number" &&
      typeof value[1] === "number");
}

/** Puts the values of `attributes` into `into`; returns how many were dropped. */
export function putAttributes(
  attributes: Attributes | undefined,
  into: Map<string, MetadataValue> | Span,
): number {
  let dropped = 0;
  if (attributes === undefined || attributes === null) return dropped;
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    const value = key.length === 0 ? undefined : toMetadataValue(attributes[key]);
    if (value === undefined) dropped++;
    else if (into instanceof Span) into.setMetadata(key, value);
    else into.set(key, value);
  }
  return dropped;
}

/** A span of spanwire's tracer, seen through the OpenTelemetry API. */
export class OtelSpan implements OtelSpanApi {
  /** spanwire's context of this span. */
  readonly ctx: SpanContext;
  /** The recorded span; `undefined` when this span does not record. */
  readonly span: Span | undefined;
  /** The recorder owning `span`, when another part of spanwire made it (a server layer). */
  readonly recorder: SpanRecorder | undefined;
  readonly #remote: boolean;
  #open: boolean;
  #otel: OtelSpanContext | undefined = undefined;
  #droppedAttributes = 0;
  #droppedLinks = 0;
  #droppedLinkAttributes = 0;

  constructor(
    ctx: SpanContext,
    span: Span | undefined,
    remote = false,
    recorder?: SpanRecorder,
  ) {
    this.ctx = ctx;
    this.span = span;
    this.#remote = remote;
    this.recorder = recorder;
    this.#open = span !== undefined;
  }

  #recording(): boolean {
    return this.recorder === undefined ? this.#open : this.recorder.recording;
  }

  /** Counts attributes dropped on the way in (at start). */
  countDropped(attributes: number): void {
    this.#droppedAttributes += attributes;
  }

  spanContext(): OtelSpanContext {
    return this.#otel ??= toOtelSpanContext(this.ctx, this.#remote);
  }

  setAttribute(key: string, value: unknown): this {
    if (!this.#recording()) return this;
    const v = key.length === 0 ? undefined : toMetadataValue(value);
    if (v === undefined) this.#droppedAttributes++;
    else this.span!.setMetadata(key, v);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    if (!this.#recording()) return this;
    this.#droppedAttributes += putAttributes(attributes, this.span!);
    return this;
  }

  addEvent(
    name: string,
    attributesOrStartTime?: Attributes | TimeInput,
    startTime?: TimeInput,
  ): this {
    if (!this.#recording()) return this;
    let attributes: Attributes | undefined;
    if (isTimeInput(attributesOrStartTime)) startTime = attributesOrStartTime;
    else attributes = attributesOrStartTime;
    let metadata = NO_METADATA;
    if (attributes !== undefined && attributes !== null) {
      const map = new Map<string, MetadataValue>();
      this.#droppedAttributes += putAttributes(attributes, map);
      if (map.size > 0) metadata = map;
    }
    this.#push(String(name), metadata, startTime);
    return this;
  }

  #push(message: string, metadata: ReadonlyMap<string, MetadataValue>, time?: TimeInput): void {
    const span = this.span!;
    const event: SpanEvent = {
      time: toMicros(time, span.ctx.clock),
      message,
      metadata,
    };
    span.events.push(event);
  }

  addLink(link: Link): this {
    if (!this.#recording()) return this;
    this.#link(link);
    return this;
  }

  addLinks(links: Link[]): this {
    if (!this.#recording() || !Array.isArray(links)) return this;
    for (const link of links) this.#link(link);
    return this;
  }

  /** Adds a link while starting or recording (the caller checked). */
  link(link: Link): void {
    this.#link(link);
  }

  #link(link: Link): void {
    const target = link?.context === undefined ? undefined : readOtelSpanContext(link.context);
    if (target === undefined) {
      this.#droppedLinks++;
      return;
    }
    this.span!.ctx.links.push({ traceId: target.traceId, spanId: target.spanId });
    if (link.attributes !== undefined && link.attributes !== null) {
      for (const key in link.attributes) {
        if (Object.hasOwn(link.attributes, key)) this.#droppedLinkAttributes++;
      }
    }
    if (typeof link.droppedAttributesCount === "number") {
      this.#droppedLinkAttributes += link.droppedAttributesCount;
    }
  }

  setStatus(status: OtelSpanStatus): this {
    if (!this.#recording() || status === undefined || status === null) return this;
    const span = this.span!;
    // OpenTelemetry: Ok is final; Error may be set again (the last message wins) or turned Ok;
    // Unset changes nothing.
    if (status.code === SpanStatusCode.OK) {
      span.status = "ok";
      span.statusMessage = undefined;
    } else if (status.code === SpanStatusCode.ERROR && span.status !== "ok") {
      span.status = "error";
      span.statusMessage = typeof status.message === "string" ? status.message : undefined;
    }
    return this;
  }

  updateName(name: string): this {
    if (this.#recording()) this.span!.name = String(name);
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.recorder !== undefined) return; // the layer that made it ends it
    if (!this.#open) {
      if (this.span !== undefined) {
        endedTwice.warn(
          `spanwire: OpenTelemetry span "${this.span.name}" ended again; the second end() is ignored`,
        );
      }
      return;
    }
    this.#open = false;
    const span = this.span!;
    const end = toMicros(endTime, span.ctx.clock);
    const start = span.start ?? end;
    span.start = start;
    span.end = end < start ? start : end;
    if (this.#droppedAttributes > 0) {
      span.setMetadata(DROPPED_ATTRIBUTES_KEY, this.#droppedAttributes);
    }
    if (this.#droppedLinks > 0) span.setMetadata(DROPPED_LINKS_KEY, this.#droppedLinks);
    if (this.#droppedLinkAttributes > 0) {
      span.setMetadata(DROPPED_LINK_ATTRIBUTES_KEY, this.#droppedLinkAttributes);
    }
    span.export();
  }

  isRecording(): boolean {
    return this.#recording();
  }

  recordException(exception: Exception, time?: TimeInput): void {
    if (!this.#recording() || exception === undefined || exception === null) return;
    // The conventions' exception event, read as spanwire's SpanRecorder reads it; unlike
    // SpanRecorder.recordException, the API leaves the status to the caller.
    this.#push(EXCEPTION_EVENT, exceptionDetails(exception).details, time);
  }
}
