import Foundation
import SelfCareCore
import SelfCareStore

/// A subscription just made: its secret, shown once.
package struct CreatedHubSubscription: Sendable {
    package var subscription: StoredHubSubscription
    package var secret: String
}

/// Event subscriptions (TMF hub): a login subscribes a callback to event types; each event it may see is then POSTed
/// there, signed per Standard Webhooks with the subscription's secret, and each delivery is visible with its status.
package struct HubService: Sendable {
    private let database: Database
    private let clock: any WallClock
    private let policy: CallbackPolicy
    private let hub = HubRepository()
    static let maximumSubscriptions = 10

    package init(database: Database, clock: any WallClock, policy: CallbackPolicy) {
        self.database = database
        self.clock = clock
        self.policy = policy
    }

    package func subscribe(callback: String, query: String?, for identity: AuthenticatedUser) async throws -> CreatedHubSubscription {
        if let reason = policy.refusal(callback) {
            throw ServiceError(field: "callback", messageKey: "error.hub.callback", code: "invalid_callback", values: ["reason": reason])
        }
        guard let types = HubEventType.parse(query: query) else {
            throw ServiceError.field("query", "error.hub.query", code: "invalid_query")
        }
        let id = "sub_" + SecretTokens.random(bytes: 12)
        let secret = "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let now = clock.now()
        let userID = identity.user.id
        try await database.transaction { db in
            guard try await hub.subscriptions(userID: userID, on: db).count < Self.maximumSubscriptions else {
                throw ServiceError(field: nil, messageKey: "error.hub.tooMany", code: "too_many_subscriptions", kind: .conflict)
            }
            try await hub.insert(id: id, userID: userID, callback: callback, eventTypes: types.map(\.rawValue), secret: secret, now: now, on: db)
        }
        return CreatedHubSubscription(
            subscription: StoredHubSubscription(id: id, userID: userID, callback: callback, eventTypes: types.map(\.rawValue), createdAt: now),
            secret: secret)
    }

    package func subscriptions(for identity: AuthenticatedUser) async throws -> [StoredHubSubscription] {
        let userID = identity.user.id
        return try await database.read { db in try await hub.subscriptions(userID: userID, on: db) }
    }

    package func unsubscribe(id: String, for identity: AuthenticatedUser) async throws {
        let userID = identity.user.id
        let now = clock.now()
        guard try await database.transaction({ db in try await hub.delete(id: id, userID: userID, now: now, on: db) }) else {
            throw ServiceError(field: nil, messageKey: "error.hub.notFound", code: "not_found", kind: .notFound)
        }
    }

    /// A subscription's latest deliveries, newest first.
    package func deliveries(of id: String, for identity: AuthenticatedUser, limit: Int = 100) async throws -> [HubDelivery] {
        let userID = identity.user.id
        guard let deliveries = try await database.read({ db in try await hub.deliveries(subscriptionID: id, userID: userID, limit: limit, on: db) })
        else { throw ServiceError(field: nil, messageKey: "error.hub.notFound", code: "not_found", kind: .notFound) }
        return deliveries
    }
}
