import Foundation
import SelfCareCore
import SelfCareStore

/// The operational figures read from the database at each metrics scrape (the same on every instance), and this
/// instance's database connections.
package struct OperationsReport: Sendable {
    /// One scrape's figures.
    package struct Figures: Sendable {
        /// Messages by `channel.status` (`sms.queued`, `email.failed`, …).
        package var outboxCounts: [String: Int64]
        /// Messages handed over in the last hour, and their hand-over latency in seconds.
        package var sentLastHour: Int64
        package var latencyTotalSeconds: Int64
        package var latencyLongestSeconds: Int64
        /// Seconds the oldest message not yet handed over has waited.
        package var oldestWaitingSeconds: Int64
        /// Card payments by status.
        package var payments: [String: Int64]
        /// How long the latest closed period's bill run took.
        package var lastBillRunSeconds: Double?
        /// Connections held by a request or task, and the most this instance opens.
        package var connectionsInUse: Int
        package var connectionCapacity: Int
    }

    let database: Database
    let clock: any WallClock

    package func figures() async throws -> Figures {
        let now = clock.now()
        // Taken before this scrape's own read holds a connection.
        let pool = database.connectionUse
        let operations = OperationsQueries()
        let (outbox, oldest, payments, billRun) = try await database.read { db in
            (try await OutboxRepository().statistics(since: now.addingTimeInterval(-3600), on: db),
             try await operations.oldestQueuedAge(now: now, on: db),
             try await operations.payments(on: db),
             try await operations.lastBillRun(on: db))
        }
        return Figures(
            outboxCounts: outbox.counts, sentLastHour: outbox.sentRecently, latencyTotalSeconds: outbox.latencyTotalSeconds,
            latencyLongestSeconds: outbox.latencyLongestSeconds, oldestWaitingSeconds: oldest, payments: payments,
            lastBillRunSeconds: billRun?.seconds, connectionsInUse: pool.inUse, connectionCapacity: pool.capacity)
    }
}
