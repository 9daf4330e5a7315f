// TRACES_EXPORTER=otlp and OpenTelemetry's OTEL_* variables.

import assert from "node:assert/strict";
import { tracingFromEnv } from "../../../exporters/mod.ts";
import { otlpConfigFromEnv, OtlpExporter } from "../../../exporters/otlp/mod.ts";
import { MockOtlpReceiver } from "../../../exporters/otlp/testing.ts";
import { SpanRecorder } from "../../../trace/mod.ts";

Deno.test("otlpConfigFromEnv: defaults, precedence, and errors naming the variable", () => {
  const d = otlpConfigFromEnv({ HOSTNAME: "h" });
  assert.deepEqual(d, {
    url: "http://localhost:4318/v1/traces",
    format: "protobuf",
    headers: {},
    compression: "none",
    timeoutMs: 10_000,
    serviceName: "iox-conductor",
    attributes: { "host.name": "h" },
  });
  // The traces endpoint is used as is, and wins over the base endpoint.
  assert.equal(
    otlpConfigFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://b/custom/path",
    }).url,
    "https://b/custom/path",
  );
  assert.equal(
    otlpConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318/prefix" }).url,
    "http://a:4318/prefix/v1/traces",
  );
  // Traces-specific variables win; headers merge; values are percent-decoded.
  const c = otlpConfigFromEnv({
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "HTTP/JSON",
    OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
    OTEL_EXPORTER_OTLP_TIMEOUT: "2500",
    OTEL_EXPORTER_OTLP_HEADERS: "a=1, b = x%2Cy ",
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: "a=2",
    OTEL_RESOURCE_ATTRIBUTES: "service.name=from-resource,host.name=given,k=v%20w",
    TRACES_EXPORTER_JAEGER_SERVICE_NAME: "jaeger-name",
  });
  assert.equal(c.format, "json");
  assert.equal(c.compression, "gzip");
  assert.equal(c.timeoutMs, 2500);
  assert.deepEqual(c.headers, { a: "2", b: "x,y" });
  assert.equal(c.serviceName, "from-resource");
  assert.deepEqual(c.attributes, { "host.name": "given", k: "v w" });
  // OTEL_SERVICE_NAME wins; then the resource's service.name; then IOx's Jaeger name.
  assert.equal(
    otlpConfigFromEnv({
      OTEL_SERVICE_NAME: "svc",
      OTEL_RESOURCE_ATTRIBUTES: "service.name=r",
    }).serviceName,
    "svc",
  );
  assert.equal(
    otlpConfigFromEnv({ TRACES_EXPORTER_JAEGER_SERVICE_NAME: "j" }).serviceName,
    "j",
  );
  const bad: [Record<string, string>, RegExp, ErrorConstructor][] = [
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" }, /OTEL_EXPORTER_OTLP_ENDPOINT/, SyntaxError],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "::" },
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/,
      SyntaxError,
    ],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, /OTEL_EXPORTER_OTLP_PROTOCOL.*gRPC/, RangeError],
    [{ OTEL_EXPORTER_OTLP_COMPRESSION: "br" }, /OTEL_EXPORTER_OTLP_COMPRESSION/, RangeError],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: "10s" }, /OTEL_EXPORTER_OTLP_TIMEOUT/, SyntaxError],
    [{ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "0" }, /OTEL_EXPORTER_OTLP_TRACES_TIMEOUT/, RangeError],
    [{ OTEL_EXPORTER_OTLP_HEADERS: "novalue" }, /OTEL_EXPORTER_OTLP_HEADERS/, SyntaxError],
    [{ OTEL_RESOURCE_ATTRIBUTES: "k=%E0%A4%A" }, /OTEL_RESOURCE_ATTRIBUTES/, SyntaxError],
  ];
  for (const [env, message, type] of bad) {
    assert.throws(() => otlpConfigFromEnv(env), (e: unknown) => {
      assert.ok(e instanceof type, `${JSON.stringify(env)}: ${e}`);
      assert.match((e as Error).message, message);
      return true;
    });
  }
});

Deno.test("tracingFromEnv: TRACES_EXPORTER=otlp (or OTEL_TRACES_EXPORTER) exports over OTLP/HTTP", async () => {
  const receiver = await MockOtlpReceiver.start();
  try {
    for (
      const selector of [
        { TRACES_EXPORTER: "otlp" },
        { OTEL_TRACES_EXPORTER: "otlp" },
        { TRACES_EXPORTER: " ", OTEL_TRACES_EXPORTER: "OTLP" },
      ]
    ) {
      const before = receiver.spans.length;
      const tracing = tracingFromEnv({
        ...selector,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_SERVICE_NAME: "env-svc",
        HOSTNAME: "host-9",
      })!;
      assert.ok(tracing.collector instanceof OtlpExporter);
      assert.equal(tracing.agent, undefined);
      assert.equal(tracing.otlp?.format, "json");
      const ctx = tracing.parser.parse(
        new Headers({ "uber-trace-id": "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1" }),
        tracing.collector,
      );
      {
        using span = new SpanRecorder(ctx?.child("request"));
        span.ok();
      }
      await tracing.shutdown();
      const [span] = (await receiver.waitForSpans(before + 1)).slice(before);
      assert.equal(span?.serviceName, "env-svc");
      assert.equal(span?.resource.attributes["host.name"], "host-9");
      assert.equal(span?.traceId, "4bf92f3577b34da6a3ce929d0e0e4736");
      assert.equal(span?.parentSpanId, "00f067aa0ba902b7");
    }
    // TRACES_EXPORTER wins over OTEL_TRACES_EXPORTER.
    assert.equal(
      tracingFromEnv({ TRACES_EXPORTER: "none", OTEL_TRACES_EXPORTER: "otlp" }),
      undefined,
    );
    assert.throws(
      () => tracingFromEnv({ OTEL_TRACES_EXPORTER: "zipkin" }),
      /OTEL_TRACES_EXPORTER: "zipkin"/,
    );
    assert.throws(
      () => tracingFromEnv({ TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }),
      /OTEL_EXPORTER_OTLP_PROTOCOL/,
    );
  } finally {
    await receiver.close();
  }
});
