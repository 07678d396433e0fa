import Foundation
import Logging
import SelfCareCore
import SelfCareMessaging
import SelfCarePayments
import SelfCareStore

/// Delivers queued events: each POSTed to its subscription's callback, signed, retried with back-off until a 2xx
/// answer or the 8th try. Subscriptions are served in lanes: a lane holds one subscription (claimed in the database,
/// so no other instance sends its events meanwhile) and sends its deliveries one at a time, while up to `lanes`
/// subscriptions are served at once; a receiver that stalls holds only its own lane. A subscription whose deliveries
/// have failed for `pauseAfter` is paused and its owner told by e-mail.
package struct HubDeliveryWorker: Sendable {
    private let database: Database
    private let clock: any WallClock
    private let poster: any CallbackPosting
    private let policy: CallbackPolicy
    private let logger: Logger
    private let operatorName: String
    private let portalURL: String
    private let hub = HubRepository()
    /// Identifies this worker's claims.
    private let claimToken = "hubw_" + SecretTokens.random(bytes: 12)
    package var maximumAttempts: Int64 = 8
    /// Subscriptions served at once by this instance.
    package var lanes = 16
    /// Deliveries a lane sends before it lets its subscription go to whichever instance claims it next.
    package var deliveriesPerClaim = 50
    /// The longest one call may take, from resolving the name to the answer's status line.
    package var attemptTimeout: Duration = .seconds(10)
    /// How long a subscription may fail without a success before it is paused.
    package var pauseAfter: TimeInterval = 24 * 3600
    /// Seconds a claim hides a subscription and its delivery in flight from other instances; renewed before each call,
    /// and longer than the slowest call (resolution and the call are each bounded by `attemptTimeout`).
    static let lease: Int64 = 60

    package init(
        database: Database, clock: any WallClock, poster: any CallbackPosting, policy: CallbackPolicy, logger: Logger, operatorName: String,
        portalURL: String
    ) {
        self.database = database
        self.clock = clock
        self.poster = poster
        self.policy = policy
        self.logger = logger
        self.operatorName = operatorName
        self.portalURL = portalURL
    }

    /// Serves every subscription with something due, up to `lanes` at once, until each lane is done; returns how many
    /// deliveries succeeded.
    @discardableResult
    package func deliverDue() async throws -> Int {
        let claimed = try await claim(limit: lanes)
        return await withTaskGroup(of: Int.self) { group in
            for subscription in claimed {
                group.addTask { await serve(subscription) }
            }
            return await group.reduce(0, +)
        }
    }

    /// Serves subscriptions until cancelled: whenever a lane is free, claims what is due, and looks again every
    /// `interval` (a stalled lane never holds up the others).
    package func run(every interval: Duration) async {
        await withTaskGroup(of: Bool.self) { group in
            var busy = 0
            var ticking = false
            while !Task.isCancelled {
                if busy < lanes {
                    do {
                        for subscription in try await claim(limit: lanes - busy) {
                            busy += 1
                            group.addTask {
                                _ = await serve(subscription)
                                return true
                            }
                        }
                    } catch {
                        logger.error("event delivery: claiming failed: \(error)")
                    }
                }
                if !ticking {
                    ticking = true
                    group.addTask {
                        try? await Task.sleep(for: interval)
                        return false
                    }
                }
                guard let laneEnded = await group.next() else { break }
                if laneEnded { busy -= 1 } else { ticking = false }
            }
            group.cancelAll()
        }
    }

    private func claim(limit: Int) async throws -> [String] {
        guard limit > 0 else { return [] }
        let now = clock.now()
        let token = claimToken
        return try await database.transaction { db in
            try await hub.claimSubscriptions(limit: limit, claimToken: token, now: now, lease: Self.lease, on: db)
        }
    }

    /// Sends one subscription's due deliveries in order, one at a time, until one fails or none is left; then lets the
    /// subscription go. Returns how many succeeded.
    private func serve(_ subscriptionID: String) async -> Int {
        var delivered = 0
        let token = claimToken
        do {
            for _ in 0..<deliveriesPerClaim {
                let now = clock.now()
                guard let delivery = try await database.transaction({ db in
                    try await hub.nextDelivery(subscriptionID: subscriptionID, claimToken: token, now: now, lease: Self.lease, on: db)
                }) else { break }
                let outcome = await send(delivery)
                try await record(outcome, of: delivery)
                guard case .delivered = outcome else { break }
                delivered += 1
            }
        } catch {
            logger.error("event delivery to \(subscriptionID) failed: \(error)")
        }
        do {
            try await database.transaction { db in try await hub.release(subscriptionID: subscriptionID, claimToken: token, on: db) }
        } catch {
            logger.warning("event delivery: \(subscriptionID) not released, its claim runs out in \(Self.lease) s: \(error)")
        }
        return delivered
    }

    /// How one call went, as stored and shown to the subscriber.
    enum Outcome {
        case delivered(status: Int)
        case failed(status: Int?, category: String)
    }

    private func send(_ delivery: HubDelivery) async -> Outcome {
        let target: CallbackPolicy.Target
        switch try? await withDeadline(attemptTimeout, { await policy.target(delivery.callback) }) {
        case .none:
            return .failed(status: nil, category: "timeout")
        case .some(.failure(let refusal)):
            logger.warning("event \(delivery.eventID) not sent: \(refusal.reason)")
            return .failed(status: nil, category: refusal.category)
        case .some(.success(let checked)):
            target = checked
        }
        let timestamp = Int64(clock.now().timeIntervalSince1970)
        let body = Data(delivery.body.utf8)
        let call = CallbackCall(
            url: target.url, address: target.address,
            headers: [
                ("Content-Type", "application/json"), ("User-Agent", "SelfCare-Webhooks/1"), ("webhook-id", delivery.eventID),
                ("webhook-timestamp", String(timestamp)),
                ("webhook-signature", WebhookSignature.sign(id: delivery.eventID, timestamp: timestamp, body: body, secret: delivery.secret)),
            ],
            body: body, timeout: attemptTimeout)
        switch await poster.post(call) {
        case .answered(let status) where (200..<300).contains(status):
            return .delivered(status: status)
        case .answered(let status):
            logger.warning("event \(delivery.eventID) to \(target.url.host ?? "?") answered \(status) (try \(delivery.attempts))")
            return .failed(status: status, category: CallbackOutcome.answered(status).category)
        case let other:
            logger.warning("event \(delivery.eventID) to \(target.url.host ?? "?"): \(other.category) (try \(delivery.attempts))")
            return .failed(status: nil, category: other.category)
        }
    }

    /// Stores the outcome; a subscription failing for `pauseAfter` is paused and its owner told, in the same transaction.
    private func record(_ outcome: Outcome, of delivery: HubDelivery) async throws {
        let finished = clock.now()
        try await database.transaction { db in
            switch outcome {
            case .delivered(let status):
                try await hub.markDelivered(id: delivery.id, subscriptionID: delivery.subscriptionID, statusCode: status, now: finished, on: db)
            case .failed(let status, let category):
                let retryAt = delivery.attempts >= maximumAttempts ? nil : finished.addingTimeInterval(Self.backoff(attempt: delivery.attempts))
                let failingSince = try await hub.markFailed(
                    id: delivery.id, subscriptionID: delivery.subscriptionID, statusCode: status, outcome: category, retryAt: retryAt,
                    now: finished, on: db)
                guard finished.timeIntervalSince(failingSince) >= pauseAfter,
                      let paused = try await hub.pause(subscriptionID: delivery.subscriptionID, now: finished, on: db),
                      let owner = try await UserRepository().user(id: paused.userID, on: db) else { return }
                logger.notice("event subscription \(paused.id) paused: failing since \(Timestamp.format(failingSince))")
                try await OutboxRepository().enqueue(Notices.subscriptionPaused(
                    callback: paused.callback, since: failingSince, lastOutcome: category, email: owner.email, userID: owner.id,
                    operatorName: operatorName, portalURL: portalURL, language: owner.language), now: finished, on: db)
            }
        }
    }

    /// Seconds before try `attempt + 1`: 30 s, 1 min, 2 min, … up to an hour.
    static func backoff(attempt: Int64) -> TimeInterval {
        min(30 * pow(2, Double(max(attempt - 1, 0))), 3600)
    }
}
