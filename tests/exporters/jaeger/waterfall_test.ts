import assert from "node:assert/strict";
import {
  formatWaterfall,
  type JaegerSpan,
  type JaegerTag,
  TagType,
} from "../../../exporters/jaeger/mod.ts";

const OK = [{ key: "ok", vType: TagType.BOOL, vBool: true }];
const ERR = [{ key: "error", vType: TagType.BOOL, vBool: true }];

function span(
  id: number,
  parent: number,
  name: string,
  start: number,
  duration: number,
  extra?: Partial<JaegerSpan>,
): JaegerSpan {
  return {
    traceIdHigh: 0n,
    traceIdLow: 7n,
    spanId: BigInt(id),
    parentSpanId: BigInt(parent),
    operationName: name,
    flags: 1,
    startTime: BigInt(start),
    duration: BigInt(duration),
    tags: OK,
    ...extra,
  };
}

Deno.test("waterfall: tree order, indentation, offsets and durations", () => {
  const text = formatWaterfall([
    span(3, 1, "execute", 1_000_600, 300, { tags: ERR }),
    span(1, 0, "request", 1_000_000, 1_000),
    span(2, 1, "plan", 1_000_100, 400),
    span(4, 3, "partition 0", 1_000_650, 100),
  ]);
  const lines = text.split("\n");
  assert.match(lines[0]!, /^trace 00000000000000000000000000000007 {2}4 spans {2}1\.000ms$/);
  assert.match(lines[1]!, /^ {2}request +█+ +0\.000ms +1\.000ms ok$/);
  assert.match(lines[2]!, /^ {4}plan +█+ +0\.100ms +0\.400ms ok$/);
  assert.match(lines[3]!, /^ {4}execute +█+ +0\.600ms +0\.300ms error$/);
  assert.match(lines[4]!, /^ {6}partition 0 +█+ +0\.650ms +0\.100ms ok$/);
  assert.equal(lines.length, 5);
  for (const line of lines) assert.ok([...line].length <= 80, `${[...line].length}: ${line}`);
});

Deno.test("waterfall: bars are drawn to scale", () => {
  const text = formatWaterfall([
    span(1, 0, "whole", 0, 1_000),
    span(2, 1, "second half", 500, 500),
  ]);
  const [, whole, half] = text.split("\n");
  const barOf = (line: string): [number, number] => {
    const first = line.indexOf("█");
    return [first, line.lastIndexOf("█") - first + 1];
  };
  const [wStart, wLen] = barOf(whole!);
  const [hStart, hLen] = barOf(half!);
  assert.ok(Math.abs(hLen * 2 - wLen) <= 1, `half bar ${hLen} vs whole ${wLen}`);
  assert.ok(Math.abs(hStart - (wStart + wLen / 2)) <= 1);
});

Deno.test("waterfall: traces apart, oldest first; a missing parent makes a root", () => {
  const text = formatWaterfall([
    span(9, 0, "later trace", 5_000, 10, { traceIdLow: 8n }),
    span(2, 99, "orphan", 1_000, 10),
  ]);
  const blocks = text.split("\n\n");
  assert.equal(blocks.length, 2);
  assert.match(blocks[0]!, /trace 0+7 .*\n {2}orphan/);
  assert.match(blocks[1]!, /trace 0+8 .*\n {2}later trace/);
  assert.equal(formatWaterfall([]), "");
});

Deno.test("waterfall: important tags under the span; colour only when asked", () => {
  const tags = [
    ...OK,
    { key: "http.status_code", vType: TagType.LONG, vLong: 200n },
    { key: "unimportant", vType: TagType.STRING, vStr: "x" },
  ];
  const plain = formatWaterfall([span(1, 0, "GET /", 0, 10, { tags })], { serviceName: "svc" });
  assert.match(plain, /svc/);
  assert.match(plain, /\n {4}· http\.status_code=200$/);
  assert.ok(!plain.includes("unimportant"));
  assert.ok(!plain.includes("\x1b["));
  const colored = formatWaterfall([span(1, 0, "GET /", 0, 10)], { color: true });
  assert.ok(colored.includes("\x1b[32m"));
});

Deno.test("waterfall: ids given as parts or numbers group the same", () => {
  const text = formatWaterfall([
    span(1, 0, "root", 0, 10, { traceIdLow: { hi: 0, lo: 7 }, spanId: { hi: 0, lo: 1 } }),
    span(2, 1, "child", 2, 5, { traceIdLow: 7, parentSpanId: 1 }),
  ]);
  assert.match(text, /^trace 0+7 {2}2 spans/);
  assert.match(text, /\n {4}child/);
});

Deno.test("waterfall: events (logs) under their span, with offset and fields, when asked", () => {
  const logs = [{
    timestamp: 1_000_250n,
    fields: [
      { key: "event", vType: TagType.STRING, vStr: "cache miss" },
      { key: "key", vType: TagType.STRING, vStr: "partition-42" },
      { key: "rows", vType: TagType.LONG, vLong: 12n },
    ],
  }];
  const spans = [
    span(1, 0, "root", 1_000_000, 1_000),
    span(2, 1, "child", 1_000_100, 500, { logs }),
  ];
  const withEvents = formatWaterfall(spans, { events: true });
  assert.match(withEvents, /\n {4}child .*\n {6}◦ 0\.250ms "cache miss" key=partition-42 rows=12$/);
  assert.ok(!formatWaterfall(spans).includes("cache miss"), "events are off by default");
});

Deno.test("waterfall: the status description shows for failed spans, once", () => {
  const desc = (text: string): JaegerTag => ({
    key: "otel.status_description",
    vType: TagType.STRING,
    vStr: text,
  });
  const failed = span(1, 0, "failed", 0, 10, { tags: [...ERR, desc("table not found: x")] });
  const fine = span(2, 0, "fine", 20, 10, { tags: [...OK, desc("request processed")] });
  const text = formatWaterfall([failed, fine]);
  assert.match(text, /· otel\.status_description=table not found: x/);
  assert.ok(!text.includes("request processed"));
  // When an event already says it, it is not repeated as a tag.
  const logged = span(1, 0, "failed", 0, 10, {
    tags: [...ERR, desc("boom")],
    logs: [{ timestamp: 5n, fields: [{ key: "event", vType: TagType.STRING, vStr: "boom" }] }],
  });
  const once = formatWaterfall([logged], { events: true });
  assert.equal(once.split("boom").length - 1, 1, once);
});

Deno.test("waterfall: every line fits the width; names get room before being cut", () => {
  const long = "x".repeat(300);
  const spans = [
    span(1, 0, "GET /api/v2/query", 0, 1_000, {
      tags: [
        ...OK,
        { key: "http.target", vType: TagType.STRING, vStr: `/api/v2/query?q=${long}` },
        { key: "http.status_code", vType: TagType.LONG, vLong: 200n },
        { key: "db.rows", vType: TagType.LONG, vLong: 12345n },
      ],
    }),
    span(2, 1, "execute", 100, 800),
    span(3, 2, "scan partition 0", 100, 300),
    span(4, 3, `deep ${long}`, 150, 100),
  ];
  for (const width of [60, 80, 100, 120]) {
    const text = formatWaterfall(spans, { width, events: true, serviceName: `svc-${long}` });
    for (const line of text.split("\n")) {
      assert.ok([...line].length <= width, `${width}: ${[...line].length}: ${line}`);
    }
  }
  // A heading too long for a narrow width goes on two lines, the service name kept.
  const narrow = formatWaterfall(spans.slice(0, 1), { width: 60, serviceName: "ruby-peer" });
  assert.match(narrow, /^trace 0{31}7\n {2}ruby-peer {2}1 span {2}1\.000ms\n/);
  // At 80 columns, "scan partition 0" at depth 2 (6 + 16 columns) is not cut.
  assert.match(formatWaterfall(spans.slice(0, 3)), /\n {6}scan partition 0 +█/);
  // The tags that do not fit one line wrap onto the next.
  const tagLines = formatWaterfall(spans.slice(0, 1)).split("\n").filter((l) =>
    /^ {4}[·] |^ {6}/.test(l)
  );
  assert.ok(tagLines.length >= 2, tagLines.join("\n"));
});
