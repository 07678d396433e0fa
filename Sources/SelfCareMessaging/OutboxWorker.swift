import Foundation
import Logging
import SelfCareCore
import SelfCareStore

/// Delivers queued messages: claims due rows, hands each to the sender, retries with exponential back-off and
/// jitter, and gives up after a bounded number of tries. Several instances can share one outbox: a claimed row is
/// leased to one worker, and a worker that dies leaves it to another once the lease runs out.
package struct OutboxWorker: Sendable {
    package var maximumAttempts: Int64 = 8
    package var batchSize = 20
    /// Messages handed to the senders at once (the SMPP window and the relay take several).
    package var concurrency = 4
    /// Seconds a claimed message stays reserved for this worker: longer than any one delivery may take.
    package var lease: Int64 = 300

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
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, message) in claimed.enumerated() {
                if index >= concurrency { try await group.next() }
                group.addTask { try await deliver(message) }
            }
            try await group.waitForAll()
        }
        return claimed.count
    }

    private func deliver(_ message: OutboxMessage) async throws {
        do {
            let providerID = try await sender.send(message)
            let parts = message.channel == .sms ? providerID?.split(separator: " ").map(String.init) ?? [] : []
            let sentAt = clock.now()
            try await database.transaction { db in
                try await OutboxRepository().markSent(id: message.id, providerMessageID: providerID, parts: parts, now: sentAt, on: db)
            }
            logger.info("message \(message.messageID) sent", metadata: [
                "channel": "\(message.channel.rawValue)", "purpose": "\(message.purpose)", "try": "\(message.attempts)",
                "latency_s": "\(Int(sentAt.timeIntervalSince(message.createdAt)))",
            ])
        } catch {
            let permanent = if case DeliveryError.permanent = error { true } else { false }
            let retryAt = permanent || message.attempts >= maximumAttempts
                ? nil : clock.now().addingTimeInterval(Self.backoff(attempt: message.attempts))
            logger.warning("message \(message.messageID) not delivered (try \(message.attempts)\(retryAt == nil ? ", given up" : "")): \(error)")
            try await database.transaction { db in
                try await OutboxRepository().markFailed(id: message.id, error: "\(error)", retryAt: retryAt, on: db)
            }
        }
    }

    /// Removes the text of code SMS sent more than an hour ago (looking back a week); returns how many.
    @discardableResult
    package func removeSpentCodes() async throws -> Int {
        let cutoff = clock.now().addingTimeInterval(-3600)
        return try await database.transaction { db in
            try await OutboxRepository().removeSpentCodes(queuedSince: cutoff.addingTimeInterval(-7 * 86_400), before: cutoff, on: db)
        }
    }

    /// Runs until cancelled, polling every `interval`; spent codes are removed every five minutes.
    package func run(interval: Duration) async {
        var lastCleanUp = Date.distantPast
        while !Task.isCancelled {
            do {
                if clock.now().timeIntervalSince(lastCleanUp) >= 300 {
                    try await removeSpentCodes()
                    lastCleanUp = clock.now()
                }
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

/// Stores the SMSC's delivery receipts against the outbox.
package struct OutboxReceiptRecorder: DeliveryReceiptRecorder {
    private let database: Database
    private let clock: any WallClock

    package init(database: Database, clock: any WallClock) {
        self.database = database
        self.clock = clock
    }

    package func record(_ receipt: DeliveryReceipt) async throws {
        let now = clock.now()
        try await database.transaction { db in
            try await OutboxRepository().recordReceipt(
                providerMessageID: receipt.messageID, state: receipt.state, errorCode: receipt.errorCode, now: now, on: db)
        }
    }
}
