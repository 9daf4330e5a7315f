// deno-lint-ignore-file explicit-function-return-type explicit-module-boundary-types
// The peers of bench/encode_bench.ts, in plain JavaScript so that the Deno bench and the Node
// runner (bench/encode_bench_node.mjs) run the very same code. Every dependency is passed in
// (Deno gives `npm:` modules, Node its own `require`), so nothing here imports anything.
//
// - Apache Thrift (npm `thrift`): TCompactProtocol writing the same emitBatch messages as our
//   BatchEncoder, struct by struct (there is no generated code: the layout is the IDL's), from
//   our spans through the same Span -> Jaeger conversion, into the same packets (same spans,
//   seqNo, stats and seqid in each). The bytes are checked equal to ours once.
// - jaeger-client (npm): its own spans, recorded through its tracer, encoded by its UDP sender
//   (ThriftUtils.spanToThrift, then UDPSender.append/flush: thriftrw, binary protocol) into
//   packets of at most 65000 bytes, with the socket replaced by a counter.

/**
 * Makes finished standard spans (design notes) with spanwire's API: the JavaScript twin of
 * tests/_standard_span.ts, for the Node runner.
 */
export function makeStandardSpans(api, count, startMicros = 1_764_000_000_000_000) {
  const { SpanContext, SpanId, TraceId, float } = api;
  const spans = [];
  for (let n = 0; n < count; n++) {
    const parent = new SpanContext({ traceId: TraceId.random(), spanId: SpanId.random() });
    const span = parent.child("GET /api/v2/query");
    span.start = startMicros + n * 10;
    span.setMetadata("http.method", "GET");
    span.setMetadata(
      "http.target",
      `/api/v2/query?org=26f7e5a4b7be365b&bucket=917b97a92e883afc&q=${n}`,
    );
    span.setMetadata("http.status_code", 200);
    span.setMetadata("component", "trace_http");
    span.setMetadata("cached", true);
    span.setMetadata("ratio", float(0.25));
    span.setMetadata("db.rows", 12345);
    span.setMetadata("peer.address", `127.0.0.1:${40000 + (n % 20000)}`);
    span.event("cache miss", { key: "partition-42" }, span.start + 120);
    span.ok();
    span.end = span.start + 1_500;
    spans.push(span);
  }
  return spans;
}

// Thrift.Type values.
const T = { BOOL: 2, DOUBLE: 4, I32: 8, I64: 10, STRING: 11, STRUCT: 12, LIST: 15 };
const ONEWAY = 4;

/**
 * An Apache Thrift encoder of our spans: `encode(spans)` returns the packets, split as
 * `layout` says (span counts, seqNos, stats and seqids of our packets).
 */
export function apacheThriftEncoder(thrift, spanToJaeger, process, layout) {
  const { TCompactProtocol, TBufferedTransport, Int64 } = thrift;
  let out = [];
  const transport = new TBufferedTransport(undefined, (msg) => out.push(msg));
  let p = new TCompactProtocol(transport);

  function i64(v) {
    if (typeof v === "number") return v;
    if (typeof v === "bigint") {
      const u = BigInt.asUintN(64, v);
      return new Int64(Number(u >> 32n), Number(u & 0xffffffffn));
    }
    return new Int64(v.hi >>> 0, v.lo >>> 0);
  }
  function field(name, type, id) {
    p.writeFieldBegin(name, type, id);
  }
  function tag(t) {
    p.writeStructBegin("Tag");
    field("key", T.STRING, 1);
    p.writeString(t.key);
    p.writeFieldEnd();
    field("vType", T.I32, 2);
    p.writeI32(t.vType);
    p.writeFieldEnd();
    if (t.vStr != null) {
      field("vStr", T.STRING, 3);
      p.writeString(t.vStr);
      p.writeFieldEnd();
    }
    if (t.vDouble != null) {
      field("vDouble", T.DOUBLE, 4);
      p.writeDouble(t.vDouble);
      p.writeFieldEnd();
    }
    if (t.vBool != null) {
      field("vBool", T.BOOL, 5);
      p.writeBool(t.vBool);
      p.writeFieldEnd();
    }
    if (t.vLong != null) {
      field("vLong", T.I64, 6);
      p.writeI64(i64(t.vLong));
      p.writeFieldEnd();
    }
    if (t.vBinary != null) {
      field("vBinary", T.STRING, 7);
      p.writeBinary(globalThis.Buffer.from(t.vBinary));
      p.writeFieldEnd();
    }
    p.writeFieldStop();
    p.writeStructEnd();
  }
  function tags(list) {
    p.writeListBegin(T.STRUCT, list.length);
    for (const t of list) tag(t);
    p.writeListEnd();
  }
  function span(s) {
    p.writeStructBegin("Span");
    field("traceIdLow", T.I64, 1);
    p.writeI64(i64(s.traceIdLow));
    p.writeFieldEnd();
    field("traceIdHigh", T.I64, 2);
    p.writeI64(i64(s.traceIdHigh));
    p.writeFieldEnd();
    field("spanId", T.I64, 3);
    p.writeI64(i64(s.spanId));
    p.writeFieldEnd();
    field("parentSpanId", T.I64, 4);
    p.writeI64(i64(s.parentSpanId));
    p.writeFieldEnd();
    field("operationName", T.STRING, 5);
    p.writeString(s.operationName);
    p.writeFieldEnd();
    if (s.references != null) {
      field("references", T.LIST, 6);
      p.writeListBegin(T.STRUCT, s.references.length);
      for (const r of s.references) {
        p.writeStructBegin("SpanRef");
        field("refType", T.I32, 1);
        p.writeI32(r.refType);
        p.writeFieldEnd();
        field("traceIdLow", T.I64, 2);
        p.writeI64(i64(r.traceIdLow));
        p.writeFieldEnd();
        field("traceIdHigh", T.I64, 3);
        p.writeI64(i64(r.traceIdHigh));
        p.writeFieldEnd();
        field("spanId", T.I64, 4);
        p.writeI64(i64(r.spanId));
        p.writeFieldEnd();
        p.writeFieldStop();
        p.writeStructEnd();
      }
      p.writeListEnd();
      p.writeFieldEnd();
    }
    field("flags", T.I32, 7);
    p.writeI32(s.flags);
    p.writeFieldEnd();
    field("startTime", T.I64, 8);
    p.writeI64(i64(s.startTime));
    p.writeFieldEnd();
    field("duration", T.I64, 9);
    p.writeI64(i64(s.duration));
    p.writeFieldEnd();
    if (s.tags != null) {
      field("tags", T.LIST, 10);
      tags(s.tags);
      p.writeFieldEnd();
    }
    if (s.logs != null) {
      field("logs", T.LIST, 11);
      p.writeListBegin(T.STRUCT, s.logs.length);
      for (const l of s.logs) {
        p.writeStructBegin("Log");
        field("timestamp", T.I64, 1);
        p.writeI64(i64(l.timestamp));
        p.writeFieldEnd();
        field("fields", T.LIST, 2);
        tags(l.fields);
        p.writeFieldEnd();
        p.writeFieldStop();
        p.writeStructEnd();
      }
      p.writeListEnd();
      p.writeFieldEnd();
    }
    p.writeFieldStop();
    p.writeStructEnd();
  }
  function packet(spans, from, to, frame) {
    p = new TCompactProtocol(transport); // one protocol a message, as Apache's clients do
    p.writeMessageBegin("emitBatch", ONEWAY, frame.seqId);
    p.writeStructBegin("emitBatch_args");
    field("batch", T.STRUCT, 1);
    p.writeStructBegin("Batch");
    field("process", T.STRUCT, 1);
    p.writeStructBegin("Process");
    field("serviceName", T.STRING, 1);
    p.writeString(process.serviceName);
    p.writeFieldEnd();
    if (process.tags != null) {
      field("tags", T.LIST, 2);
      tags(process.tags);
      p.writeFieldEnd();
    }
    p.writeFieldStop();
    p.writeStructEnd();
    p.writeFieldEnd();
    field("spans", T.LIST, 2);
    p.writeListBegin(T.STRUCT, to - from);
    for (let i = from; i < to; i++) span(spanToJaeger(spans[i]));
    p.writeListEnd();
    p.writeFieldEnd();
    field("seqNo", T.I64, 3);
    p.writeI64(frame.seqNo);
    p.writeFieldEnd();
    field("stats", T.STRUCT, 4);
    p.writeStructBegin("ClientStats");
    field("fullQueueDroppedSpans", T.I64, 1);
    p.writeI64(frame.stats[0]);
    p.writeFieldEnd();
    field("tooLargeDroppedSpans", T.I64, 2);
    p.writeI64(frame.stats[1]);
    p.writeFieldEnd();
    field("failedToEmitSpans", T.I64, 3);
    p.writeI64(frame.stats[2]);
    p.writeFieldEnd();
    p.writeFieldStop();
    p.writeStructEnd();
    p.writeFieldEnd();
    p.writeFieldStop();
    p.writeStructEnd(); // Batch
    p.writeFieldEnd();
    p.writeFieldStop();
    p.writeStructEnd(); // args
    p.writeMessageEnd();
    transport.flush();
  }
  return {
    encode(spans) {
      out = [];
      let from = 0;
      for (const frame of layout) {
        packet(spans, from, from + frame.spans, frame);
        from += frame.spans;
      }
      return out;
    },
  };
}

/**
 * The layout of our packets (span count, seqNo, stats, seqid of each), read back with our
 * decoder, for the Apache encoder to reproduce.
 */
export function packetLayout(packets, decodeEmitBatch) {
  return packets.map((bytes) => {
    const { seqId, batch } = decodeEmitBatch(bytes);
    const s = batch.stats;
    return {
      spans: batch.spans.length,
      seqId,
      seqNo: Number(batch.seqNo),
      stats: [
        Number(s.fullQueueDroppedSpans),
        Number(s.tooLargeDroppedSpans),
        Number(s.failedToEmitSpans),
      ],
    };
  });
}

/** Throws unless both packet lists hold the same bytes. */
export function assertSamePackets(ours, theirs, what) {
  if (ours.length !== theirs.length) {
    throw new Error(`${what}: ${theirs.length} packets, ours ${ours.length}`);
  }
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i];
    const b = theirs[i];
    if (a.length !== b.length || a.some((x, j) => x !== b[j])) {
      throw new Error(`${what}: packet ${i} differs from ours`);
    }
  }
}

/**
 * jaeger-client: records `count` standard spans with its tracer (not timed), and returns
 * `encode()`, which runs its UDP sender's encoding of all of them (timed).
 */
export function jaegerClientEncoder(jaeger, ThriftUtils, UDPSender, count, hostname) {
  const { Tracer, InMemoryReporter, ConstSampler } = jaeger;
  const reporter = new InMemoryReporter();
  const tracer = new Tracer("iox-conductor", reporter, new ConstSampler(true), {
    traceId128bit: true,
  });
  const startMs = 1_764_000_000_000;
  for (let n = 0; n < count; n++) {
    const parent = tracer.startSpan("incoming", { startTime: startMs });
    const span = tracer.startSpan("GET /api/v2/query", {
      childOf: parent.context(),
      startTime: startMs + n / 100,
    });
    span.setTag("http.method", "GET");
    span.setTag(
      "http.target",
      `/api/v2/query?org=26f7e5a4b7be365b&bucket=917b97a92e883afc&q=${n}`,
    );
    span.setTag("http.status_code", 200);
    span.setTag("component", "trace_http");
    span.setTag("cached", true);
    span.setTag("ratio", 0.25);
    span.setTag("db.rows", 12345);
    span.setTag("peer.address", `127.0.0.1:${40000 + (n % 20000)}`);
    span.setTag("ok", true);
    span.log({ event: "cache miss", key: "partition-42" }, startMs + n / 100 + 0.12);
    span.finish(startMs + n / 100 + 1.5);
  }
  const spans = reporter.spans;
  const sender = new UDPSender({ host: "127.0.0.1", port: 6832 });
  sender.close(); // its socket is not part of the measurement
  let packets = 0;
  let bytes = 0;
  sender._client = {
    send(_buffer, _offset, length, _port, _host, callback) {
      packets++;
      bytes += length;
      callback?.(null, length);
    },
    close() {},
  };
  sender.setProcess({
    serviceName: "iox-conductor",
    tags: ThriftUtils.getThriftTags([{ key: "hostname", value: hostname }]),
  });
  return {
    spans: spans.length,
    encode() {
      packets = 0;
      bytes = 0;
      for (let i = 0; i < spans.length; i++) sender.append(ThriftUtils.spanToThrift(spans[i]));
      sender.flush();
      return { packets, bytes };
    },
  };
}
