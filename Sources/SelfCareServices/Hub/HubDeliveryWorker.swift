import Foundation
import Logging
import SelfCareCore
import SelfCarePayments
import SelfCareStore

/// Delivers queued events: each POSTed to its subscription's callback, signed, retried with back-off until a 2xx
/// answer or the 8th try. Any number of instances may run: a delivery is claimed before it is sent.
package struct HubDeliveryWorker: Sendable {
    private let database: Database
    private let clock: any WallClock
    private let poster: any WebhookPosting
    private let policy: CallbackPolicy
    private let logger: Logger
    private let hub = HubRepository()
    package var maximumAttempts: Int64 = 8
    /// Seconds a claimed delivery stays hidden from other instances while it is sent.
    static let lease: Int64 = 60

    package init(database: Database, clock: any WallClock, poster: any WebhookPosting, policy: CallbackPolicy, logger: Logger) {
        self.database = database
        self.clock = clock
        self.poster = poster
        self.policy = policy
        self.logger = logger
    }

    /// Sends what is due; returns how many were delivered.
    @discardableResult
    package func deliverDue(limit: Int = 50) async throws -> Int {
        let now = clock.now()
        let due = try await database.transaction { db in try await hub.claimDue(limit: limit, now: now, lease: Self.lease, on: db) }
        var delivered = 0
        for delivery in due {
            let outcome = await send(delivery)
            let finished = clock.now()
            try await database.transaction { db in
                switch outcome {
                case .success(let status):
                    try await hub.markDelivered(id: delivery.id, statusCode: status, now: finished, on: db)
                case .failure(let failure):
                    let retryAt = delivery.attempts >= maximumAttempts
                        ? nil : finished.addingTimeInterval(Self.backoff(attempt: delivery.attempts))
                    try await hub.markFailed(id: delivery.id, statusCode: failure.status, error: failure.reason, retryAt: retryAt, on: db)
                }
            }
            if case .success = outcome { delivered += 1 }
        }
        return delivered
    }

    struct Failure: Error {
        var status: Int?
        var reason: String
    }

    private func send(_ delivery: HubDelivery) async -> Result<Int, Failure> {
        if let reason = policy.refusal(delivery.callback) { return .failure(Failure(status: nil, reason: reason)) }
        guard let url = URL(string: delivery.callback) else { return .failure(Failure(status: nil, reason: "bad callback")) }
        do {
            let status = try await poster.post(
                to: url, id: delivery.eventID, timestamp: Int64(clock.now().timeIntervalSince1970), body: Data(delivery.body.utf8),
                secret: delivery.secret)
            guard (200..<300).contains(status) else {
                logger.warning("event \(delivery.eventID) to \(url.host ?? "?") answered \(status) (try \(delivery.attempts))")
                return .failure(Failure(status: status, reason: "the callback answered \(status)"))
            }
            return .success(status)
        } catch {
            return .failure(Failure(status: nil, reason: "\(error)"))
        }
    }

    /// Seconds before try `attempt + 1`: 30 s, 1 min, 2 min, … up to an hour.
    static func backoff(attempt: Int64) -> TimeInterval {
        min(30 * pow(2, Double(max(attempt - 1, 0))), 3600)
    }
}
