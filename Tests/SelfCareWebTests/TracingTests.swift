import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import SelfCareServices
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareWeb

/// Issue 15.4: a span per request and per database statement, exported over OTLP/HTTP, and off unless configured; a
/// caller's trace is continued only through a trusted proxy (issue 21).
@Suite("Tracing")
struct TracingTests {
    @Test("a request from a trusted proxy reaches a collector as a span continuing the caller's trace, statements as children",
          arguments: TestDatabase.engines)
    func requestReachesCollector(engine: DatabaseEngine) async throws {
        // given a collector, and a trusted proxy (the test client on loopback) that sends its own trace context
        let collector = OTLPCollector()
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        let callerSpanID = "00f067aa0ba902b7"
        var headers = HTTPFields()
        headers[HTTPField.Name("traceparent")!] = "00-\(traceID)-\(callerSpanID)-01"
        let sent = headers

        // when the portal, tracing to it, answers one request and stops (its exporter sends what is left)
        try await collector.run { endpoint in
            try await WebTest.withPortal(engine: engine, framework: .live, configure: { configuration in
                configuration.tracing = Self.settings(endpoint)
                configuration.trustedProxies = try! TrustedProxies("127.0.0.1, ::1")
            }) { portal in
                let response = try await portal.client.execute(uri: "/health/ready", method: .get, headers: sent)
                #expect(response.status == .ok)
            }
        }

        // then
        let spans = collector.spans
        let server = try #require(spans.first { $0.kind == 2 && $0.traceID == traceID })
        #expect(server.name == "GET /health/ready")
        #expect(server.parentSpanID == callerSpanID)
        #expect(server.attributes["http.route"] == "/health/ready")
        #expect(server.attributes["http.response.status_code"] == "200")
        #expect(server.serviceName == "selfcare")
        let statements = spans.filter { $0.kind == 3 && $0.parentSpanID == server.spanID }
        #expect(!statements.isEmpty)
        #expect(statements.allSatisfy { $0.traceID == traceID && $0.attributes["db.system.name"] == (engine == .sqlite ? "sqlite" : "postgresql") })
        #expect(statements.contains { $0.name == "SELECT" && $0.attributes["db.query.text"]?.contains("schema_migrations") == true })
    }

    @Test("a caller that is not a trusted proxy gets a trace of its own, linked to the trace it sent, even with sampling off")
    func untrustedCallerStartsItsOwnTrace() async throws {
        // given a collector, a trusted proxy elsewhere, and a caller on loopback that sends a trace context, not sampled
        let collector = OTLPCollector()
        let traceID = "0af7651916cd43dd8448eb211c80319c"
        let callerSpanID = "b7ad6b7169203331"
        var headers = HTTPFields()
        headers[HTTPField.Name("traceparent")!] = "00-\(traceID)-\(callerSpanID)-00"
        let sent = headers

        // when
        try await collector.run { endpoint in
            try await WebTest.withPortal(framework: .live, configure: { configuration in
                configuration.tracing = Self.settings(endpoint)
                configuration.trustedProxies = try! TrustedProxies("10.0.0.0/8")
            }) { portal in
                let response = try await portal.client.execute(uri: "/health/ready", method: .get, headers: sent)
                #expect(response.status == .ok)
            }
        }

        // then the request is traced, in a new trace of its own, and the caller's trace is only a link
        let spans = collector.spans
        let server = try #require(spans.first { $0.kind == 2 && $0.name == "GET /health/ready" })
        #expect(server.traceID != traceID)
        #expect(server.traceID.count == 32)
        #expect(server.parentSpanID.isEmpty)
        #expect(server.links == [OTLPCollector.ReceivedLink(traceID: traceID, spanID: callerSpanID)])
        #expect(!spans.contains { $0.traceID == traceID })
        let statements = spans.filter { $0.kind == 3 && $0.parentSpanID == server.spanID }
        #expect(!statements.isEmpty && statements.allSatisfy { $0.traceID == server.traceID })
    }

    /// Tracing to `endpoint` as JSON, sent at once.
    static func settings(_ endpoint: String) -> TracingSettings {
        var tracing = TracingSettings(tracesEndpoint: endpoint, encoding: .json)
        tracing.exportDelay = .milliseconds(10)
        return tracing
    }

    @Test("off unless an endpoint is set; read by the OpenTelemetry names; a protocol not built in is named")
    func settings() throws {
        // given / when / then
        #expect(try AppConfiguration.load([:]).tracing == nil)
        let base = try AppConfiguration.load(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"]).tracing
        #expect(base?.tracesEndpoint == "http://collector:4318/v1/traces")
        #expect(base?.encoding == .protobuf)
        let traces = try AppConfiguration.load([
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector.example.mu/otlp/traces", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            "OTEL_SERVICE_NAME": "selfcare-eu",
        ]).tracing
        #expect(traces?.tracesEndpoint == "https://collector.example.mu/otlp/traces")
        #expect(traces?.encoding == .json && traces?.serviceName == "selfcare-eu")
        let error = #expect(throws: ConfigurationError.self) {
            try AppConfiguration.load(["OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"])
        }
        #expect(error?.problems.contains { $0.hasPrefix("OTEL_EXPORTER_OTLP_ENDPOINT must be an http://") } == true)
        #expect(error?.problems.contains { $0.hasPrefix("OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json") } == true)
    }
}

/// An OTLP/HTTP receiver for JSON-encoded traces: keeps every span it is sent.
final class OTLPCollector: Sendable {
    struct ReceivedSpan: Sendable {
        var traceID: String
        var spanID: String
        var parentSpanID: String
        var name: String
        var kind: Int
        var attributes: [String: String]
        var serviceName: String?
        var links: [ReceivedLink]
    }

    /// A span's link to a span of another trace.
    struct ReceivedLink: Sendable, Equatable {
        var traceID: String
        var spanID: String
    }

    private let received = Mutex<[ReceivedSpan]>([])

    var spans: [ReceivedSpan] { received.withLock { $0 } }

    /// Listens on a free loopback port while `body` runs with the traces endpoint.
    func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let data = Data(buffer: try await request.body.collect(upTo: 16 << 20))
            self.keep(try JSONSerialization.jsonObject(with: data))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(try #require(client.port))/v1/traces")
        }
    }

    private func keep(_ document: Any) {
        var found: [ReceivedSpan] = []
        for resource in (document as? [String: Any])?["resourceSpans"] as? [[String: Any]] ?? [] {
            let resourceAttributes = Self.attributes((resource["resource"] as? [String: Any])?["attributes"])
            for scope in resource["scopeSpans"] as? [[String: Any]] ?? [] {
                for span in scope["spans"] as? [[String: Any]] ?? [] {
                    found.append(ReceivedSpan(
                        traceID: Self.hex(span["traceId"]), spanID: Self.hex(span["spanId"]), parentSpanID: Self.hex(span["parentSpanId"]),
                        name: span["name"] as? String ?? "", kind: span["kind"] as? Int ?? 0, attributes: Self.attributes(span["attributes"]),
                        serviceName: resourceAttributes["service.name"],
                        links: (span["links"] as? [[String: Any]] ?? []).map {
                            ReceivedLink(traceID: Self.hex($0["traceId"]), spanID: Self.hex($0["spanId"]))
                        }))
                }
            }
        }
        received.withLock { $0 += found }
    }

    /// Identifiers arrive as hex (the OTLP/JSON rule) or base64 (protobuf's JSON for bytes): both read as hex.
    private static func hex(_ value: Any?) -> String {
        guard let text = value as? String, !text.isEmpty else { return "" }
        if text.count % 2 == 0, text.allSatisfy(\.isHexDigit), text.count == 16 || text.count == 32 { return text.lowercased() }
        guard let bytes = Data(base64Encoded: text) else { return text }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    private static func attributes(_ value: Any?) -> [String: String] {
        var result: [String: String] = [:]
        for attribute in value as? [[String: Any]] ?? [] {
            guard let key = attribute["key"] as? String, let value = attribute["value"] as? [String: Any], let first = value.first else { continue }
            result[key] = "\(first.value)"
        }
        return result
    }
}
