import Foundation
import SelfCareCore
import SQLKit

/// The delivery channel of a message.
package enum MessageChannel: String, Sendable, Codable {
    case sms
    case email
}

/// A message to queue: written in the same transaction as the event that causes it.
package struct NewOutboxMessage: Sendable, Hashable {
    package var channel: MessageChannel
    package var recipient: String
    package var subject: String?
    package var body: String
    package var htmlBody: String?
    package var language: Language
    /// Why the message exists (`activationCode`, `billReady`, …), for the user's notification log.
    package var purpose: String
    package var userID: Int64?
    package var accountRowID: Int64?
    package var clientRowID: Int64?
    /// Lower goes first: one-time codes (0) overtake bill notices (5).
    package var priority: Int64

    package init(channel: MessageChannel, recipient: String, subject: String? = nil, body: String, htmlBody: String? = nil,
                 language: Language, purpose: String, userID: Int64? = nil, accountRowID: Int64? = nil, clientRowID: Int64? = nil,
                priority: Int64 = 5) {
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.htmlBody = htmlBody
        self.language = language
        self.purpose = purpose
        self.userID = userID
        self.accountRowID = accountRowID
        self.clientRowID = clientRowID
        self.priority = priority
    }
}

/// A queued message as stored.
package struct OutboxMessage: Sendable, Hashable {
    package var id: Int64
    package var messageID: String
    package var channel: MessageChannel
    package var recipient: String
    package var subject: String?
    package var body: String
    package var htmlBody: String?
    package var status: String
    package var attempts: Int64
    package var createdAt: Date
}

/// The durable outbox of SMS and e-mail.
package struct OutboxRepository: Sendable {
    package init() {}

    /// Queues several messages with multi-row statements.
    package func enqueue(_ messages: [NewOutboxMessage], now: Date, on db: any SQLDatabase) async throws {
        for chunk in messages.chunked(into: 200) {
            var query = SQLQueryString("""
                INSERT INTO outbox_messages (message_id, channel, recipient, subject, body, html_body, language, purpose,
                    user_id, account_id, client_id, priority, status, attempts, next_attempt_at, created_at) VALUES
                """)
            for (index, message) in chunk.enumerated() {
                query.appendInterpolation(index == 0 ? " " as SQLQueryString : ", " as SQLQueryString)
                query.appendInterpolation("""
                    (\(bind: UUID().uuidString.lowercased()), \(bind: message.channel.rawValue), \(bind: message.recipient),
                    \(bind: message.subject), \(bind: message.body), \(bind: message.htmlBody), \(bind: message.language.rawValue),
                    \(bind: message.purpose), \(bind: message.userID), \(bind: message.accountRowID), \(bind: message.clientRowID),
                    \(bind: message.priority), 'queued', 0, \(bind: now.storedSeconds), \(bind: now.storedSeconds))
                    """ as SQLQueryString)
            }
            try await db.raw(query).run()
        }
    }

    /// Queues a message; a unique message id suppresses duplicates downstream.
    package func enqueue(_ message: NewOutboxMessage, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO outbox_messages (message_id, channel, recipient, subject, body, html_body, language, purpose,
                user_id, account_id, client_id, priority, status, attempts, next_attempt_at, created_at)
            VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: message.channel.rawValue), \(bind: message.recipient),
                \(bind: message.subject), \(bind: message.body), \(bind: message.htmlBody), \(bind: message.language.rawValue),
                \(bind: message.purpose), \(bind: message.userID), \(bind: message.accountRowID), \(bind: message.clientRowID), \(bind: message.priority),
                'queued', 0, \(bind: now.storedSeconds), \(bind: now.storedSeconds))
            """).run()
    }

    /// How many `purpose` messages were queued for `recipient` since `since`.
    package func count(purpose: String, recipient: String, since: Date, on db: any SQLDatabase) async throws -> Int {
        let row = try await db.raw("""
            SELECT COUNT(*) AS n FROM outbox_messages
            WHERE purpose = \(bind: purpose) AND recipient = \(bind: recipient) AND created_at >= \(bind: since.storedSeconds)
            """).first()
        return Int(try row!.value("n", as: Int64.self))
    }

    /// Claims up to `limit` due messages for `lease` seconds so no other worker sends them meanwhile.
    package func claimDue(limit: Int, now: Date, lease: Int64, engine: DatabaseEngine, on db: any SQLDatabase) async throws -> [OutboxMessage] {
        let lock = engine == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await db.raw("""
            SELECT id, message_id, channel, recipient, subject, body, html_body, status, attempts, created_at
            FROM outbox_messages
            WHERE (status = 'queued' AND next_attempt_at <= \(bind: now.storedSeconds))
               OR (status = 'sending' AND claimed_until < \(bind: now.storedSeconds))
            ORDER BY priority, next_attempt_at, id LIMIT \(bind: limit)\(unsafeRaw: lock)
            """).all()
        let messages = try rows.map(Self.message(from:))
        for message in messages {
            try await db.raw("""
                UPDATE outbox_messages SET status = 'sending', claimed_until = \(bind: now.storedSeconds + lease),
                    attempts = attempts + 1
                WHERE id = \(bind: message.id)
                """).run()
        }
        return messages
    }

    /// Records a successful hand-over to the SMSC or relay.
    package func markSent(id: Int64, providerMessageID: String?, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE outbox_messages SET status = 'sent', sent_at = \(bind: now.storedSeconds), claimed_until = NULL,
                provider_message_id = \(bind: providerMessageID), last_error = NULL
            WHERE id = \(bind: id)
            """).run()
    }

    /// Records a failed try: retried at `retryAt`, or failed for good when nil.
    package func markFailed(id: Int64, error: String, retryAt: Date?, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE outbox_messages SET status = \(bind: retryAt == nil ? "failed" : "queued"), claimed_until = NULL,
                next_attempt_at = \(bind: retryAt?.storedSeconds ?? 0), last_error = \(bind: String(error.prefix(500)))
            WHERE id = \(bind: id)
            """).run()
    }

    /// The newest messages of any status, newest first.
    package func recent(limit: Int, on db: any SQLDatabase) async throws -> [OutboxMessage] {
        try await db.raw("""
            SELECT id, message_id, channel, recipient, subject, body, html_body, status, attempts, created_at
            FROM outbox_messages ORDER BY id DESC LIMIT \(bind: limit)
            """).all().map(Self.message(from:))
    }

    /// Messages handed over to their channel, newest first.
    package func delivered(limit: Int, on db: any SQLDatabase) async throws -> [OutboxMessage] {
        try await db.raw("""
            SELECT id, message_id, channel, recipient, subject, body, html_body, status, attempts, created_at
            FROM outbox_messages WHERE status IN ('sent', 'delivered') ORDER BY id DESC LIMIT \(bind: limit)
            """).all().map(Self.message(from:))
    }

    static func message(from row: any SQLRow) throws -> OutboxMessage {
        OutboxMessage(
            id: try row.value("id"), messageID: try row.value("message_id"),
            channel: MessageChannel(rawValue: try row.value("channel")) ?? .sms,
            recipient: try row.value("recipient"), subject: try row.optional("subject"), body: try row.value("body"),
            htmlBody: try row.optional("html_body"), status: try row.value("status"), attempts: try row.value("attempts"),
            createdAt: Date(storedSeconds: try row.value("created_at")))
    }
}
