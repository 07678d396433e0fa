import Logging
import OTel
import ServiceLifecycle
import Tracing

/// The portal's tracer: spans batched and exported over OTLP/HTTP by swift-otel, and the service that sends them
/// (it flushes what is left when the portal stops). Only traces: metrics and logs have their own paths.
package struct PortalTracing: Sendable {
    package let tracer: any Tracer
    package let exporter: any Service

    package init(_ settings: TracingSettings, logger: Logger) throws {
        var configuration = OTel.Configuration.default
        configuration.serviceName = settings.serviceName
        configuration.diagnosticLogger = .custom(logger)
        configuration.diagnosticLogLevel = .warning
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.enabled = true
        configuration.traces.sampler = .parentBasedAlwaysOn
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.endpoint = settings.tracesEndpoint
        configuration.traces.otlpExporter.protocol = settings.encoding == .json ? .httpJSON : .httpProtobuf
        configuration.traces.batchSpanProcessor.scheduleDelay = settings.exportDelay
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        tracer = backend.factory
        exporter = backend.service
    }
}
