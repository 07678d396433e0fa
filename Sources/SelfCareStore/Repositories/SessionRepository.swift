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

/// Consecutive failed logins per identifier, known or not. An attempt is counted before its password is checked,
/// with a compare-and-set, so concurrent guesses cannot all slip through on the same count.
package struct LoginThrottleRepository: Sendable {
    package init() {}

    /// What a login attempt may do.
    package enum Reservation: Sendable, Equatable {
        /// Go ahead: the attempt is counted as a failure until a success clears it.
        case reserved(previousFailures: Int)
        /// Wait this many seconds.
        case wait(TimeInterval)
        /// Locked until a password reset: this many failures in a row.
        case locked(failures: Int)
    }

    package func failures(identifier: String, on db: any SQLDatabase) async throws -> (count: Int, last: Date)? {
        guard let row = try await db.raw("SELECT failures, last_failed_at FROM login_throttles WHERE identifier = \(bind: identifier)")
            .first() else { return nil }
        return (Int(try row.value("failures", as: Int64.self)), Date(storedSeconds: try row.value("last_failed_at")))
    }

    /// Counts an attempt for `identifier` unless it must wait (`delay(failures)` after the last one) or is locked.
    package func reserve(
        identifier: String, now: Date, lockAfter: Int, delay: (Int) -> TimeInterval, on db: any SQLDatabase
    ) async throws -> Reservation {
        for _ in 0..<20 {
            guard let (count, last) = try await failures(identifier: identifier, on: db) else {
                let inserted = try await db.raw("""
                    INSERT INTO login_throttles (identifier, failures, last_failed_at) VALUES (\(bind: identifier), 1, \(bind: now.storedSeconds))
                    ON CONFLICT (identifier) DO NOTHING RETURNING failures
                    """).first() != nil
                if inserted { return .reserved(previousFailures: 0) }
                continue
            }
            if count >= lockAfter { return .locked(failures: count) }
            let wait = last.addingTimeInterval(delay(count)).timeIntervalSince(now)
            if wait > 0 { return .wait(wait) }
            let updated = try await db.raw("""
                UPDATE login_throttles SET failures = failures + 1, last_failed_at = \(bind: now.storedSeconds)
                WHERE identifier = \(bind: identifier) AND failures = \(bind: Int64(count)) AND last_failed_at = \(bind: last.storedSeconds)
                RETURNING failures
                """).first() != nil
            if updated { return .reserved(previousFailures: count) }
        }
        return .wait(1)
    }

    package func clear(identifier: String, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM login_throttles WHERE identifier = \(bind: identifier)").run()
    }
}

/// Attempts per key in a fixed window (the window starts with the first attempt after the previous one ended).
package struct RateLimitRepository: Sendable {
    package init() {}

    /// One more attempt for `key`; returns the attempts of the current window, this one included, and when it started.
    package func hit(_ key: String, window: TimeInterval, now: Date, on db: any SQLDatabase) async throws -> (hits: Int, windowStart: Date) {
        let expired = now.addingTimeInterval(-window).storedSeconds
        let row = try await db.raw("""
            INSERT INTO rate_limits (key, window_start, hits) VALUES (\(bind: key), \(bind: now.storedSeconds), 1)
            ON CONFLICT (key) DO UPDATE SET
                hits = CASE WHEN rate_limits.window_start <= \(bind: expired) THEN 1 ELSE rate_limits.hits + 1 END,
                window_start = CASE WHEN rate_limits.window_start <= \(bind: expired) THEN excluded.window_start
                    ELSE rate_limits.window_start END
            RETURNING hits, window_start
            """).first()
        guard let row else { return (1, now) }
        return (Int(try row.value("hits", as: Int64.self)), Date(storedSeconds: try row.value("window_start")))
    }

    /// The attempts of `key`'s current window, without counting one.
    package func hits(_ key: String, window: TimeInterval, now: Date, on db: any SQLDatabase) async throws -> Int {
        guard let row = try await db.raw("SELECT hits, window_start FROM rate_limits WHERE key = \(bind: key)").first() else { return 0 }
        let start = Date(storedSeconds: try row.value("window_start"))
        return start > now.addingTimeInterval(-window) ? Int(try row.value("hits", as: Int64.self)) : 0
    }

    /// Takes back one attempt of the window that started at `windowStart` (it turned out not to count).
    package func refund(_ key: String, windowStart: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE rate_limits SET hits = hits - 1 WHERE key = \(bind: key) AND window_start = \(bind: windowStart.storedSeconds) AND hits > 0
            """).run()
    }

    /// Forgets windows that ended before `before`.
    package func prune(before: Date, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM rate_limits WHERE window_start < \(bind: before.storedSeconds)").run()
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

    /// The secret called `name`, if it was ever created.
    package func existing(named name: String, on db: any SQLDatabase) async throws -> String? {
        try await db.raw("SELECT value FROM app_secrets WHERE name = \(bind: name)").first()?.value("value")
    }
}
