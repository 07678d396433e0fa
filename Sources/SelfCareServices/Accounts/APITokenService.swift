import Foundation
import SelfCareCore
import SelfCareStore

/// What a personal API token may do.
package enum APIScope: String, Sendable, Hashable, CaseIterable, Codable {
    case billsRead = "bills:read"
    case usageRead = "usage:read"
    case paymentsWrite = "payments:write"
    /// Manage event subscriptions; each receives only the events the token's other scopes can read.
    case eventsWrite = "events:write"

    /// A new token's scopes unless others are asked for: read-only.
    package static let readOnly: [APIScope] = [.billsRead, .usageRead]
}

/// A token just created: the secret, shown once, and what is kept of it.
package struct IssuedAPIToken: Sendable {
    package var token: String
    package var stored: APITokenView
}

/// Personal API tokens: created and revoked from a login session, named, scoped (read-only by default), stored as
/// digests, seen with their last use. A token sees what its login sees, within its scopes, and draws on its login's
/// request budget (`APIRequestLimiter`).
package struct APITokenService: Sendable {
    private let database: Database
    private let clock: any WallClock
    private let tokens = APITokenRepository()

    package static let prefix = "sct_"
    static let maximumTokens = 20

    package init(database: Database, clock: any WallClock) {
        self.database = database
        self.clock = clock
    }

    /// A new token for the login of `identity`, which must be a login session.
    package func create(name: String, scopes: [String]?, for identity: AuthenticatedUser) async throws -> IssuedAPIToken {
        try Self.requireSession(identity)
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...60).contains(trimmed.unicodeScalars.count), !trimmed.contains(where: \.isNewline) else {
            throw ServiceError.field("name", "error.apiToken.name", code: "invalid_name")
        }
        let parsed = try Self.scopes(scopes)
        let now = clock.now()
        let token = Self.prefix + SecretTokens.random()
        let id = "tok_" + SecretTokens.random(bytes: 12)
        let userID = identity.user.id
        let stored = StoredAPIToken(id: id, userID: userID, name: trimmed, scopes: parsed.map(\.rawValue), createdAt: now)
        try await database.transaction { db in
            guard try await tokens.active(userID: userID, on: db).count < Self.maximumTokens else {
                throw ServiceError(field: nil, messageKey: "error.apiToken.tooMany", code: "too_many_tokens", kind: .conflict)
            }
            try await tokens.insert(id: id, userID: userID, name: trimmed, scopes: stored.scopes, tokenDigest: SecretTokens.digest(token),
                                    now: now, on: db)
            try await AuditRepository().record(AuditEvent(
                action: .apiTokenCreated, userID: userID, detail: "\(id) \(trimmed) [\(stored.scopes.joined(separator: " "))]", occurredAt: now),
                on: db)
        }
        return IssuedAPIToken(token: token, stored: APITokenView(stored))
    }

    /// The login's active tokens, newest first, with their last use.
    package func list(for identity: AuthenticatedUser) async throws -> [APITokenView] {
        try Self.requireSession(identity)
        let userID = identity.user.id
        return try await database.read { db in try await tokens.active(userID: userID, on: db) }.map(APITokenView.init)
    }

    /// Revokes one of the login's tokens: it stops working at once, and the event subscriptions it made end with it in
    /// the same transaction. Returns how many ended.
    @discardableResult
    package func revoke(id: String, for identity: AuthenticatedUser) async throws -> Int {
        try Self.requireSession(identity)
        let now = clock.now()
        let userID = identity.user.id
        return try await database.transaction { db in
            guard try await tokens.revoke(id: id, userID: userID, now: now, on: db) else {
                throw ServiceError(field: nil, messageKey: "error.apiToken.notFound", code: "not_found", kind: .notFound)
            }
            let ended = try await HubRepository().end(tokenID: id, reason: .tokenRevoked, now: now, on: db)
            try await AuditRepository().record(
                AuditEvent(action: .apiTokenRevoked, userID: userID, detail: "\(id) (\(ended) event subscriptions ended)", occurredAt: now), on: db)
            return ended
        }
    }

    /// A token of the login's, revoked or not.
    package func token(id: String, for identity: AuthenticatedUser) async throws -> APITokenView? {
        let userID = identity.user.id
        return try await database.read { db in try await tokens.token(id: id, userID: userID, on: db) }.map(APITokenView.init)
    }

    /// The identity a personal token stands for, or nil when it is unknown or revoked.
    package func authenticate(token: String) async throws -> AuthenticatedUser? {
        guard token.hasPrefix(Self.prefix) else { return nil }
        let digest = SecretTokens.digest(token)
        guard let (stored, user) = try await database.read({ db -> (StoredAPIToken, PortalUser)? in
            guard let stored = try await tokens.token(digest: digest, on: db), stored.revokedAt == nil,
                  let user = try await UserRepository().user(id: stored.userID, on: db) else { return nil }
            return (stored, user)
        }) else { return nil }
        let now = clock.now()
        // One write a minute at most keeps "last used" right without a write per request.
        if stored.lastUsedAt.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            try await database.transaction { db in try await tokens.touch(id: stored.id, now: now, on: db) }
        }
        return AuthenticatedUser(user: user, tokenDigest: digest, csrfToken: "",
                                 personalToken: PersonalToken(id: stored.id, scopes: Set(stored.scopes.compactMap(APIScope.init))))
    }

    private static func requireSession(_ identity: AuthenticatedUser) throws {
        guard identity.personalToken == nil else {
            throw ServiceError(field: nil, messageKey: "error.apiToken.sessionOnly", code: "session_required", kind: .forbidden)
        }
    }

    private static func scopes(_ names: [String]?) throws -> [APIScope] {
        guard let names else { return APIScope.readOnly }
        var parsed: [APIScope] = []
        for name in names {
            guard let scope = APIScope(rawValue: name), !parsed.contains(scope) else {
                throw ServiceError.field("scopes", "error.apiToken.scope", code: "invalid_scopes")
            }
            parsed.append(scope)
        }
        guard !parsed.isEmpty else { throw ServiceError.field("scopes", "error.apiToken.scope", code: "invalid_scopes") }
        return APIScope.allCases.filter(parsed.contains)
    }
}
