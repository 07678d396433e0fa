import Foundation
import SelfCareCore
import SelfCareMessaging
import SelfCareStore

/// Password reset by SMS code to the number on file. It ignores the login throttle, so an attacker hammering an
/// identifier cannot lock its owner out, and a successful reset clears the throttle and ends every session.
package struct PasswordResetService: Sendable {
    let database: Database
    let clock: any WallClock
    let codes: OneTimeCodes
    let hasher: PasswordHasher
    let passwordCheck: NewPasswordCheck
    let branding: Branding
    let directory: IdentityDirectory
    private let flows = FlowRepository()

    /// Starts a reset; the same answer whether or not the identifier has a login.
    package func request(identifier text: String, language: Language, clientAddress: String?) async throws -> Result<String, ServiceError> {
        let identifier: LoginIdentifier
        do { identifier = try LoginIdentifier(text) } catch {
            return .failure(.field("identifier", error.messageKey, code: "invalid_identifier"))
        }
        let id = SecretTokens.random(bytes: 18)
        let now = clock.now()
        let subject = directory.subject(identifier)
        let (directory, flows, codes) = (self.directory, self.flows, self.codes)
        try await database.transaction { db in
            let identity = try await directory.resolve(identifier, on: db)
            let user: PortalUser? = if let identity { try await UserRepository().user(scope: identity.scope, on: db) } else { nil }
            try await flows.insertReset(
                PasswordReset(id: id, userID: user?.id, identifier: subject, status: user == nil ? "void" : "pending", createdAt: now),
                clientAddress: clientAddress, now: now, on: db)
            // Without a login the code is sent nowhere, so wrong tries are answered as for a real reset.
            try? await codes.issue(purpose: .passwordReset, flowID: id, subject: subject, to: user == nil ? nil : identity?.numberOnFile,
                                   language: user?.language ?? language, clientAddress: clientAddress, now: now, on: db)
            try await AuditRepository().record(AuditEvent(action: .passwordResetRequested, identifier: subject,
                                                          userID: user?.id, clientAddress: clientAddress, occurredAt: now), on: db)
        }
        return .success(id)
    }

    /// True when the reset exists, is pending and is less than an hour old.
    package func isOpen(id: String) async throws -> Bool {
        let now = clock.now()
        return try await database.read { db in
            guard let reset = try await FlowRepository().reset(id: id, on: db) else { return false }
            return reset.status != "completed" && reset.createdAt.addingTimeInterval(3600) > now
        }
    }

    /// Checks the code and sets the new password.
    package func complete(id: String, code: String, password: String, confirmation: String, clientAddress: String?) async throws -> Result<Void, ServiceError> {
        let now = clock.now()
        let notFound = ServiceError(messageKey: "error.reset.notFound", code: "reset_not_found", kind: .notFound)
        guard let reset = try await database.read({ db in try await FlowRepository().reset(id: id, on: db) }),
              reset.status != "completed", reset.createdAt.addingTimeInterval(3600) > now else { return .failure(notFound) }
        let holder: PortalUser? = if let userID = reset.userID {
            try await database.read { db in try await UserRepository().user(id: userID, on: db) }
        } else { nil }
        if let refusal = passwordCheck.refusal(password, confirmation: confirmation, subject: reset.identifier,
                                               fullName: holder?.fullName, email: holder?.email) {
            return .failure(refusal)
        }
        let hash = try await hasher.hash(password)
        let (codes, flows, branding) = (self.codes, self.flows, self.branding)
        return try await database.transaction { db in
            let verified = try await codes.verify(code, flowID: id, now: now, on: db)
            guard case .success = verified else { return verified }
            guard let userID = reset.userID, let user = try await UserRepository().user(id: userID, on: db) else {
                return .failure(.field("code", "error.code.invalid", code: "invalid_code"))
            }
            try await UserRepository().updatePassword(userID: userID, passwordHash: hash, now: now, on: db)
            try await SessionRepository().deleteAll(userID: userID, on: db)
            try await APITokenRepository().revokeAll(userID: userID, now: now, on: db)
            try await HubRepository().end(userID: userID, reason: .passwordReset, now: now, on: db)
            try await LoginThrottleRepository().clear(identifier: reset.identifier, on: db)
            try await flows.completeReset(id: id, now: now, on: db)
            if let number = try await IdentityDirectory.numberOnFile(user.scope, on: db) {
                try await OutboxRepository().enqueue(Notices.passwordChanged(
                    to: number, userID: userID, operatorName: branding.operatorName, helpline: branding.helpline,
                    language: user.language), now: now, on: db)
            }
            try await AuditRepository().record(AuditEvent(action: .passwordResetCompleted, identifier: reset.identifier, userID: userID,
                                                          clientAddress: clientAddress, occurredAt: now), on: db)
            return .success(())
        }
    }
}
