import Metrics
import Prometheus

/// The portal's metrics: recorded through swift-metrics into this portal's own Prometheus registry (so two portals
/// in one process, as in tests, never mix), and exposed by `/metrics`.
package struct PortalMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    package init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.registry = registry
        self.factory = factory
    }

    /// One answered request: counted by route, method and status, and its latency into the histogram.
    func recordRequest(route: String, method: String, status: Int, nanoseconds: Int64) {
        let dimensions = [("route", route), ("method", method), ("status", String(status))]
        Counter(label: "http_server_requests_total", dimensions: dimensions, factory: factory).increment()
        Timer(label: "http_server_request_duration_seconds", dimensions: [("route", route), ("method", method)], factory: factory)
            .recordNanoseconds(nanoseconds)
    }

    /// One login attempt (pages or API) and how it ended: success, failure, locked or throttled.
    func recordLogin(_ result: String) {
        Counter(label: "selfcare_logins_total", dimensions: [("result", result)], factory: factory).increment()
    }
}
