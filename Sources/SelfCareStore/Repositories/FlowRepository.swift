import Foundation
import SelfCareCore
import SQLKit

/// A registration in progress.
package struct Registration: Sendable, Hashable {
    package enum Status: String, Sendable {
        /// Waiting for the activation code.
        case pending
        /// Code accepted; waiting for the password.
        case verified
        case completed
        /// Unknown or already registered identifier: looks like the others, can never complete.
        case void
    }

    package var id: String
    package var scope: LoginScope?
    package var identifier: String
    package var fullName: String
    package var email: String
    package var language: Language
    package var status: Status
    package var createdAt: Date

    package init(
        id: String, scope: LoginScope?, identifier: String, fullName: String, email: String, language: Language, status: Status,
        createdAt: Date
    ) {
        self.id = id
        self.scope = scope
        self.identifier = identifier
        self.fullName = fullName
        self.email = email
        self.language = language
        self.status = status
        self.createdAt = createdAt
    }
}

/// A password reset in progress.
package struct PasswordReset: Sendable, Hashable {
    package var id: String
    package var userID: Int64?
    package var identifier: String
    package var status: String
    package var createdAt: Date

    package init(id: String, userID: Int64?, identifier: String, status: String, createdAt: Date) {
        self.id = id
        self.userID = userID
        self.identifier = identifier
        self.status = status
        self.createdAt = createdAt
    }
}

/// Registrations and password resets: the multi-step flows that an SMS code unlocks.
package struct FlowRepository: Sendable {
    package init() {}

    package func insertRegistration(
        _ registration: Registration, termsVersion: String, clientAddress: String?, now: Date, on db: any SQLDatabase
    ) async throws {
        let (kind, accountID, clientID): (String?, Int64?, Int64?) = switch registration.scope {
        case .account(let rowID): ("account", rowID, nil)
        case .client(let rowID): ("client", nil, rowID)
        case nil: (nil, nil, nil)
        }
        try await db.raw("""
            INSERT INTO registrations (id, login_kind, account_id, client_id, identifier, full_name, email, language,
                terms_version, terms_accepted_at, status, client_address, created_at)
            VALUES (\(bind: registration.id), \(bind: kind), \(bind: accountID), \(bind: clientID), \(bind: registration.identifier),
                \(bind: registration.fullName), \(bind: registration.email), \(bind: registration.language.rawValue),
                \(bind: termsVersion), \(bind: now.storedSeconds), \(bind: registration.status.rawValue), \(bind: clientAddress),
                \(bind: now.storedSeconds))
            """).run()
    }

    package func registration(id: String, on db: any SQLDatabase) async throws -> Registration? {
        guard let row = try await db.raw("SELECT * FROM registrations WHERE id = \(bind: id)").first() else { return nil }
        let accountID: Int64? = try row.optional("account_id")
        let clientID: Int64? = try row.optional("client_id")
        return Registration(
            id: try row.value("id"),
            scope: accountID.map { .account(rowID: $0) } ?? clientID.map { .client(rowID: $0) },
            identifier: try row.value("identifier"), fullName: try row.value("full_name"), email: try row.value("email"),
            language: Language(rawValue: try row.value("language")) ?? .default,
            status: Registration.Status(rawValue: try row.value("status")) ?? .void,
            createdAt: Date(storedSeconds: try row.value("created_at")))
    }

    package func setRegistrationStatus(id: String, to status: Registration.Status, now: Date, on db: any SQLDatabase) async throws {
        let column = status == .verified ? "verified_at" : "completed_at"
        try await db.raw("""
            UPDATE registrations SET status = \(bind: status.rawValue), \(unsafeRaw: column) = \(bind: now.storedSeconds)
            WHERE id = \(bind: id)
            """).run()
    }

    package func insertReset(_ reset: PasswordReset, clientAddress: String?, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO password_resets (id, user_id, identifier, status, client_address, created_at)
            VALUES (\(bind: reset.id), \(bind: reset.userID), \(bind: reset.identifier), \(bind: reset.status),
                \(bind: clientAddress), \(bind: now.storedSeconds))
            """).run()
    }

    package func reset(id: String, on db: any SQLDatabase) async throws -> PasswordReset? {
        guard let row = try await db.raw("SELECT * FROM password_resets WHERE id = \(bind: id)").first() else { return nil }
        return PasswordReset(
            id: try row.value("id"), userID: try row.optional("user_id"), identifier: try row.value("identifier"),
            status: try row.value("status"), createdAt: Date(storedSeconds: try row.value("created_at")))
    }

    package func completeReset(id: String, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE password_resets SET status = 'completed', completed_at = \(bind: now.storedSeconds) WHERE id = \(bind: id)
            """).run()
    }
}
