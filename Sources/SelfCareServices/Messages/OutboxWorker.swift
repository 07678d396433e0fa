import Foundation
import Logging
import NIOConcurrencyHelpers
import SelfCareCore
import SelfCareMessaging
import SelfCareStore

/// Delivers queued messages: claims due rows, hands each to the sender, retries with exponential back-off and
/// jitter, and gives up after a bounded number of tries. Several instances can share one outbox: a claimed row is
/// leased to one worker, and a worker that dies leaves it to another once the lease runs out.
package struct OutboxWorker: Sendable {
    package var maximumAttempts: Int64 = 8
    package var batchSize = 100
    /// Messages handed to the senders at once (the SMPP window and the relay take several).
    package var concurrency = 10
    /// Seconds a claimed message stays reserved for this worker, renewed with each record; a batch starts no send
    /// after half of it.
    package var lease: Int64 = 300

    private let database: Database
    private let sender: any MessageSender
    private let clock: any WallClock
    private let logger: Logger
    /// What the batches since the outbox was last empty handed over, summed for one log line.
    private let drained = NIOLockedValueBox((handedOver: 0, failed: 0))

    package init(database: Database, sender: any MessageSender, clock: any WallClock, logger: Logger) {
        self.database = database
        self.sender = sender
        self.clock = clock
        self.logger = logger
    }

    /// Delivers what is due now; returns how many messages it handled. Outcomes are written a few at a time as they
    /// come (a crash sends at most those few again: at least once), and only while this claim holds the messages.
    @discardableResult
    package func runOnce() async throws -> Int {
        let now = clock.now()
        let (batchSize, lease) = (batchSize, lease)
        let token = UUID().uuidString
        let claimed = try await database.transaction { db in
            try await OutboxRepository().claimDue(limit: batchSize, now: now, lease: lease, token: token, on: db)
        }
        guard !claimed.isEmpty else { return 0 }
        var handled = 0
        try await withThrowingTaskGroup(of: (OutboxMessage, Result<String?, any Error>).self) { group in
            var outcomes: [(message: OutboxMessage, result: Result<String?, any Error>)] = []
            for (index, message) in claimed.enumerated() {
                if index >= concurrency, let outcome = try await group.next() {
                    outcomes.append(outcome)
                    if outcomes.count >= Self.recordEvery {
                        try await record(outcomes, claimToken: token)
                        outcomes = []
                    }
                }
                // A slow batch (a relay that answers late) leaves what it has not started to the next claim, well
                // within its lease, rather than sending what another worker may claim meanwhile.
                if clock.now().timeIntervalSince(now) > Double(lease) / 2 {
                    let unstarted = claimed[index...].map(\.id)
                    try await database.transaction { db in try await OutboxRepository().releaseClaim(ids: unstarted, token: token, on: db) }
                    break
                }
                handled += 1
                group.addTask {
                    do { return (message, .success(try await sender.send(message.message))) } catch { return (message, .failure(error)) }
                }
            }
            for try await outcome in group { outcomes.append(outcome) }
            try await record(outcomes, claimToken: token)
        }
        return handled
    }

    /// How many outcomes are written together.
    static let recordEvery = 20

    /// "3 messages handed over", "1 message handed over, 2 not delivered yet".
    static func summary(handedOver: Int, failed: Int) -> String {
        let sent = "\(handedOver) message\(handedOver == 1 ? "" : "s") handed over"
        return failed == 0 ? sent : "\(sent), \(failed) not delivered yet"
    }

    private func record(_ outcomes: [(message: OutboxMessage, result: Result<String?, any Error>)], claimToken: String) async throws {
        guard !outcomes.isEmpty else { return }
        let now = clock.now()
        var handOvers: [OutboxRepository.HandOver] = []
        var failures: [(message: OutboxMessage, error: String, retryAt: Date?)] = []
        for (message, result) in outcomes {
            switch result {
            case .success(let providerID):
                let parts = message.message.channel == .sms ? providerID?.split(separator: " ").map(String.init) ?? [] : []
                handOvers.append(.init(id: message.id, providerMessageID: providerID, parts: parts))
                logger.debug("message \(message.message.messageID) sent", metadata: [
                    "channel": "\(message.message.channel.rawValue)", "purpose": "\(message.purpose)", "try": "\(message.attempts)",
                    "latency_s": "\(Int(now.timeIntervalSince(message.createdAt)))",
                ])
            case .failure(let error):
                let permanent = if case DeliveryError.permanent = error { true } else { false }
                let retryAt = permanent || message.attempts >= maximumAttempts
                    ? nil : now.addingTimeInterval(Self.backoff(attempt: message.attempts))
                logger.warning("message \(message.message.messageID) not delivered (try \(message.attempts)\(retryAt == nil ? ", given up" : "")): \(error)")
                failures.append((message, "\(error)", retryAt))
            }
        }
        if !handOvers.isEmpty || !failures.isEmpty {
            logger.debug("outbox: \(Self.summary(handedOver: handOvers.count, failed: failures.count))")
        }
        drained.withLockedValue { $0.handedOver += handOvers.count; $0.failed += failures.count }
        let claimedUntil = now.addingTimeInterval(Double(lease))
        try await database.transaction { [handOvers, failures] db in
            let outbox = OutboxRepository()
            try await outbox.extendClaim(token: claimToken, until: claimedUntil, on: db)
            try await outbox.markSent(handOvers, claimToken: claimToken, now: now, on: db)
            for failure in failures {
                try await outbox.markFailed(id: failure.message.id, error: failure.error, retryAt: failure.retryAt, claimToken: claimToken, on: db)
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

    /// Settles from the stored receipts the state of SMS sent in the last day; returns how many changed.
    @discardableResult
    package func settleDeliveryStates() async throws -> Int {
        let since = clock.now().addingTimeInterval(-86_400)
        return try await database.transaction { db in try await OutboxRepository().settleDeliveryStates(sentSince: since, on: db) }
    }

    /// Runs until cancelled, polling every `interval`; every five minutes spent codes are removed and delivery states
    /// settled from the receipts. A batch under way when the cancellation comes is finished, not cut off (its
    /// messages are handed over and recorded).
    package func run(interval: Duration) async {
        var lastCleanUp = Date.distantPast
        while !Task.isCancelled {
            if clock.now().timeIntervalSince(lastCleanUp) >= 300 {
                do { try await removeSpentCodes() } catch { logger.error("outbox worker: spent codes not removed: \(error)") }
                do { try await settleDeliveryStates() } catch { logger.error("outbox worker: delivery states not settled: \(error)") }
                lastCleanUp = clock.now()
            }
            do {
                let batch = Task { try await runOnce() }
                if try await batch.value > 0 { continue }
            } catch {
                logger.error("outbox worker: \(error)")
            }
            // One line for all that the batches since the outbox was last empty handed over.
            let done = drained.withLockedValue { counts in defer { counts = (0, 0) }; return counts }
            if done.handedOver + done.failed > 0 {
                logger.info("outbox: \(Self.summary(handedOver: done.handedOver, failed: done.failed))")
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

/// Stores the SMSC's delivery receipts against the outbox, receipts that arrive together in one transaction
/// (each caller returns once its receipt is stored, so the SMSC is answered only then).
package actor OutboxReceiptRecorder: DeliveryReceiptRecorder {
    private let database: Database
    private let clock: any WallClock
    private var waiting: [(receipt: DeliveryReceipt, stored: CheckedContinuation<Void, any Error>)] = []
    private var storing = false

    package init(database: Database, clock: any WallClock) {
        self.database = database
        self.clock = clock
    }

    package func record(_ receipt: DeliveryReceipt) async throws {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append((receipt, continuation))
            if !storing {
                storing = true
                Task { await storeWaiting() }
            }
        }
    }

    /// Stores what waits, then what arrived meanwhile, until nothing does.
    private func storeWaiting() async {
        while !waiting.isEmpty {
            let batch = waiting
            waiting = []
            let receipts = batch.map {
                OutboxRepository.Receipt(providerMessageID: $0.receipt.messageID, state: $0.receipt.state, errorCode: $0.receipt.errorCode)
            }
            let now = clock.now()
            do {
                try await database.transaction { db in try await OutboxRepository().recordReceipts(receipts, now: now, on: db) }
                for entry in batch { entry.stored.resume() }
            } catch {
                for entry in batch { entry.stored.resume(throwing: error) }
            }
        }
        storing = false
    }
}
