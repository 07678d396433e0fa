import Foundation
import SQLKit

/// A login session (web page session or API token) as stored; the token itself is never stored.
package struct StoredSession: Sendable, Hashable {
    package var tokenDigest: String
    package var userID: Int64
    package var kind: String
    package var csrfToken: String
    package var createdAt: Date
    package var lastSeenAt: Date
    package var expiresAt: Date

    package init(tokenDigest: String, userID: Int64, kind: String, csrfToken: String, createdAt: Date, lastSeenAt: Date, expiresAt: Date) {
        self.tokenDigest = tokenDigest
        self.userID = userID
        self.kind = kind
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
    }
}

/// Sessions shared by every portal instance.
package struct SessionRepository: Sendable {
    package init() {}

    package func insert(_ session: StoredSession, clientAddress: String?, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO sessions (token_digest, user_id, kind, csrf_token, created_at, last_seen_at, expires_at, client_address)
            VALUES (\(bind: session.tokenDigest), \(bind: session.userID), \(bind: session.kind), \(bind: session.csrfToken),
                \(bind: session.createdAt.storedSeconds), \(bind: session.lastSeenAt.storedSeconds),
                \(bind: session.expiresAt.storedSeconds), \(bind: clientAddress))
            """).run()
    }

    package func session(tokenDigest: String, on db: any SQLDatabase) async throws -> StoredSession? {
        guard let row = try await db.raw("SELECT * FROM sessions WHERE token_digest = \(bind: tokenDigest)").first() else { return nil }
        return StoredSession(
            tokenDigest: try row.value("token_digest"), userID: try row.value("user_id"), kind: try row.value("kind"),
            csrfToken: try row.value("csrf_token"), createdAt: Date(storedSeconds: try row.value("created_at")),
            lastSeenAt: Date(storedSeconds: try row.value("last_seen_at")), expiresAt: Date(storedSeconds: try row.value("expires_at")))
    }

    package func touch(tokenDigest: String, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE sessions SET last_seen_at = \(bind: now.storedSeconds) WHERE token_digest = \(bind: tokenDigest)").run()
    }

    package func delete(tokenDigest: String, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM sessions WHERE token_digest = \(bind: tokenDigest)").run()
    }

    /// Ends every session of a user (password change, reset).
    package func deleteAll(userID: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userID)").run()
    }
}

/// Consecutive failed logins per identifier, known or not.
package struct LoginThrottleRepository: Sendable {
    package init() {}

    package func failures(identifier: String, on db: any SQLDatabase) async throws -> (count: Int, last: Date)? {
        guard let row = try await db.raw("SELECT failures, last_failed_at FROM login_throttles WHERE identifier = \(bind: identifier)")
            .first() else { return nil }
        return (Int(try row.value("failures", as: Int64.self)), Date(storedSeconds: try row.value("last_failed_at")))
    }

    package func recordFailure(identifier: String, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO login_throttles (identifier, failures, last_failed_at) VALUES (\(bind: identifier), 1, \(bind: now.storedSeconds))
            ON CONFLICT (identifier) DO UPDATE SET failures = login_throttles.failures + 1, last_failed_at = excluded.last_failed_at
            """).run()
    }

    package func clear(identifier: String, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM login_throttles WHERE identifier = \(bind: identifier)").run()
    }
}

/// Secret keys generated once per deployment and shared by every instance through the database.
package struct AppSecretRepository: Sendable {
    package init() {}

    /// The secret called `name`, created from `generate` the first time.
    package func secret(named name: String, now: Date, generate: () -> String, on db: any SQLDatabase) async throws -> String {
        try await db.raw("""
            INSERT INTO app_secrets (name, value, created_at) VALUES (\(bind: name), \(bind: generate()), \(bind: now.storedSeconds))
            ON CONFLICT (name) DO NOTHING
            """).run()
        let row = try await db.raw("SELECT value FROM app_secrets WHERE name = \(bind: name)").first()
        return try row!.value("value")
    }
}
