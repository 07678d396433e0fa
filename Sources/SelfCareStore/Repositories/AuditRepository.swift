import Foundation
import SQLKit

/// What happened, for the audit trail.
package enum AuditAction: String, Sendable {
    case clientIDIssued
    case registrationStarted
    case registrationAttemptOnRegistered
    case registrationCompleted
    case activationFailed
    case loginSucceeded
    case loginFailed
    case loginThrottled
    case loginLocked
    case codesLocked
    case paymentCredited
    case logout
    case passwordResetRequested
    case passwordResetCompleted
    case accessDenied
    case usageAlertsChanged
    case spendLimitConsent
    case apiTokenCreated
    case apiTokenRevoked
}

/// One audit event: never a password or a code.
package struct AuditEvent: Sendable {
    package var action: AuditAction
    package var identifier: String?
    package var userID: Int64?
    package var clientAddress: String?
    package var detail: String?
    package var occurredAt: Date

    package init(action: AuditAction, identifier: String? = nil, userID: Int64? = nil, clientAddress: String? = nil,
                 detail: String? = nil, occurredAt: Date) {
        self.action = action
        self.identifier = identifier
        self.userID = userID
        self.clientAddress = clientAddress
        self.detail = detail
        self.occurredAt = occurredAt
    }
}

/// The audit trail.
package struct AuditRepository: Sendable {
    package init() {}

    package func record(_ event: AuditEvent, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO audit_events (occurred_at, action, identifier, user_id, client_address, detail)
            VALUES (\(bind: event.occurredAt.storedSeconds), \(bind: event.action.rawValue), \(bind: event.identifier),
                    \(bind: event.userID), \(bind: event.clientAddress), \(bind: event.detail))
            """).run()
    }

    /// The most recent events, newest first.
    package func recent(limit: Int, on db: any SQLDatabase) async throws -> [(action: String, identifier: String?)] {
        try await db.raw("SELECT action, identifier FROM audit_events ORDER BY id DESC LIMIT \(bind: limit)").all().map {
            (try $0.value("action"), try $0.optional("identifier"))
        }
    }
}
