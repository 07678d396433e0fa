import Foundation
import Hummingbird
import Prometheus
import SelfCareCore
import SelfCareServices

/// `GET /metrics` in the Prometheus text format, from the portal's registry: HTTP requests by route and status with
/// latency histograms and logins by outcome, as this instance saw them; and, read from the database at each scrape
/// (the same on every instance), the outbox by channel and status with the age of the oldest waiting message and the
/// hand-over latency, payments by status, and the last bill run's duration; and this instance's database connections.
struct MetricsController {
    let operations: OperationsReport
    let mode: AppConfiguration.Mode
    let token: String?
    let metrics: PortalMetrics

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/metrics", use: scrape)
    }

    @Sendable func scrape(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard isAllowed(request) else { throw HTTPError(.notFound) }
        let figures = try await operations.figures()
        let registry = metrics.registry
        for channel in ["sms", "email"] {
            for status in ["queued", "sending", "sent", "delivered", "failed"] {
                gauge("selfcare_outbox_messages", labels: [("channel", channel), ("status", status)],
                                   help: "Messages in the outbox by channel and status.")
                    .set(Double(figures.outboxCounts["\(channel).\(status)"] ?? 0))
            }
        }
        gauge("selfcare_outbox_oldest_waiting_seconds", help: "Seconds the oldest message not yet handed over has waited.")
            .set(Double(figures.oldestWaitingSeconds))
        gauge("selfcare_outbox_sent_last_hour", help: "Messages handed to the SMSC or the mail relay in the last hour.")
            .set(Double(figures.sentLastHour))
        let average = figures.sentLastHour == 0 ? 0 : Double(figures.latencyTotalSeconds) / Double(figures.sentLastHour)
        gauge("selfcare_outbox_latency_seconds", labels: [("stat", "average")],
                           help: "Seconds from queueing to hand-over, over the last hour.").set(average)
        gauge("selfcare_outbox_latency_seconds", labels: [("stat", "max")],
                           help: "Seconds from queueing to hand-over, over the last hour.").set(Double(figures.latencyLongestSeconds))
        for status in ["pending", "succeeded", "failed", "canceled"] {
            gauge("selfcare_payments", labels: [("status", status)], help: "Card payments by status.")
                .set(Double(figures.payments[status] ?? 0))
        }
        for (state, count) in [("in_use", figures.connectionsInUse), ("max", figures.connectionCapacity)] {
            gauge("selfcare_db_connections", labels: [("state", state)],
                               help: "Database connections of this instance: held by a request or task, and the most it opens.")
                .set(Double(count))
        }
        if let seconds = figures.lastBillRunSeconds {
            gauge("selfcare_bill_run_duration_seconds", help: "How long the bill run of the latest closed period took.")
                .set(seconds)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }

    /// The registry's gauge `name` with `labels`, described by `help`.
    private func gauge(_ name: String, labels: [(String, String)] = [], help: String) -> Gauge {
        metrics.registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
    }

    /// Open in development; in production only with the configured bearer token.
    private func isAllowed(_ request: Request) -> Bool {
        guard let token else { return mode == .development }
        let given = request.headers[.authorization].map { Array($0.utf8) } ?? []
        let expected = Array("Bearer \(token)".utf8)
        return given.count == expected.count && zip(given, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
