import Foundation
import Hummingbird
import SelfCareCore
import SelfCareServices
import SelfCareStore

/// `GET /metrics`: the outbox in the Prometheus text format — messages by channel and status, and the time from
/// queueing to hand-over over the last hour. Read from the database, so it is the same on every instance.
struct MetricsController {
    let database: Database
    let clock: any WallClock
    let mode: AppConfiguration.Mode
    let token: String?

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/metrics") { request, _ -> Response in
            guard isAllowed(request) else { throw HTTPError(.notFound) }
            let since = clock.now().addingTimeInterval(-3600)
            let statistics = try await database.read { db in try await OutboxRepository().statistics(since: since, on: db) }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.exposition(statistics))))
        }
    }

    /// Open in development; in production only with the configured bearer token.
    private func isAllowed(_ request: Request) -> Bool {
        guard let token else { return mode == .development }
        let given = request.headers[.authorization].map { Array($0.utf8) } ?? []
        let expected = Array("Bearer \(token)".utf8)
        return given.count == expected.count && zip(given, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func exposition(_ statistics: OutboxStatistics) -> String {
        var lines = [
            "# HELP selfcare_outbox_messages Messages in the outbox by channel and status.",
            "# TYPE selfcare_outbox_messages gauge",
        ]
        for channel in ["sms", "email"] {
            for status in ["queued", "sending", "sent", "delivered", "failed"] {
                lines.append("selfcare_outbox_messages{channel=\"\(channel)\",status=\"\(status)\"} \(statistics.counts["\(channel).\(status)"] ?? 0)")
            }
        }
        let average = statistics.sentRecently == 0 ? 0 : Double(statistics.latencyTotalSeconds) / Double(statistics.sentRecently)
        lines += [
            "# HELP selfcare_outbox_sent_last_hour Messages handed to the SMSC or the mail relay in the last hour.",
            "# TYPE selfcare_outbox_sent_last_hour gauge",
            "selfcare_outbox_sent_last_hour \(statistics.sentRecently)",
            "# HELP selfcare_outbox_latency_seconds Seconds from queueing to hand-over, over the last hour.",
            "# TYPE selfcare_outbox_latency_seconds gauge",
            "selfcare_outbox_latency_seconds{stat=\"average\"} \(String(format: "%.1f", average))",
            "selfcare_outbox_latency_seconds{stat=\"max\"} \(statistics.latencyLongestSeconds)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
