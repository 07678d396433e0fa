import Foundation
import SelfCareCore
import SQLKit

/// A personal API token as stored: never the token itself, only its digest.
package struct StoredAPIToken: Sendable, Hashable {
    package var id: String
    package var userID: Int64
    package var name: String
    package var scopes: [String]
    package var createdAt: Date
    package var lastUsedAt: Date?
    package var revokedAt: Date?

    package init(id: String, userID: Int64, name: String, scopes: [String], createdAt: Date, lastUsedAt: Date? = nil, revokedAt: Date? = nil) {
        self.id = id
        self.userID = userID
        self.name = name
        self.scopes = scopes
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

/// Personal API tokens.
package struct APITokenRepository: Sendable {
    package init() {}

    package func insert(
        id: String, userID: Int64, name: String, scopes: [String], tokenDigest: String, now: Date, on db: any SQLDatabase
    ) async throws {
        try await db.raw("""
            INSERT INTO api_tokens (id, user_id, name, scopes, token_digest, created_at)
            VALUES (\(bind: id), \(bind: userID), \(bind: name), \(bind: scopes.joined(separator: " ")), \(bind: tokenDigest),
                    \(bind: now.storedSeconds))
            """).run()
    }

    /// The login's tokens not revoked, newest first.
    package func active(userID: Int64, on db: any SQLDatabase) async throws -> [StoredAPIToken] {
        try await db.raw("""
            \(unsafeRaw: Self.select) WHERE user_id = \(bind: userID) AND revoked_at IS NULL ORDER BY created_at DESC, id
            """).all().map(Self.token(from:))
    }

    /// The token whose digest this is, revoked or not.
    package func token(digest: String, on db: any SQLDatabase) async throws -> StoredAPIToken? {
        try await db.raw("\(unsafeRaw: Self.select) WHERE token_digest = \(bind: digest)").first().map(Self.token(from:))
    }

    /// One of the login's tokens, revoked or not.
    package func token(id: String, userID: Int64, on db: any SQLDatabase) async throws -> StoredAPIToken? {
        try await db.raw("\(unsafeRaw: Self.select) WHERE id = \(bind: id) AND user_id = \(bind: userID)").first().map(Self.token(from:))
    }

    /// Revokes one of the login's tokens; false when it has no such active token.
    package func revoke(id: String, userID: Int64, now: Date, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            UPDATE api_tokens SET revoked_at = \(bind: now.storedSeconds)
            WHERE id = \(bind: id) AND user_id = \(bind: userID) AND revoked_at IS NULL RETURNING id
            """).first() != nil
    }

    /// Revokes every token of a login (its password changed).
    package func revokeAll(userID: Int64, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE api_tokens SET revoked_at = \(bind: now.storedSeconds) WHERE user_id = \(bind: userID) AND revoked_at IS NULL
            """).run()
    }

    package func touch(id: String, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE api_tokens SET last_used_at = \(bind: now.storedSeconds) WHERE id = \(bind: id)").run()
    }

    private static let select = "SELECT id, user_id, name, scopes, created_at, last_used_at, revoked_at FROM api_tokens"

    private static func token(from row: any SQLRow) throws -> StoredAPIToken {
        StoredAPIToken(
            id: try row.value("id"), userID: try row.value("user_id"), name: try row.value("name"),
            scopes: (try row.value("scopes", as: String.self)).split(separator: " ").map(String.init),
            createdAt: Date(storedSeconds: try row.value("created_at")),
            lastUsedAt: try row.optional("last_used_at", as: Int64.self).map(Date.init(storedSeconds:)),
            revokedAt: try row.optional("revoked_at", as: Int64.self).map(Date.init(storedSeconds:)))
    }
}
