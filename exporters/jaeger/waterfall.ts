/**
 * Draws Jaeger spans as terminal waterfalls: one block a trace, the span tree with names,
 * start offsets and durations drawn to scale, the status, and the important tags. Pure: it
 * returns text and runs anywhere. The demo and the local agent (`deno task agent`) print with
 * it; tests can print what a `MockJaegerAgent` received.
 *
 * @module
 */

import type { JaegerSpan, JaegerTag } from "./thrift_model.ts";
import { TagType } from "./thrift_model.ts";
import { i64BigInt as i64, i64Hex as hex64 } from "./_i64.ts";

/**
 * How {@linkcode formatWaterfall} draws.
 *
 * @example
 * ```ts
 * import type { WaterfallOptions } from "@spanwire/trace/exporters/jaeger";
 *
 * const options: WaterfallOptions = { width: 80, color: false, serviceName: "iox-conductor" };
 * ```
 */
export interface WaterfallOptions {
  /** Total line width in columns (default 80, at least 60); no line is longer. */
  width?: number | undefined;
  /** ANSI colours (default false; pass true only when writing to a terminal). */
  color?: boolean | undefined;
  /** The service name to show in each trace's heading (optional). */
  serviceName?: string | undefined;
  /**
   * Tag keys shown under a span when present (default: a list of HTTP, DB and error keys).
   * The status description (`otel.status_description`) is shown for failed spans only.
   */
  importantTags?: readonly string[] | undefined;
  /** Show each span's logs (events) under it, with their offset and fields (default false). */
  events?: boolean | undefined;
  /**
   * The service of each span, by its index in `spans` (optional). A trace is then headed by
   * its root's service (`serviceName` only where no root is known), and when its spans come
   * from more than one service each span's line names its service (`service: operation`).
   */
  services?: readonly string[] | undefined;
}

const DEFAULT_IMPORTANT = [
  "http.target",
  "http.path",
  "http.status_code",
  "db.rows",
  "partition",
  "error.message",
  "jaeger-debug-id",
  "spanwire.trimmed",
];

const STATUS_DESCRIPTION = "otel.status_description";

function ms(micros: bigint): string {
  const sign = micros < 0n ? "-" : "";
  const abs = micros < 0n ? -micros : micros;
  const whole = abs / 1000n;
  const frac = (abs % 1000n).toString().padStart(3, "0");
  return `${sign}${whole}.${frac}ms`;
}

function tagText(tag: JaegerTag): string {
  switch (tag.vType) {
    case TagType.STRING:
      return tag.vStr ?? "";
    case TagType.DOUBLE:
      return String(tag.vDouble);
    case TagType.BOOL:
      return String(tag.vBool);
    case TagType.LONG:
      return tag.vLong === undefined ? "" : String(i64(tag.vLong));
    default:
      return `<${tag.vBinary?.length ?? 0} bytes>`;
  }
}

function statusOf(span: JaegerSpan): "ok" | "error" | "-" {
  let status: "ok" | "error" | "-" = "-";
  for (const tag of span.tags ?? []) {
    if (tag.key === "error" && (tag.vBool === true || tag.vStr === "true")) return "error";
    if (tag.key === "ok" && tag.vBool === true) status = "ok";
  }
  return status;
}

function fit(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text + " ".repeat(width - chars.length);
  return chars.slice(0, Math.max(0, width - 1)).join("") + "…";
}

/** Words (`key=value` items) wrapped into lines of at most `width` characters each. */
function wrap(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const raw of items) {
    const item = [...raw].length > width ? fit(raw, width) : raw;
    if (line === "") line = item;
    else if ([...line].length + 1 + [...item].length <= width) line += ` ${item}`;
    else {
      lines.push(line);
      line = item;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

interface Node {
  span: JaegerSpan;
  service: string | undefined;
  start: bigint;
  duration: bigint;
  children: Node[];
}

/**
 * Groups spans by trace and draws each trace as a waterfall, oldest trace first. A span whose
 * parent is not among the spans is drawn as a root of its trace.
 *
 * @param spans Jaeger spans (as a `MockJaegerAgent` decodes them, or as converted).
 * @param options Width, colour, service name, important tags.
 * @returns The drawing, lines joined with `\n` (no trailing newline); empty for no spans.
 *
 * @example
 * ```ts
 * import { formatWaterfall, TagType } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * const ok = [{ key: "ok", vType: TagType.BOOL, vBool: true }];
 * const text = formatWaterfall([
 *   { traceIdHigh: 0, traceIdLow: 1, spanId: 2, parentSpanId: 0, operationName: "request",
 *     flags: 1, startTime: 1_000_000, duration: 2_000, tags: ok },
 *   { traceIdHigh: 0, traceIdLow: 1, spanId: 3, parentSpanId: 2, operationName: "query",
 *     flags: 1, startTime: 1_000_500, duration: 1_000, tags: ok },
 * ]);
 * assert.match(text, /^trace 00000000000000000000000000000001/);
 * assert.match(text, /\n {2}request .* 0\.000ms +2\.000ms ok/);
 * assert.match(text, /\n {4}query .* 0\.500ms +1\.000ms ok/);
 * ```
 */
export function formatWaterfall(spans: readonly JaegerSpan[], options?: WaterfallOptions): string {
  const width = Math.max(60, options?.width ?? 80);
  const color = options?.color ?? false;
  const important = new Set(options?.importantTags ?? DEFAULT_IMPORTANT);
  const paint = (code: string, text: string): string =>
    color ? `\x1b[${code}m${text}\x1b[0m` : text;

  const traces = new Map<string, Node[]>();
  for (const [i, span] of spans.entries()) {
    const key = hex64(span.traceIdHigh) + hex64(span.traceIdLow);
    let list = traces.get(key);
    if (list === undefined) traces.set(key, list = []);
    list.push({
      span,
      service: options?.services?.[i],
      start: i64(span.startTime),
      duration: i64(span.duration),
      children: [],
    });
  }

  const blocks: { start: bigint; lines: string[] }[] = [];
  for (const [traceId, nodes] of traces) {
    const byId = new Map<string, Node>();
    for (const node of nodes) byId.set(hex64(node.span.spanId), node);
    const roots: Node[] = [];
    for (const node of nodes) {
      const parent = i64(node.span.parentSpanId) === 0n
        ? undefined
        : byId.get(hex64(node.span.parentSpanId));
      if (parent !== undefined && parent !== node) parent.children.push(node);
      else roots.push(node);
    }
    const byStart = (
      a: Node,
      b: Node,
    ): number => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0);
    let t0 = nodes[0]!.start;
    let t1 = nodes[0]!.start + nodes[0]!.duration;
    for (const n of nodes) {
      if (n.start < t0) t0 = n.start;
      if (n.start + n.duration > t1) t1 = n.start + n.duration;
    }
    const total = t1 - t0 > 0n ? t1 - t0 : 1n;
    const multiService = new Set(nodes.map((n) => n.service)).size > 1;
    const label = (node: Node): string =>
      multiService && node.service !== undefined
        ? `${node.service}: ${node.span.operationName}`
        : node.span.operationName;

    const timeWidth = 9;
    const statusWidth = 5;
    // name, bar, two times and the status, with a space between each.
    const available = width - 2 * timeWidth - statusWidth - 4;
    let needed = 0;
    const measure = (node: Node, depth: number): void => {
      needed = Math.max(needed, 2 * (depth + 1) + [...label(node)].length);
      for (const child of node.children) measure(child, depth + 1);
    };
    for (const root of roots) measure(root, 0);
    const nameWidth = Math.max(
      Math.floor(available * 0.35),
      Math.min(needed + 1, Math.floor(available * 0.6)),
    );
    const barWidth = available - nameWidth - 1;
    const summary = `${nodes.length} span${nodes.length === 1 ? "" : "s"}  ${ms(t1 - t0)}`;
    const rootService = roots.find((r) => i64(r.span.parentSpanId) === 0n)?.service;
    const name = rootService ?? options?.serviceName ?? "";
    const heading = name === ""
      ? `trace ${traceId}  ${summary}`
      : `trace ${traceId}  ${name}  ${summary}`;
    // Too long for one line (a narrow width, a long service name): two lines, cut to fit.
    const lines = [...heading].length <= width ? [paint("1", heading)] : [
      paint("1", `trace ${traceId}`),
      paint("1", fit(`  ${name === "" ? "" : `${name}  `}${summary}`, width).trimEnd()),
    ];

    const detail = (depth: number, bullet: string, items: readonly string[]): void => {
      const indent = "  ".repeat(depth + 2);
      const room = width - indent.length - 2;
      for (const [i, text] of wrap(items, room).entries()) {
        lines.push(paint("2", `${indent}${i === 0 ? `${bullet} ` : "  "}${text}`));
      }
    };

    const draw = (node: Node, depth: number): void => {
      const status = statusOf(node.span);
      const from = Number(((node.start - t0) * BigInt(barWidth)) / total);
      const len = Math.max(1, Number((node.duration * BigInt(barWidth)) / total));
      const bar = " ".repeat(Math.min(from, barWidth - 1)) +
        "█".repeat(Math.min(len, barWidth - Math.min(from, barWidth - 1)));
      const barColor = status === "error" ? "31" : status === "ok" ? "32" : "33";
      const name = fit(`${"  ".repeat(depth + 1)}${label(node)}`, nameWidth);
      const statusText = status === "error" ? paint("31;1", "error") : status;
      lines.push(
        `${name} ${paint(barColor, fit(bar, barWidth))} ${
          ms(node.start - t0).padStart(timeWidth)
        } ${ms(node.duration).padStart(timeWidth)} ${statusText}`.trimEnd(),
      );
      // The status description of a failed span, unless an event already says the same.
      const said = (text: string): boolean =>
        options?.events === true &&
        (node.span.logs ?? []).some((l) =>
          l.fields.some((f) => f.key === "event" && f.vStr === text)
        );
      const shown = (node.span.tags ?? []).filter((t) =>
        important.has(t.key) ||
        (t.key === STATUS_DESCRIPTION && status === "error" && !said(tagText(t)))
      ).map((t) => `${t.key}=${tagText(t)}`);
      if (shown.length > 0) detail(depth, "·", shown);
      if (options?.events) {
        for (const log of node.span.logs ?? []) {
          const event = log.fields.find((f) => f.key === "event");
          const rest = log.fields.filter((f) => f !== event).map((f) => `${f.key}=${tagText(f)}`);
          const at = ms(i64(log.timestamp) - t0);
          detail(depth, "◦", [at, event === undefined ? "(log)" : `"${tagText(event)}"`, ...rest]);
        }
      }
      for (const child of node.children.sort(byStart)) draw(child, depth + 1);
    };
    for (const root of roots.sort(byStart)) draw(root, 0);
    blocks.push({ start: t0, lines });
  }
  blocks.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return blocks.map((b) => b.lines.join("\n")).join("\n\n");
}
