import Foundation
import SelfCareCore
import SelfCareStore

/// A subscription just made: its secret, shown once.
package struct CreatedHubSubscription: Sendable {
    package var subscription: SubscriptionView
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

    /// A new subscription of the login of `identity` to `query`'s event types (every type it may read when there is no
    /// query). Made with a personal token, it may carry only the types the token's scopes read, and ends with the token.
    package func subscribe(callback: String, query: String?, for identity: AuthenticatedUser) async throws -> CreatedHubSubscription {
        if let reason = await policy.refusal(callback) {
            throw ServiceError(field: "callback", messageKey: "error.hub.callback", code: "invalid_callback", values: ["reason": reason])
        }
        guard let asked = HubEventType.parse(query: query) else {
            throw ServiceError.field("query", "error.hub.query", code: "invalid_query")
        }
        let types = try Self.readable(asked, explicit: !(query ?? "").trimmingCharacters(in: .whitespaces).isEmpty, by: identity)
        let id = "sub_" + SecretTokens.random(bytes: 12)
        let secret = "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let now = clock.now()
        let userID = identity.user.id
        let tokenID = identity.personalToken?.id
        try await database.transaction { db in
            guard try await hub.subscriptions(userID: userID, on: db).count < Self.maximumSubscriptions else {
                throw ServiceError(field: nil, messageKey: "error.hub.tooMany", code: "too_many_subscriptions", kind: .conflict)
            }
            try await hub.insert(id: id, userID: userID, tokenID: tokenID, callback: callback, eventTypes: types.map(\.rawValue), secret: secret,
                                 now: now, on: db)
        }
        return CreatedHubSubscription(
            subscription: SubscriptionView(StoredHubSubscription(
                id: id, userID: userID, callback: callback, eventTypes: types.map(\.rawValue), createdAt: now, tokenID: tokenID)),
            secret: secret)
    }

    /// The types of `asked` that `identity` may read: all for a login session; for a token, those its scopes read. An
    /// explicit query naming a type the token cannot read is refused, naming it.
    static func readable(_ asked: [HubEventType], explicit: Bool, by identity: AuthenticatedUser) throws -> [HubEventType] {
        guard let token = identity.personalToken else { return asked }
        if explicit, let refused = asked.first(where: { !token.scopes.contains($0.readScope) }) {
            throw ServiceError(field: "query", messageKey: "error.hub.scope", code: "insufficient_scope",
                               values: ["type": refused.rawValue, "scope": refused.readScope.rawValue], kind: .forbidden)
        }
        let readable = asked.filter { token.scopes.contains($0.readScope) }
        guard !readable.isEmpty else {
            let needed = asked.map(\.readScope.rawValue).joined(separator: ", ")
            throw ServiceError(field: "query", messageKey: "error.hub.scope", code: "insufficient_scope",
                               values: ["type": asked.map(\.rawValue).joined(separator: ", "), "scope": needed], kind: .forbidden)
        }
        return readable
    }

    package func subscriptions(for identity: AuthenticatedUser) async throws -> [SubscriptionView] {
        let userID = identity.user.id
        return try await database.read { db in try await hub.subscriptions(userID: userID, on: db) }.map(SubscriptionView.init)
    }

    package func unsubscribe(id: String, for identity: AuthenticatedUser) async throws {
        let userID = identity.user.id
        let now = clock.now()
        guard try await database.transaction({ db in try await hub.delete(id: id, userID: userID, now: now, on: db) }) else {
            throw ServiceError(field: nil, messageKey: "error.hub.notFound", code: "not_found", kind: .notFound)
        }
    }

    /// Resumes one of the login's paused subscriptions: what waited for it is sent at once.
    package func resume(id: String, for identity: AuthenticatedUser) async throws {
        let userID = identity.user.id
        let now = clock.now()
        guard try await database.transaction({ db in try await hub.resume(id: id, userID: userID, now: now, on: db) }) else {
            throw ServiceError(field: nil, messageKey: "error.hub.notFound", code: "not_found", kind: .notFound)
        }
    }

    /// One of the login's subscriptions, live or ended.
    package func subscription(id: String, for identity: AuthenticatedUser) async throws -> SubscriptionView? {
        let userID = identity.user.id
        return try await database.read { db in try await hub.subscription(id: id, userID: userID, on: db) }.map(SubscriptionView.init)
    }

    /// The subscriptions that ended with one of the login's tokens when it was revoked.
    package func endedWith(tokenID: String, for identity: AuthenticatedUser) async throws -> [SubscriptionView] {
        let userID = identity.user.id
        return try await database.read { db in try await hub.endedWith(tokenID: tokenID, userID: userID, on: db) }.map(SubscriptionView.init)
    }

    /// A subscription's latest deliveries, newest first.
    package func deliveries(of id: String, for identity: AuthenticatedUser, limit: Int = 100) async throws -> [DeliveryView] {
        let userID = identity.user.id
        guard let deliveries = try await database.read({ db in try await hub.deliveries(subscriptionID: id, userID: userID, limit: limit, on: db) })
        else { throw ServiceError(field: nil, messageKey: "error.hub.notFound", code: "not_found", kind: .notFound) }
        return deliveries.map(DeliveryView.init)
    }
}
