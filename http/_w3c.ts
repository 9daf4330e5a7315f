// W3C Trace Context: the `traceparent` value (version 00 exactly as the specification writes
// it, higher versions by its forward-compatibility rule) and the `tracestate` list carried
// through.

import { hexDigit } from "../trace/_hex.ts";
import { type ContextFields, show, spanIdField, traceIdField } from "./_ids.ts";
import { TraceContextError } from "./trace_context_error.ts";

const DASH = 45;

const TRACE_ID_RULE = { lowerCase: true, lengths: [32] } as const;
const PARENT_ID_RULE = { lowerCase: true, lengths: [16] } as const;

/**
 * Parses a `traceparent` value.
 *
 * Version 00 must be exactly `00-{32 lower hex}-{16 lower hex}-{2 lower hex}` (55 characters);
 * all-zero trace or parent ids are invalid; version `ff` is invalid; a higher version is read
 * by the version-00 prefix (at least 55 characters, and the flags followed by the end or "-").
 *
 * @param value The header value (trimmed, non-empty).
 * @param header The header's name, for errors.
 * @returns The fields (without the trace state).
 * @throws {TraceContextError} When the value is malformed.
 */
export function parseTraceparent(value: string, header: string): ContextFields {
  const version = value.slice(0, 2);
  if (
    hexDigit(value.charCodeAt(0), true) < 0 || hexDigit(value.charCodeAt(1), true) < 0 ||
    value.charCodeAt(2) !== DASH
  ) {
    throw new TraceContextError(
      header,
      value,
      `version ${show(value.slice(0, 3))} is not two lower-case hex digits followed by "-"`,
    );
  }
  if (version === "ff") throw new TraceContextError(header, value, "version ff is invalid");
  if (version === "00") {
    if (value.length !== 55) {
      throw new TraceContextError(
        header,
        value,
        `version 00 has ${value.length} characters, expected 55`,
      );
    }
  } else {
    if (value.length < 55) {
      throw new TraceContextError(
        header,
        value,
        `version ${version} has ${value.length} characters, fewer than 55`,
      );
    }
    if (value.length > 55 && value[55] !== "-") {
      throw new TraceContextError(
        header,
        value,
        `the flags of version ${version} are followed by ${show(value[55]!)}, not "-"`,
      );
    }
  }
  if (value.charCodeAt(35) !== DASH || value.charCodeAt(52) !== DASH) {
    throw new TraceContextError(
      header,
      value,
      'expected "version-traceid-parentid-flags" with 32 and 16 hex digit ids',
    );
  }
  const traceId = traceIdField(value, TRACE_ID_RULE, header, value, "trace id", 3, 35);
  const spanId = spanIdField(value, PARENT_ID_RULE, header, value, "parent id", 36, 52);
  const high = hexDigit(value.charCodeAt(53), true);
  const low = hexDigit(value.charCodeAt(54), true);
  if (high < 0 || low < 0) {
    throw new TraceContextError(
      header,
      value,
      `flags ${show(value.slice(53, 55))} are not two lower-case hex digits`,
    );
  }
  return { traceId, spanId, sampled: (low & 1) === 1 };
}

// list-member = key "=" value; key = lcalpha/DIGIT then up to 255 of lcalpha, DIGIT, _ - * / @
// (the multi-tenant form `tenant@system` included); value = up to 256 printable ASCII
// characters other than "," and "=", not ending in a space.
const MEMBER =
  /^([a-z0-9][a-z0-9_\-*/@]{0,255})=([\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e])$/;
const MAX_MEMBERS = 32;

/**
 * Normalizes a `tracestate` value to carry it through: members are trimmed and empty ones
 * dropped. A list that breaks the specification's rules (a malformed member, a repeated key,
 * more than 32 members) is discarded whole, as the specification allows, without affecting
 * `traceparent`.
 *
 * @param raw The combined `tracestate` header value, if any.
 * @returns The list to carry through, or `undefined` when there is none or it is invalid.
 */
export function normalizeTraceState(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.length === 0) return undefined;
  const members: string[] = [];
  const keys = new Set<string>();
  for (const part of raw.split(",")) {
    const member = part.trim();
    if (member.length === 0) continue;
    const match = MEMBER.exec(member);
    if (match === null || keys.has(match[1]!)) return undefined;
    keys.add(match[1]!);
    members.push(member);
    if (members.length > MAX_MEMBERS) return undefined;
  }
  return members.length === 0 ? undefined : members.join(",");
}
