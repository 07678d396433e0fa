import Foundation
import SelfCareCore
import SelfCareMessaging
import SelfCareStore

/// The logged-in identity of a request.
package struct AuthenticatedUser: Sendable, Hashable {
    package var user: PortalUser
    package var tokenDigest: String
    package var csrfToken: String
    /// The personal API token the request came with; nil for a login session, which may do everything its login may.
    package var personalToken: PersonalToken?

    /// The login's id, name and language, as pages and answers use them.
    package var userID: Int64 { user.id }
    package var fullName: String { user.fullName }
    package var language: Language { user.language }
    /// True for a company's login by its Client ID (every line of the company), false for one line's.
    package var isCompanyLogin: Bool {
        if case .client = user.scope { true } else { false }
    }
}

/// A personal API token in use: which one, and what it may do.
package struct PersonalToken: Sendable, Hashable {
    package var id: String
    package var scopes: Set<APIScope>
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

    let database: Database
    let clock: any WallClock
    let hasher: PasswordHasher
    let directory: IdentityDirectory
    let throttling: LoginThrottlePolicy
    private let sessions = SessionRepository()
    private let throttles = LoginThrottleRepository()
    private let limits = RateLimitRepository()

    package enum Kind: String, Sendable {
        case web
        case api
    }

    /// What the limits allow a login attempt, decided before its password is hashed.
    private enum Admission: Sendable {
        case admitted(windows: [(key: String, start: Date)])
        case refused(ServiceError, AuditAction, detail: String)
    }

    /// Checks the identifier and password and opens a session. The attempt is counted against the identifier, the
    /// client address and the portal before the password is hashed, so concurrent guesses cannot share one count.
    package func login(identifier text: String, password: String, kind: Kind, clientAddress: String?) async throws -> Result<IssuedSession, ServiceError> {
        let invalid = ServiceError(field: "password", messageKey: "error.login.invalid", code: "invalid_credentials", kind: .unauthorized)
        let identifier: LoginIdentifier
        do { identifier = try LoginIdentifier(text) } catch {
            return .failure(.field("identifier", error.messageKey, code: "invalid_identifier"))
        }
        let subject = directory.subject(identifier)
        let now = clock.now()
        let admission = try await admit(subject: subject, clientAddress: clientAddress, now: now)
        let windows: [(key: String, start: Date)]
        switch admission {
        case .refused(let error, let action, let detail):
            try await database.transaction { db in
                try await AuditRepository().record(AuditEvent(action: action, identifier: subject, clientAddress: clientAddress, detail: detail,
                                                              occurredAt: now), on: db)
            }
            return .failure(error)
        case .admitted(let admitted):
            windows = admitted
        }
        let directory = self.directory
        let user = try await database.read { db -> PortalUser? in
            guard let identity = try await directory.resolve(identifier, on: db) else { return nil }
            return try await UserRepository().user(scope: identity.scope, on: db)
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
                try await AuditRepository().record(AuditEvent(action: .loginFailed, identifier: subject, userID: user?.id,
                                                              clientAddress: clientAddress, occurredAt: now), on: db)
            }
            return .failure(invalid)
        }
        let rehash = hasher.needsRehash(user.passwordHash) ? try await hasher.hash(password) : nil
        let issued = IssuedSession(
            token: SecretTokens.random(), csrfToken: SecretTokens.random(bytes: 24),
            expiresAt: now.addingTimeInterval(Self.absoluteTimeout), userID: user.id)
        let (sessions, throttles, limits) = (self.sessions, self.throttles, self.limits)
        try await database.transaction { db in
            try await sessions.insert(StoredSession(
                tokenDigest: SecretTokens.digest(issued.token), userID: user.id, kind: kind.rawValue, csrfToken: issued.csrfToken,
                createdAt: now, lastSeenAt: now, expiresAt: issued.expiresAt), clientAddress: clientAddress, on: db)
            try await throttles.clear(identifier: subject, on: db)
            // The address and portal windows count failures: a success gives its attempt back.
            for window in windows { try await limits.refund(window.key, windowStart: window.start, on: db) }
            if let rehash { try await UserRepository().updatePassword(userID: user.id, passwordHash: rehash, now: now, on: db) }
            try await AuditRepository().record(AuditEvent(action: .loginSucceeded, identifier: subject, userID: user.id,
                                                          clientAddress: clientAddress, detail: kind.rawValue, occurredAt: now), on: db)
        }
        return .success(issued)
    }

    /// Counts the attempt in the client address's window (an IPv6 client's /64), the portal's window and the identifier's
    /// run of failures, in one transaction, or says which limit refuses it.
    private func admit(subject: String, clientAddress: String?, now: Date) async throws -> Admission {
        let (policy, throttles, limits) = (throttling, self.throttles, self.limits)
        return try await database.transaction { db -> Admission in
            var windows: [(key: String, start: Date)] = []
            if let clientAddress {
                let key = "login:address:\(ClientNetwork.throttleKey(for: clientAddress))"
                let (hits, start) = try await limits.hit(key, window: policy.addressWindow, now: now, on: db)
                guard hits <= policy.failuresPerAddress else {
                    let seconds = Int(start.addingTimeInterval(policy.addressWindow).timeIntervalSince(now).rounded(.up))
                    return .refused(ServiceError(field: "identifier", messageKey: "error.login.addressThrottled", code: "too_many_attempts",
                                                 values: ["seconds": "\(max(seconds, 1))"], kind: .tooMany), .loginThrottled, detail: "address")
                }
                windows.append((key, start))
            }
            let (portalHits, portalStart) = try await limits.hit("login:portal", window: policy.portalWindow, now: now, on: db)
            guard portalHits <= policy.failuresPerPortal else {
                let seconds = Int(portalStart.addingTimeInterval(policy.portalWindow).timeIntervalSince(now).rounded(.up))
                return .refused(ServiceError(field: "identifier", messageKey: "error.login.portalThrottled", code: "too_many_attempts",
                                             values: ["seconds": "\(max(seconds, 1))"], kind: .tooMany), .loginThrottled, detail: "portal")
            }
            windows.append(("login:portal", portalStart))
            switch try await throttles.reserve(identifier: subject, now: now, lockAfter: policy.lockAfterFailures,
                                               delay: policy.delay(afterFailures:), on: db) {
            case .reserved:
                return .admitted(windows: windows)
            case .wait(let wait):
                return .refused(ServiceError(field: "identifier", messageKey: "error.login.throttled", code: "too_many_attempts",
                                             values: ["seconds": "\(Int(wait.rounded(.up)))"], kind: .tooMany), .loginThrottled, detail: "identifier")
            case .locked(let failures):
                return .refused(ServiceError(field: "identifier", messageKey: "error.login.locked", code: "login_locked",
                                             values: ["failures": "\(failures)"], kind: .locked), .loginLocked, detail: "identifier")
            }
        }
    }

    /// The user of a session token of this kind, if the session is still alive; refreshes its idle timer. A browser
    /// session is never accepted as an API token, nor the other way round.
    package func authenticate(token: String, kind: Kind) async throws -> AuthenticatedUser? {
        let digest = SecretTokens.digest(token)
        let now = clock.now()
        let sessions = self.sessions
        guard let (session, user) = try await database.read({ db -> (StoredSession, PortalUser)? in
            guard let session = try await sessions.session(tokenDigest: digest, on: db),
                  let user = try await UserRepository().user(id: session.userID, on: db) else { return nil }
            return (session, user)
        }) else { return nil }
        guard session.kind == kind.rawValue else { return nil }
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
