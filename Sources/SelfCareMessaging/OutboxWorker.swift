import Foundation
import Logging
import SelfCareCore
import SelfCareStore

/// Delivers queued messages: claims due rows, hands each to the sender, retries with exponential back-off and
/// jitter, and gives up after a bounded number of tries. Several instances can share one outbox.
package struct OutboxWorker: Sendable {
    package var maximumAttempts: Int64 = 8
    package var batchSize = 20
    /// Seconds a claimed message stays reserved for this worker.
    package var lease: Int64 = 60

    private let database: Database
    private let sender: any MessageSender
    private let clock: any WallClock
    private let logger: Logger

    package init(database: Database, sender: any MessageSender, clock: any WallClock, logger: Logger) {
        self.database = database
        self.sender = sender
        self.clock = clock
        self.logger = logger
    }

    /// Delivers what is due now; returns how many messages it handled.
    @discardableResult
    package func runOnce() async throws -> Int {
        let now = clock.now()
        let (engine, batchSize, lease) = (database.engine, batchSize, lease)
        let claimed = try await database.transaction { db in
            try await OutboxRepository().claimDue(limit: batchSize, now: now, lease: lease, engine: engine, on: db)
        }
        for message in claimed {
            do {
                let providerID = try await sender.send(message)
                try await database.transaction { db in
                    try await OutboxRepository().markSent(id: message.id, providerMessageID: providerID, now: clock.now(), on: db)
                }
            } catch {
                let permanent = if case DeliveryError.permanent = error { true } else { false }
                let attempts = message.attempts + 1
                let retryAt = permanent || attempts >= maximumAttempts ? nil : clock.now().addingTimeInterval(Self.backoff(attempt: attempts))
                logger.warning("message \(message.messageID) not delivered (try \(attempts)): \(error)")
                try await database.transaction { db in
                    try await OutboxRepository().markFailed(id: message.id, error: "\(error)", retryAt: retryAt, on: db)
                }
            }
        }
        return claimed.count
    }

    /// Runs until cancelled, polling every `interval`.
    package func run(interval: Duration) async {
        while !Task.isCancelled {
            do {
                let handled = try await runOnce()
                if handled > 0 { continue }
            } catch {
                logger.error("outbox worker: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// 2^attempt seconds (capped at an hour) plus up to 25 % jitter.
    static func backoff(attempt: Int64) -> TimeInterval {
        let base = min(pow(2, Double(attempt)), 3600)
        return base + Double.random(in: 0...(base / 4))
    }
}
