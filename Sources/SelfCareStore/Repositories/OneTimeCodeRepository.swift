import Foundation
import SQLKit

/// A one-time code as stored: only its keyed hash.
package struct StoredCode: Sendable, Hashable {
    package var id: Int64
    /// Whom the code is for: an Account ID, or a keyed digest of a Client ID.
    package var subject: String
    package var codeHash: String
    package var attempts: Int64
    package var expiresAt: Date
    package var consumed: Bool
}

/// One-time codes of registrations and password resets.
package struct OneTimeCodeRepository: Sendable {
    package init() {}

    package func insert(
        purpose: String, flowID: String, subject: String, codeHash: String, now: Date, expiresAt: Date, on db: any SQLDatabase
    ) async throws {
        try await db.raw("""
            INSERT INTO one_time_codes (purpose, flow_id, subject, code_hash, attempts, created_at, expires_at)
            VALUES (\(bind: purpose), \(bind: flowID), \(bind: subject), \(bind: codeHash), 0, \(bind: now.storedSeconds),
                \(bind: expiresAt.storedSeconds))
            """).run()
    }

    /// How many codes for `purpose` were issued for `subject` since `since`.
    package func countIssued(subject: String, purpose: String, since: Date, on db: any SQLDatabase) async throws -> Int {
        let row = try await db.raw("""
            SELECT COUNT(*) AS n FROM one_time_codes
            WHERE subject = \(bind: subject) AND purpose = \(bind: purpose) AND created_at >= \(bind: since.storedSeconds)
            """).first()
        return Int(try row!.value("n", as: Int64.self))
    }

    /// When the latest code of a flow was issued.
    package func latestIssue(flowID: String, on db: any SQLDatabase) async throws -> Date? {
        try await db.raw("SELECT MAX(created_at) AS t FROM one_time_codes WHERE flow_id = \(bind: flowID)").first()
            .flatMap { try $0.optional("t", as: Int64.self) }.map(Date.init(storedSeconds:))
    }

    /// When the latest code for `subject` (any flow, any purpose) was issued.
    package func latestIssue(subject: String, on db: any SQLDatabase) async throws -> Date? {
        try await db.raw("SELECT MAX(created_at) AS t FROM one_time_codes WHERE subject = \(bind: subject)").first()
            .flatMap { try $0.optional("t", as: Int64.self) }.map(Date.init(storedSeconds:))
    }

    /// How many codes were issued for `subject` since `since`, whatever their purpose.
    package func countIssued(subject: String, since: Date, on db: any SQLDatabase) async throws -> Int {
        let row = try await db.raw("""
            SELECT COUNT(*) AS n FROM one_time_codes WHERE subject = \(bind: subject) AND created_at >= \(bind: since.storedSeconds)
            """).first()
        return Int(try row!.value("n", as: Int64.self))
    }

    /// The newest code of a flow, locked for update on PostgreSQL so concurrent guesses count one by one.
    package func latest(flowID: String, on db: any SQLDatabase) async throws -> StoredCode? {
        let lock = db.forUpdate
        guard let row = try await db.raw("""
            SELECT id, subject, code_hash, attempts, expires_at, consumed_at FROM one_time_codes WHERE flow_id = \(bind: flowID)
            ORDER BY id DESC LIMIT 1\(unsafeRaw: lock)
            """).first() else { return nil }
        return StoredCode(
            id: try row.value("id"), subject: try row.value("subject"), codeHash: try row.value("code_hash"), attempts: try row.value("attempts"),
            expiresAt: Date(storedSeconds: try row.value("expires_at")),
            consumed: try row.optional("consumed_at", as: Int64.self) != nil)
    }

    package func recordFailedAttempt(codeID: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = \(bind: codeID)").run()
    }

    package func consume(codeID: Int64, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE one_time_codes SET consumed_at = \(bind: now.storedSeconds) WHERE id = \(bind: codeID)").run()
    }
}
