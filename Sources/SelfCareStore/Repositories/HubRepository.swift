import Foundation
import SelfCareCore
import SQLKit

/// An event subscription as stored.
package struct StoredHubSubscription: Sendable, Hashable {
    package var id: String
    package var userID: Int64
    package var callback: String
    package var eventTypes: [String]
    package var createdAt: Date
    /// The personal token that made it; nil when a login session did.
    package var tokenID: String?
    /// That token's name, while it is known.
    package var tokenName: String?
    /// Since when its deliveries have failed without a success between (nil while they succeed).
    package var failingSince: Date?
    /// When it was paused for failing too long; nil while it is delivered to.
    package var pausedAt: Date?
    package var lastAttemptAt: Date?
    /// The last attempt's outcome in categories (`http 200`, `timeout`, `refused`, `tls`, `network`, `address`).
    package var lastOutcome: String?
    /// Why it ended, once it has (`ended`, `tokenRevoked`, `passwordReset`, `clientIDReissued`, `personRemoved`).
    package var endedReason: String?

    package init(
        id: String, userID: Int64, callback: String, eventTypes: [String], createdAt: Date, tokenID: String? = nil, tokenName: String? = nil,
        failingSince: Date? = nil, pausedAt: Date? = nil, lastAttemptAt: Date? = nil, lastOutcome: String? = nil, endedReason: String? = nil
    ) {
        self.id = id
        self.userID = userID
        self.callback = callback
        self.eventTypes = eventTypes
        self.createdAt = createdAt
        self.tokenID = tokenID
        self.tokenName = tokenName
        self.failingSince = failingSince
        self.pausedAt = pausedAt
        self.lastAttemptAt = lastAttemptAt
        self.lastOutcome = lastOutcome
        self.endedReason = endedReason
    }
}

/// Why subscriptions end other than by their owner's hand: each access that made them ending.
package enum HubSubscriptionEnding: String, Sendable {
    case ended
    case tokenRevoked
    case passwordReset
    case clientIDReissued
    case personRemoved
}

/// One event to deliver to one subscription.
package struct NewHubDelivery: Sendable, Hashable {
    package var subscriptionID: String
    package var eventID: String
    package var eventType: String
    package var body: String

    package init(subscriptionID: String, eventID: String, eventType: String, body: String) {
        self.subscriptionID = subscriptionID
        self.eventID = eventID
        self.eventType = eventType
        self.body = body
    }
}

/// A delivery as stored, with what sending it needs.
package struct HubDelivery: Sendable, Hashable {
    package var id: Int64
    package var subscriptionID: String
    package var eventID: String
    package var eventType: String
    package var body: String
    package var status: String
    package var attempts: Int64
    package var lastStatusCode: Int64?
    package var lastError: String?
    package var createdAt: Date
    package var deliveredAt: Date?
    package var callback: String
    package var secret: String
    /// The login the subscription belongs to.
    package var userID: Int64
}

/// Event subscriptions and the outbox of their deliveries.
package struct HubRepository: Sendable {
    package init() {}

    package func insert(
        id: String, userID: Int64, tokenID: String?, callback: String, eventTypes: [String], secret: String, now: Date, on db: any SQLDatabase
    ) async throws {
        try await db.raw("""
            INSERT INTO hub_subscriptions (id, user_id, token_id, callback, event_types, secret, created_at)
            VALUES (\(bind: id), \(bind: userID), \(bind: tokenID), \(bind: callback), \(bind: eventTypes.joined(separator: " ")),
                    \(bind: secret), \(bind: now.storedSeconds))
            """).run()
    }

    /// The login's live subscriptions (paused ones included), oldest first.
    package func subscriptions(userID: Int64, on db: any SQLDatabase) async throws -> [StoredHubSubscription] {
        try await db.raw("""
            \(unsafeRaw: Self.subscriptionSelect) WHERE s.user_id = \(bind: userID) AND s.deleted_at IS NULL ORDER BY s.created_at, s.id
            """).all().map(Self.subscription(from:))
    }

    /// One of the login's subscriptions, live or ended.
    package func subscription(id: String, userID: Int64, on db: any SQLDatabase) async throws -> StoredHubSubscription? {
        try await db.raw("\(unsafeRaw: Self.subscriptionSelect) WHERE s.id = \(bind: id) AND s.user_id = \(bind: userID)").first()
            .map(Self.subscription(from:))
    }

    /// The subscriptions that ended with one of the login's tokens, oldest first.
    package func endedWith(tokenID: String, userID: Int64, on db: any SQLDatabase) async throws -> [StoredHubSubscription] {
        try await db.raw("""
            \(unsafeRaw: Self.subscriptionSelect)
            WHERE s.token_id = \(bind: tokenID) AND s.user_id = \(bind: userID) AND s.ended_reason = \(bind: HubSubscriptionEnding.tokenRevoked.rawValue)
            ORDER BY s.created_at, s.id
            """).all().map(Self.subscription(from:))
    }

    /// Ends one of the login's subscriptions and cancels what it had still to deliver; false when it has no such one.
    package func delete(id: String, userID: Int64, now: Date, on db: any SQLDatabase) async throws -> Bool {
        let owned = try await db.raw("""
            SELECT id FROM hub_subscriptions WHERE id = \(bind: id) AND user_id = \(bind: userID) AND deleted_at IS NULL
            """).all().map { try $0.decode(column: "id", as: String.self) }
        return try await end(ids: owned, reason: .ended, now: now, on: db) == 1
    }

    /// Ends the subscriptions a token made, with it.
    @discardableResult
    package func end(tokenID: String, reason: HubSubscriptionEnding, now: Date, on db: any SQLDatabase) async throws -> Int {
        let ids = try await db.raw("SELECT id FROM hub_subscriptions WHERE token_id = \(bind: tokenID) AND deleted_at IS NULL").all()
            .map { try $0.decode(column: "id", as: String.self) }
        return try await end(ids: ids, reason: reason, now: now, on: db)
    }

    /// Ends every subscription of a login.
    @discardableResult
    package func end(userID: Int64, reason: HubSubscriptionEnding, now: Date, on db: any SQLDatabase) async throws -> Int {
        let ids = try await db.raw("SELECT id FROM hub_subscriptions WHERE user_id = \(bind: userID) AND deleted_at IS NULL").all()
            .map { try $0.decode(column: "id", as: String.self) }
        return try await end(ids: ids, reason: reason, now: now, on: db)
    }

    /// Ends every subscription of the logins of a client (its Client ID re-issued).
    @discardableResult
    package func end(clientRowID: Int64, reason: HubSubscriptionEnding, now: Date, on db: any SQLDatabase) async throws -> Int {
        let ids = try await db.raw("""
            SELECT s.id FROM hub_subscriptions s JOIN portal_users u ON u.id = s.user_id
            WHERE u.client_id = \(bind: clientRowID) AND s.deleted_at IS NULL
            """).all().map { try $0.decode(column: "id", as: String.self) }
        return try await end(ids: ids, reason: reason, now: now, on: db)
    }

    private func end(ids: [String], reason: HubSubscriptionEnding, now: Date, on db: any SQLDatabase) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        try await db.raw("""
            UPDATE hub_subscriptions SET deleted_at = \(bind: now.storedSeconds), ended_reason = \(bind: reason.rawValue),
                claim_token = NULL, claimed_until = NULL
            WHERE id IN \(SQLBindList(ids)) AND deleted_at IS NULL
            """).run()
        try await db.raw("""
            UPDATE hub_deliveries SET status = 'cancelled' WHERE subscription_id IN \(SQLBindList(ids)) AND status = 'pending'
            """).run()
        return ids.count
    }

    /// Whether any login subscribes to `eventType` at all: when none does, publishing reads nothing more.
    package func hasSubscriptions(eventType: String, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            SELECT 1 AS found FROM hub_subscriptions WHERE deleted_at IS NULL AND event_types LIKE \(bind: "%" + eventType + "%") LIMIT 1
            """).first() != nil
    }

    /// The live subscriptions of these logins to `eventType`, by login.
    package func subscribers(eventType: String, userIDs: [Int64], on db: any SQLDatabase) async throws -> [Int64: [String]] {
        var result: [Int64: [String]] = [:]
        for chunk in Array(Set(userIDs)).sorted().chunked(into: 500) {
            let rows = try await db.raw("""
                SELECT id, user_id, event_types FROM hub_subscriptions WHERE deleted_at IS NULL AND user_id IN \(SQLBindList(Array(chunk)))
                """).all()
            for row in rows where (try row.value("event_types", as: String.self)).split(separator: " ").contains(Substring(eventType)) {
                result[try row.value("user_id"), default: []].append(try row.value("id"))
            }
        }
        return result
    }

    /// Queues deliveries; an event already queued for a subscription is not queued twice.
    package func enqueue(_ deliveries: [NewHubDelivery], now: Date, on db: any SQLDatabase) async throws {
        for delivery in deliveries {
            try await db.raw("""
                INSERT INTO hub_deliveries (subscription_id, event_id, event_type, body, status, next_attempt_at, created_at)
                VALUES (\(bind: delivery.subscriptionID), \(bind: delivery.eventID), \(bind: delivery.eventType), \(bind: delivery.body),
                        'pending', \(bind: now.storedSeconds), \(bind: now.storedSeconds))
                ON CONFLICT (subscription_id, event_id) DO NOTHING
                """).run()
        }
    }

    /// Claims up to `limit` live, unpaused subscriptions with a delivery due that no instance holds: each is held for
    /// `lease` seconds under `claimToken`, so only the claimant sends its deliveries. Least recently tried first.
    package func claimSubscriptions(limit: Int, claimToken: String, now: Date, lease: Int64, on db: any SQLDatabase) async throws -> [String] {
        let lock = db.isPostgres ? " FOR UPDATE OF s SKIP LOCKED" : ""
        let candidates = try await db.raw("""
            SELECT s.id FROM hub_subscriptions s
            WHERE s.deleted_at IS NULL AND s.paused_at IS NULL
                AND (s.claimed_until IS NULL OR s.claimed_until <= \(bind: now.storedSeconds))
                AND EXISTS (SELECT 1 FROM hub_deliveries d WHERE d.subscription_id = s.id AND d.status = 'pending'
                            AND d.next_attempt_at <= \(bind: now.storedSeconds))
            ORDER BY COALESCE(s.last_attempt_at, 0), s.id LIMIT \(bind: limit)\(unsafeRaw: lock)
            """).all().map { try $0.decode(column: "id", as: String.self) }
        guard !candidates.isEmpty else { return [] }
        let claimed = Set(try await db.raw("""
            UPDATE hub_subscriptions SET claim_token = \(bind: claimToken), claimed_until = \(bind: now.storedSeconds + lease)
            WHERE id IN \(SQLBindList(candidates)) AND (claimed_until IS NULL OR claimed_until <= \(bind: now.storedSeconds))
            RETURNING id
            """).all().map { try $0.decode(column: "id", as: String.self) })
        return candidates.filter(claimed.contains)
    }

    /// The next delivery due of a subscription this claimant holds, if the subscription is still live, unpaused, and
    /// the token that made it (if any) not revoked: it counts a try, and the delivery and the claim are hidden from
    /// other instances for `lease` seconds more.
    package func nextDelivery(subscriptionID: String, claimToken: String, now: Date, lease: Int64, on db: any SQLDatabase) async throws -> HubDelivery? {
        guard let row = try await db.raw("""
            SELECT d.id FROM hub_deliveries d JOIN hub_subscriptions s ON s.id = d.subscription_id
            WHERE d.subscription_id = \(bind: subscriptionID) AND d.status = 'pending' AND d.next_attempt_at <= \(bind: now.storedSeconds)
                AND s.claim_token = \(bind: claimToken) AND s.deleted_at IS NULL AND s.paused_at IS NULL
                AND (s.token_id IS NULL OR EXISTS (SELECT 1 FROM api_tokens t WHERE t.id = s.token_id AND t.revoked_at IS NULL))
            ORDER BY d.next_attempt_at, d.id LIMIT 1
            """).first() else { return nil }
        let id = try row.decode(column: "id", as: Int64.self)
        try await db.raw("""
            UPDATE hub_deliveries SET attempts = attempts + 1, next_attempt_at = \(bind: now.storedSeconds + lease) WHERE id = \(bind: id)
            """).run()
        try await db.raw("""
            UPDATE hub_subscriptions SET claimed_until = \(bind: now.storedSeconds + lease)
            WHERE id = \(bind: subscriptionID) AND claim_token = \(bind: claimToken)
            """).run()
        return try await db.raw("\(unsafeRaw: Self.deliverySelect) WHERE d.id = \(bind: id)").first().map(Self.delivery(from:))
    }

    /// Lets another instance claim the subscription at once.
    package func release(subscriptionID: String, claimToken: String, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE hub_subscriptions SET claim_token = NULL, claimed_until = NULL
            WHERE id = \(bind: subscriptionID) AND claim_token = \(bind: claimToken)
            """).run()
    }

    package func markDelivered(id: Int64, subscriptionID: String, statusCode: Int, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE hub_deliveries SET status = 'delivered', last_status_code = \(bind: Int64(statusCode)), last_error = NULL,
                delivered_at = \(bind: now.storedSeconds)
            WHERE id = \(bind: id) AND status = 'pending'
            """).run()
        try await db.raw("""
            UPDATE hub_subscriptions SET last_attempt_at = \(bind: now.storedSeconds), last_outcome = \(bind: "http \(statusCode)"),
                failing_since = NULL
            WHERE id = \(bind: subscriptionID)
            """).run()
    }

    /// A failed try, with its outcome's category: tried again at `retryAt`, or given up when it is nil. Returns since
    /// when the subscription has been failing.
    package func markFailed(
        id: Int64, subscriptionID: String, statusCode: Int?, outcome: String, retryAt: Date?, now: Date, on db: any SQLDatabase
    ) async throws -> Date {
        try await db.raw("""
            UPDATE hub_deliveries SET status = \(bind: retryAt == nil ? "failed" : "pending"),
                last_status_code = \(bind: statusCode.map(Int64.init)), last_error = \(bind: outcome),
                next_attempt_at = \(bind: retryAt?.storedSeconds ?? 0)
            WHERE id = \(bind: id) AND status = 'pending'
            """).run()
        let row = try await db.raw("""
            UPDATE hub_subscriptions SET last_attempt_at = \(bind: now.storedSeconds), last_outcome = \(bind: outcome),
                failing_since = COALESCE(failing_since, \(bind: now.storedSeconds))
            WHERE id = \(bind: subscriptionID) RETURNING failing_since
            """).first()
        return try row.map { Date(storedSeconds: try $0.decode(column: "failing_since", as: Int64.self)) } ?? now
    }

    /// Pauses a live subscription; returns it when this call paused it.
    package func pause(subscriptionID: String, now: Date, on db: any SQLDatabase) async throws -> StoredHubSubscription? {
        guard try await db.raw("""
            UPDATE hub_subscriptions SET paused_at = \(bind: now.storedSeconds), claim_token = NULL, claimed_until = NULL
            WHERE id = \(bind: subscriptionID) AND paused_at IS NULL AND deleted_at IS NULL RETURNING id
            """).first() != nil else { return nil }
        return try await db.raw("\(unsafeRaw: Self.subscriptionSelect) WHERE s.id = \(bind: subscriptionID)").first().map(Self.subscription(from:))
    }

    /// Resumes one of the login's paused subscriptions: what waited is due at once. False when it has no such one.
    package func resume(id: String, userID: Int64, now: Date, on db: any SQLDatabase) async throws -> Bool {
        guard try await db.raw("""
            UPDATE hub_subscriptions SET paused_at = NULL, failing_since = NULL
            WHERE id = \(bind: id) AND user_id = \(bind: userID) AND deleted_at IS NULL AND paused_at IS NOT NULL RETURNING id
            """).first() != nil else { return false }
        try await db.raw("""
            UPDATE hub_deliveries SET next_attempt_at = \(bind: now.storedSeconds) WHERE subscription_id = \(bind: id) AND status = 'pending'
            """).run()
        return true
    }

    /// A subscription's latest deliveries, newest first, if it is the login's.
    package func deliveries(subscriptionID: String, userID: Int64, limit: Int, on db: any SQLDatabase) async throws -> [HubDelivery]? {
        guard try await db.raw("""
            SELECT id FROM hub_subscriptions WHERE id = \(bind: subscriptionID) AND user_id = \(bind: userID) AND deleted_at IS NULL
            """).first() != nil else { return nil }
        return try await db.raw("""
            \(unsafeRaw: Self.deliverySelect) WHERE d.subscription_id = \(bind: subscriptionID) ORDER BY d.id DESC LIMIT \(bind: limit)
            """).all().map(Self.delivery(from:))
    }

    private static let subscriptionSelect = """
        SELECT s.id, s.user_id, s.callback, s.event_types, s.created_at, s.token_id, t.name AS token_name, s.failing_since, s.paused_at,
            s.last_attempt_at, s.last_outcome, s.ended_reason
        FROM hub_subscriptions s LEFT JOIN api_tokens t ON t.id = s.token_id
        """

    private static let deliverySelect = """
        SELECT d.id, d.subscription_id, d.event_id, d.event_type, d.body, d.status, d.attempts, d.last_status_code, d.last_error,
            d.created_at, d.delivered_at, s.callback, s.secret, s.user_id
        FROM hub_deliveries d JOIN hub_subscriptions s ON s.id = d.subscription_id
        """

    private static func subscription(from row: any SQLRow) throws -> StoredHubSubscription {
        StoredHubSubscription(
            id: try row.value("id"), userID: try row.value("user_id"), callback: try row.value("callback"),
            eventTypes: (try row.value("event_types", as: String.self)).split(separator: " ").map(String.init),
            createdAt: Date(storedSeconds: try row.value("created_at")), tokenID: try row.optional("token_id"),
            tokenName: try row.optional("token_name"),
            failingSince: try row.optional("failing_since", as: Int64.self).map(Date.init(storedSeconds:)),
            pausedAt: try row.optional("paused_at", as: Int64.self).map(Date.init(storedSeconds:)),
            lastAttemptAt: try row.optional("last_attempt_at", as: Int64.self).map(Date.init(storedSeconds:)),
            lastOutcome: try row.optional("last_outcome"), endedReason: try row.optional("ended_reason"))
    }

    private static func delivery(from row: any SQLRow) throws -> HubDelivery {
        HubDelivery(
            id: try row.value("id"), subscriptionID: try row.value("subscription_id"), eventID: try row.value("event_id"),
            eventType: try row.value("event_type"), body: try row.value("body"), status: try row.value("status"),
            attempts: try row.value("attempts"), lastStatusCode: try row.optional("last_status_code"), lastError: try row.optional("last_error"),
            createdAt: Date(storedSeconds: try row.value("created_at")),
            deliveredAt: try row.optional("delivered_at", as: Int64.self).map(Date.init(storedSeconds:)),
            callback: try row.value("callback"), secret: try row.value("secret"), userID: try row.value("user_id"))
    }
}
