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

    package init(id: String, userID: Int64, callback: String, eventTypes: [String], createdAt: Date) {
        self.id = id
        self.userID = userID
        self.callback = callback
        self.eventTypes = eventTypes
        self.createdAt = createdAt
    }
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
}

/// Event subscriptions and the outbox of their deliveries.
package struct HubRepository: Sendable {
    package init() {}

    package func insert(
        id: String, userID: Int64, callback: String, eventTypes: [String], secret: String, now: Date, on db: any SQLDatabase
    ) async throws {
        try await db.raw("""
            INSERT INTO hub_subscriptions (id, user_id, callback, event_types, secret, created_at)
            VALUES (\(bind: id), \(bind: userID), \(bind: callback), \(bind: eventTypes.joined(separator: " ")), \(bind: secret),
                    \(bind: now.storedSeconds))
            """).run()
    }

    /// The login's subscriptions, oldest first.
    package func subscriptions(userID: Int64, on db: any SQLDatabase) async throws -> [StoredHubSubscription] {
        try await db.raw("""
            SELECT id, user_id, callback, event_types, created_at FROM hub_subscriptions
            WHERE user_id = \(bind: userID) AND deleted_at IS NULL ORDER BY created_at, id
            """).all().map(Self.subscription(from:))
    }

    /// Ends one of the login's subscriptions and cancels what it had still to deliver; false when it has no such one.
    package func delete(id: String, userID: Int64, now: Date, on db: any SQLDatabase) async throws -> Bool {
        guard try await db.raw("""
            UPDATE hub_subscriptions SET deleted_at = \(bind: now.storedSeconds)
            WHERE id = \(bind: id) AND user_id = \(bind: userID) AND deleted_at IS NULL RETURNING id
            """).first() != nil else { return false }
        try await db.raw("UPDATE hub_deliveries SET status = 'cancelled' WHERE subscription_id = \(bind: id) AND status = 'pending'").run()
        return true
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

    /// Claims up to `limit` deliveries that are due: each counts a try and is hidden for `lease` seconds, so another
    /// instance does not send it meanwhile.
    package func claimDue(limit: Int, now: Date, lease: Int64, on db: any SQLDatabase) async throws -> [HubDelivery] {
        let lock = db.isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        let ids = try await db.raw("""
            SELECT id FROM hub_deliveries WHERE status = 'pending' AND next_attempt_at <= \(bind: now.storedSeconds)
            ORDER BY next_attempt_at, id LIMIT \(bind: limit)\(unsafeRaw: lock)
            """).all().map { try $0.decode(column: "id", as: Int64.self) }
        guard !ids.isEmpty else { return [] }
        try await db.raw("""
            UPDATE hub_deliveries SET attempts = attempts + 1, next_attempt_at = \(bind: now.storedSeconds + lease)
            WHERE id IN \(SQLBindList(ids))
            """).run()
        return try await db.raw("\(unsafeRaw: Self.deliverySelect) WHERE d.id IN \(SQLBindList(ids)) ORDER BY d.id").all()
            .map(Self.delivery(from:))
    }

    package func markDelivered(id: Int64, statusCode: Int, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE hub_deliveries SET status = 'delivered', last_status_code = \(bind: Int64(statusCode)), last_error = NULL,
                delivered_at = \(bind: now.storedSeconds)
            WHERE id = \(bind: id) AND status = 'pending'
            """).run()
    }

    /// A failed try: tried again at `retryAt`, or given up when it is nil.
    package func markFailed(id: Int64, statusCode: Int?, error: String, retryAt: Date?, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE hub_deliveries SET status = \(bind: retryAt == nil ? "failed" : "pending"),
                last_status_code = \(bind: statusCode.map(Int64.init)), last_error = \(bind: String(error.prefix(500))),
                next_attempt_at = \(bind: retryAt?.storedSeconds ?? 0)
            WHERE id = \(bind: id) AND status = 'pending'
            """).run()
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

    private static let deliverySelect = """
        SELECT d.id, d.subscription_id, d.event_id, d.event_type, d.body, d.status, d.attempts, d.last_status_code, d.last_error,
            d.created_at, d.delivered_at, s.callback, s.secret
        FROM hub_deliveries d JOIN hub_subscriptions s ON s.id = d.subscription_id
        """

    private static func subscription(from row: any SQLRow) throws -> StoredHubSubscription {
        StoredHubSubscription(
            id: try row.value("id"), userID: try row.value("user_id"), callback: try row.value("callback"),
            eventTypes: (try row.value("event_types", as: String.self)).split(separator: " ").map(String.init),
            createdAt: Date(storedSeconds: try row.value("created_at")))
    }

    private static func delivery(from row: any SQLRow) throws -> HubDelivery {
        HubDelivery(
            id: try row.value("id"), subscriptionID: try row.value("subscription_id"), eventID: try row.value("event_id"),
            eventType: try row.value("event_type"), body: try row.value("body"), status: try row.value("status"),
            attempts: try row.value("attempts"), lastStatusCode: try row.optional("last_status_code"), lastError: try row.optional("last_error"),
            createdAt: Date(storedSeconds: try row.value("created_at")),
            deliveredAt: try row.optional("delivered_at", as: Int64.self).map(Date.init(storedSeconds:)),
            callback: try row.value("callback"), secret: try row.value("secret"))
    }
}
