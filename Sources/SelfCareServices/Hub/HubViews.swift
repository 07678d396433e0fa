import Foundation
import SelfCareStore

/// An event subscription as its owner sees it: never its secret.
package struct SubscriptionView: Sendable, Hashable {
    package var id: String
    package var callback: String
    package var eventTypes: [String]
    package var createdAt: Date
    /// The personal token that made it, and that token's name while it is known; nil when a login session did.
    package var tokenID: String?
    package var tokenName: String?
    /// When it was paused for failing too long; nil while it is delivered to.
    package var pausedAt: Date?
    package var lastAttemptAt: Date?
    /// The last attempt's outcome in categories (`http 200`, `timeout`, `refused`, `tls`, `network`, `address`).
    package var lastOutcome: String?
    /// Why it ended, once it has (`ended`, `tokenRevoked`, `passwordReset`, `clientIDReissued`, `personRemoved`).
    package var endedReason: String?

    init(_ row: StoredHubSubscription) {
        id = row.id
        callback = row.callback
        eventTypes = row.eventTypes
        createdAt = row.createdAt
        tokenID = row.tokenID
        tokenName = row.tokenName
        pausedAt = row.pausedAt
        lastAttemptAt = row.lastAttemptAt
        lastOutcome = row.lastOutcome
        endedReason = row.endedReason
    }
}

/// One event sent, or still to send, to a subscription: never the callback's secret.
package struct DeliveryView: Sendable, Hashable {
    package var id: Int64
    package var eventID: String
    package var eventType: String
    package var status: String
    package var attempts: Int64
    package var lastStatusCode: Int64?
    package var lastError: String?
    package var createdAt: Date
    package var deliveredAt: Date?

    init(_ row: HubDelivery) {
        id = row.id
        eventID = row.eventID
        eventType = row.eventType
        status = row.status
        attempts = row.attempts
        lastStatusCode = row.lastStatusCode
        lastError = row.lastError
        createdAt = row.createdAt
        deliveredAt = row.deliveredAt
    }
}
