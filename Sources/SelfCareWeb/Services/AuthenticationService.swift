import Foundation
import SelfCareCore
import SelfCareMessaging
import SelfCareStore

/// The logged-in identity of a request.
package struct AuthenticatedUser: Sendable, Hashable {
    package var user: PortalUser
    package var tokenDigest: String
    package var csrfToken: String
}

/// A new session: the token goes to the browser or API client; only its digest is stored.
package struct IssuedSession: Sendable {
    package var token: String
    package var csrfToken: String
    package var expiresAt: Date
    package var userID: Int64
}

/// Logins, sessions and logouts. Sessions live in the database so several instances share them.
package struct AuthenticationService: Sendable {
    /// Sessions end after 30 minutes without a request and 12 hours after login.
    package static let idleTimeout: TimeInterval = 30 * 60
    package static let absoluteTimeout: TimeInterval = 12 * 3600
    /// Consecutive failures allowed before each further try waits.
    package static let freeFailures = 5

    let database: Database
    let clock: any WallClock
    let hasher: PasswordHasher
    private let directory = IdentityDirectory()
    private let sessions = SessionRepository()
    private let throttles = LoginThrottleRepository()

    package enum Kind: String, Sendable {
        case web
        case api
    }

    /// How long an identifier must wait after `failures` consecutive failures: 30 s doubling from the sixth, at most 15 min.
    package static func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures >= freeFailures else { return 0 }
        return min(30 * pow(2, Double(failures - freeFailures)), 15 * 60)
    }

    /// Checks the identifier and password and opens a session.
    package func login(identifier text: String, password: String, kind: Kind, clientAddress: String?) async throws -> Result<IssuedSession, ServiceError> {
        let invalid = ServiceError(field: "password", messageKey: "error.login.invalid", code: "invalid_credentials", kind: .unauthorized)
        let identifier: LoginIdentifier
        do { identifier = try LoginIdentifier(text) } catch {
            return .failure(.field("identifier", error.messageKey, code: "invalid_identifier"))
        }
        let subject = identifier.canonical
        let now = clock.now()
        let (directory, throttles) = (self.directory, self.throttles)
        let (user, failures) = try await database.read { db -> (PortalUser?, (count: Int, last: Date)?) in
            let failures = try await throttles.failures(identifier: subject, on: db)
            guard let identity = try await directory.resolve(identifier, on: db) else { return (nil, failures) }
            return (try await UserRepository().user(scope: identity.scope, on: db), failures)
        }
        if let failures {
            let wait = failures.last.addingTimeInterval(Self.delay(afterFailures: failures.count)).timeIntervalSince(now)
            if wait > 0 {
                try await database.transaction { db in
                    try await AuditRepository().record(AuditEvent(action: .loginThrottled, identifier: subject, clientAddress: clientAddress,
                                                                  occurredAt: now), on: db)
                }
                return .failure(ServiceError(field: "identifier", messageKey: "error.login.throttled", code: "too_many_attempts",
                                             values: ["seconds": "\(Int(wait.rounded(.up)))"], kind: .tooMany))
            }
        }
        let matches: Bool
        if let user {
            matches = try await hasher.verify(password, against: user.passwordHash)
        } else {
            try await hasher.verifyNothing(password)
            matches = false
        }
        guard matches, let user else {
            try await database.transaction { db in
                try await throttles.recordFailure(identifier: subject, now: now, on: db)
                try await AuditRepository().record(AuditEvent(action: .loginFailed, identifier: subject, userID: user?.id,
                                                              clientAddress: clientAddress, occurredAt: now), on: db)
            }
            return .failure(invalid)
        }
        let rehash = hasher.needsRehash(user.passwordHash) ? try await hasher.hash(password) : nil
        let issued = IssuedSession(
            token: SecretTokens.random(), csrfToken: SecretTokens.random(bytes: 24),
            expiresAt: now.addingTimeInterval(Self.absoluteTimeout), userID: user.id)
        let sessions = self.sessions
        try await database.transaction { db in
            try await sessions.insert(StoredSession(
                tokenDigest: SecretTokens.digest(issued.token), userID: user.id, kind: kind.rawValue, csrfToken: issued.csrfToken,
                createdAt: now, lastSeenAt: now, expiresAt: issued.expiresAt), clientAddress: clientAddress, on: db)
            try await throttles.clear(identifier: subject, on: db)
            if let rehash { try await UserRepository().updatePassword(userID: user.id, passwordHash: rehash, now: now, on: db) }
            try await AuditRepository().record(AuditEvent(action: .loginSucceeded, identifier: subject, userID: user.id,
                                                          clientAddress: clientAddress, detail: kind.rawValue, occurredAt: now), on: db)
        }
        return .success(issued)
    }

    /// The user of a session token, if the session is still alive; refreshes its idle timer.
    package func authenticate(token: String) async throws -> AuthenticatedUser? {
        let digest = SecretTokens.digest(token)
        let now = clock.now()
        let sessions = self.sessions
        guard let (session, user) = try await database.read({ db -> (StoredSession, PortalUser)? in
            guard let session = try await sessions.session(tokenDigest: digest, on: db),
                  let user = try await UserRepository().user(id: session.userID, on: db) else { return nil }
            return (session, user)
        }) else { return nil }
        guard session.expiresAt > now, session.lastSeenAt.addingTimeInterval(Self.idleTimeout) > now else {
            try await database.transaction { db in try await sessions.delete(tokenDigest: digest, on: db) }
            return nil
        }
        // One write a minute at most per session keeps the idle timer right without a write per request.
        if now.timeIntervalSince(session.lastSeenAt) >= 60 {
            try await database.transaction { db in try await sessions.touch(tokenDigest: digest, now: now, on: db) }
        }
        return AuthenticatedUser(user: user, tokenDigest: digest, csrfToken: session.csrfToken)
    }

    /// Ends the session on the server.
    package func logout(_ authenticated: AuthenticatedUser, clientAddress: String?) async throws {
        let now = clock.now()
        let sessions = self.sessions
        try await database.transaction { db in
            try await sessions.delete(tokenDigest: authenticated.tokenDigest, on: db)
            try await AuditRepository().record(AuditEvent(action: .logout, userID: authenticated.user.id, clientAddress: clientAddress,
                                                          occurredAt: now), on: db)
        }
    }
}
