# Sends two traces (a root "GET /api/v2/query" with one child each) to a Jaeger agent over UDP
# with Debian's ruby-jaeger-client (Jaeger::UdpSender, Thrift compact), then exits.
# Usage: ruby ruby_peer.rb PORT
require 'jaeger/client'

port = Integer(ARGV.fetch(0))
logger = Logger.new($stderr)
encoder = Jaeger::Encoders::ThriftEncoder.new(service_name: 'ruby-peer', tags: {}, logger: logger)
sender = Jaeger::UdpSender.new(host: '127.0.0.1', port: port, encoder: encoder, logger: logger)
reporter = Jaeger::Reporters::InMemoryReporter.new
tracer = Jaeger::Tracer.new(
  reporter: reporter,
  sampler: Jaeger::Samplers::Const.new(true),
  injectors: Jaeger::Injectors.prepare({}),
  extractors: Jaeger::Extractors.prepare({})
)
2.times do |i|
  tracer.start_active_span('GET /api/v2/query',
                           tags: { 'http.method' => 'GET', 'http.status_code' => 200 }) do
    tracer.start_active_span("child-#{i}") do |scope|
      scope.span.log_kv(event: 'cache miss', key: "k#{i}")
    end
  end
end
sender.send_spans(reporter.spans)
