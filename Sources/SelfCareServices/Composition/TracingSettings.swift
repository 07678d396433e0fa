
/// Where traces go over OTLP/HTTP; tracing is off unless an endpoint is set (`OTEL_EXPORTER_OTLP_ENDPOINT`, or
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` for traces alone, as the OpenTelemetry settings name them).
package struct TracingSettings: Sendable, Equatable {
    /// How spans are encoded on the wire.
    package enum Encoding: String, Sendable {
        case protobuf = "http/protobuf"
        case json = "http/json"
    }

    /// The full address spans are posted to (`…/v1/traces`).
    package var tracesEndpoint: String
    package var encoding: Encoding = .protobuf
    package var serviceName = "selfcare"
    /// Longest a finished span waits before it is sent with others.
    package var exportDelay: Duration = .seconds(5)

    package init(tracesEndpoint: String, encoding: Encoding = .protobuf) {
        self.tracesEndpoint = tracesEndpoint
        self.encoding = encoding
    }

    static func load(_ value: (String) -> String?, problems: inout [String]) -> TracingSettings? {
        let endpoint: (setting: String, traces: String)
        if let traces = value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
            endpoint = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces)
        } else if let base = value("OTEL_EXPORTER_OTLP_ENDPOINT") {
            endpoint = ("OTEL_EXPORTER_OTLP_ENDPOINT", (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/v1/traces")
        } else {
            return nil
        }
        if WebOrigin(endpoint.traces) == nil {
            problems.append("\(endpoint.setting) must be an http:// or https:// address, not '\(value(endpoint.setting) ?? "")'")
        }
        var settings = TracingSettings(tracesEndpoint: endpoint.traces)
        if let text = value("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? value("OTEL_EXPORTER_OTLP_PROTOCOL") {
            if let encoding = Encoding(rawValue: text) { settings.encoding = encoding } else {
                problems.append("OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (OTLP over HTTP), not '\(text)'")
            }
        }
        if let name = value("OTEL_SERVICE_NAME") { settings.serviceName = name }
        return settings
    }
}
