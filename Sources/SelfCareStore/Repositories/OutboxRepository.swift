import Foundation
import SelfCareCore
import SQLKit

/// A message to queue: written in the same transaction as the event that causes it.
package struct NewOutboxMessage: Sendable, Hashable {
    /// What the protocol client will hand over; its id is made here, unique per message.
    package var message: OutgoingMessage
    /// Why the message exists (`activationCode`, `billReady`, …), for the user's notification log.
    package var purpose: String
    package var userID: Int64?
    package var accountRowID: Int64?
    package var clientRowID: Int64?
    /// Lower goes first: one-time codes (0) overtake bill notices (5).
    package var priority: Int64

    package init(channel: MessageChannel, recipient: String, subject: String? = nil, body: String, htmlBody: String? = nil,
                 language: Language, purpose: String, userID: Int64? = nil, accountRowID: Int64? = nil, clientRowID: Int64? = nil,
                 priority: Int64 = 5, attachment: String? = nil) {
        message = OutgoingMessage(
            messageID: UUID().uuidString.lowercased(), channel: channel, recipient: recipient, subject: subject, body: body,
            htmlBody: htmlBody, language: language, attachment: attachment)
        self.purpose = purpose
        self.userID = userID
        self.accountRowID = accountRowID
        self.clientRowID = clientRowID
        self.priority = priority
    }
}

/// A queued message as stored: the message itself, and how its delivery stands.
package struct OutboxMessage: Sendable, Hashable {
    package var id: Int64
    package var message: OutgoingMessage
    package var purpose: String
    package var status: String
    /// Tries so far, this one included once claimed.
    package var attempts: Int64
    package var createdAt: Date
    package var sentAt: Date?
    package var deliveredAt: Date?

    package init(
        id: Int64, message: OutgoingMessage, purpose: String, status: String, attempts: Int64, createdAt: Date,
        sentAt: Date? = nil, deliveredAt: Date? = nil
    ) {
        self.id = id
        self.message = message
        self.purpose = purpose
        self.status = status
        self.attempts = attempts
        self.createdAt = createdAt
        self.sentAt = sentAt
        self.deliveredAt = deliveredAt
    }
}

/// The durable outbox of SMS and e-mail.
package struct OutboxRepository: Sendable {
    package init() {}

    /// Queues several messages with multi-row statements.
    package func enqueue(_ messages: [NewOutboxMessage], now: Date, on db: any SQLDatabase) async throws {
        for chunk in messages.chunked(into: 200) {
            var query = SQLQueryString("""
                INSERT INTO outbox_messages (message_id, channel, recipient, subject, body, html_body, language, purpose,
                    user_id, account_id, client_id, priority, attachment, status, attempts, next_attempt_at, created_at) VALUES
                """)
            for (index, message) in chunk.enumerated() {
                query.appendInterpolation(index == 0 ? " " as SQLQueryString : ", " as SQLQueryString)
                query.appendInterpolation("""
                    (\(bind: message.message.messageID), \(bind: message.message.channel.rawValue), \(bind: message.message.recipient),
                    \(bind: message.message.subject), \(bind: message.message.body), \(bind: message.message.htmlBody),
                    \(bind: message.message.language.rawValue), \(bind: message.purpose), \(bind: message.userID),
                    \(bind: message.accountRowID), \(bind: message.clientRowID), \(bind: message.priority),
                    \(bind: message.message.attachment), 'queued', 0, \(bind: now.storedSeconds), \(bind: now.storedSeconds))
                    """ as SQLQueryString)
            }
            try await db.raw(query).run()
        }
    }

    /// Queues a message; a unique message id suppresses duplicates downstream.
    package func enqueue(_ message: NewOutboxMessage, now: Date, on db: any SQLDatabase) async throws {
        try await enqueue([message], now: now, on: db)
    }

    /// How many `purpose` messages were queued for `recipient` since `since`.
    package func count(purpose: String, recipient: String, since: Date, on db: any SQLDatabase) async throws -> Int {
        let row = try await db.raw("""
            SELECT COUNT(*) AS n FROM outbox_messages
            WHERE purpose = \(bind: purpose) AND recipient = \(bind: recipient) AND created_at >= \(bind: since.storedSeconds)
            """).first()
        return Int(try row!.value("n", as: Int64.self))
    }

    /// Claims up to `limit` due messages for `lease` seconds so no other worker sends them meanwhile: one statement,
    /// atomic on SQLite (one writer at a time, across processes too) and skipping rows another instance holds on
    /// PostgreSQL (the due rows are chosen once, in a materialised CTE, so the limit holds whatever the plan). A claim
    /// whose lease ran out (its worker died) is claimed again; `token` marks this claim, so a worker that outlived
    /// its lease cannot record over the next one's.
    package func claimDue(
        limit: Int, now: Date, lease: Int64, token: String = UUID().uuidString, on db: any SQLDatabase
    ) async throws -> [OutboxMessage] {
        let lock = db.isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await db.raw("""
            WITH due AS MATERIALIZED (
                SELECT id FROM outbox_messages
                WHERE (status = 'queued' AND next_attempt_at <= \(bind: now.storedSeconds))
                   OR (status = 'sending' AND claimed_until < \(bind: now.storedSeconds))
                ORDER BY priority, next_attempt_at, id LIMIT \(bind: limit)\(unsafeRaw: lock))
            UPDATE outbox_messages SET status = 'sending', claimed_until = \(bind: now.storedSeconds + lease),
                attempts = attempts + 1, claim_token = \(bind: token)
            WHERE id IN (SELECT id FROM due)
            RETURNING \(unsafeRaw: Self.columns), priority, next_attempt_at
            """).all()
        let ordered = try rows.sorted { left, right in
            let keys = { (row: any SQLRow) throws -> (Int64, Int64, Int64) in
                (try row.value("priority"), try row.value("next_attempt_at"), try row.value("id"))
            }
            return try keys(left) < keys(right)
        }
        return try ordered.map(Self.message(from:))
    }

    /// One successful hand-over: the message, the provider's id for it, and the SMSC's ids of an SMS's parts (which
    /// delivery receipts name).
    package struct HandOver: Sendable {
        package var id: Int64
        package var providerMessageID: String?
        package var parts: [String]

        package init(id: Int64, providerMessageID: String?, parts: [String] = []) {
            self.id = id
            self.providerMessageID = providerMessageID
            self.parts = parts
        }
    }

    /// Records a successful hand-over to the SMSC or relay.
    package func markSent(id: Int64, providerMessageID: String?, parts: [String] = [], now: Date, on db: any SQLDatabase) async throws {
        try await markSent([HandOver(id: id, providerMessageID: providerMessageID, parts: parts)], now: now, on: db)
    }

    /// Records several hand-overs with a few set-based statements, whatever their number; with `claimToken`, only
    /// for messages this claim still holds.
    package func markSent(_ handOvers: [HandOver], claimToken: String? = nil, now: Date, on db: any SQLDatabase) async throws {
        for chunk in handOvers.chunked(into: 200) {
            var update = SQLQueryString("""
                UPDATE outbox_messages SET status = 'sent', sent_at = \(bind: now.storedSeconds), claimed_until = NULL,
                    provider_message_id = v.column2, last_error = NULL
                FROM (VALUES
                """)
            for (index, handOver) in chunk.enumerated() {
                update.appendInterpolation(index == 0 ? " " as SQLQueryString : ", " as SQLQueryString)
                update.appendInterpolation("(\(bind: handOver.id), \(bind: handOver.providerMessageID))" as SQLQueryString)
            }
            update.appendInterpolation(") AS v WHERE outbox_messages.id = v.column1" as SQLQueryString)
            if let claimToken {
                update.appendInterpolation(" AND outbox_messages.status = 'sending' AND outbox_messages.claim_token = \(bind: claimToken)" as SQLQueryString)
            }
            update.appendInterpolation(" RETURNING outbox_messages.id" as SQLQueryString)
            let recorded = Set(try await db.raw(update).all().map { try $0.value("id", as: Int64.self) })
            let withParts = chunk.filter { !$0.parts.isEmpty && recorded.contains($0.id) }
            guard !withParts.isEmpty else { continue }
            // Parts of an earlier, failed try are not the message's any more.
            try await db.raw("""
                DELETE FROM outbox_message_parts WHERE outbox_message_id IN \(SQLBindList(withParts.map(\.id)))
                """).run()
            let parts = withParts.flatMap { handOver in
                handOver.parts.enumerated().map { (id: $0.element, message: handOver.id, number: Int64($0.offset + 1)) }
            }
            for partChunk in parts.chunked(into: 500) {
                // An SMSC that reuses its ids (a counter started again) must not lend an old receipt to a new message.
                try await db.raw("""
                    DELETE FROM delivery_receipts WHERE provider_message_id IN (
                        SELECT provider_message_id FROM outbox_message_parts
                        WHERE provider_message_id IN \(SQLBindList(partChunk.map(\.id))))
                    """).run()
                var insert = SQLQueryString("INSERT INTO outbox_message_parts (provider_message_id, outbox_message_id, part_number) VALUES ")
                for (index, part) in partChunk.enumerated() {
                    insert.appendInterpolation(index == 0 ? "" as SQLQueryString : ", " as SQLQueryString)
                    insert.appendInterpolation("(\(bind: part.id), \(bind: part.message), \(bind: part.number))" as SQLQueryString)
                }
                insert.appendInterpolation("""
                     ON CONFLICT (provider_message_id) DO UPDATE SET outbox_message_id = excluded.outbox_message_id,
                        part_number = excluded.part_number
                    """ as SQLQueryString)
                try await db.raw(insert).run()
            }
            // A receipt can overtake the submit response it belongs to.
            try await refreshDeliveryStates(outboxIDs: withParts.map(\.id), on: db)
        }
    }

    /// Keeps the messages a claim still holds reserved until `until` (a batch that takes long keeps its lease).
    package func extendClaim(token: String, until: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE outbox_messages SET claimed_until = \(bind: until.storedSeconds)
            WHERE claim_token = \(bind: token) AND status = 'sending'
            """).run()
    }

    /// Gives back messages a claim holds but will not send: queued again, this try not counted.
    package func releaseClaim(ids: [Int64], token: String, on db: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        try await db.raw("""
            UPDATE outbox_messages SET status = 'queued', claimed_until = NULL, attempts = attempts - 1
            WHERE id IN \(SQLBindList(ids)) AND claim_token = \(bind: token) AND status = 'sending'
            """).run()
    }

    /// Records a failed try: retried at `retryAt`, or failed for good when nil; with `claimToken`, only while this
    /// claim still holds the message.
    package func markFailed(id: Int64, error: String, retryAt: Date?, claimToken: String? = nil, on db: any SQLDatabase) async throws {
        var query = SQLQueryString("""
            UPDATE outbox_messages SET status = \(bind: retryAt == nil ? "failed" : "queued"), claimed_until = NULL,
                next_attempt_at = \(bind: retryAt?.storedSeconds ?? 0), last_error = \(bind: String(error.prefix(500)))
            WHERE id = \(bind: id)
            """)
        if let claimToken {
            query.appendInterpolation(" AND status = 'sending' AND claim_token = \(bind: claimToken)" as SQLQueryString)
        }
        try await db.raw(query).run()
    }

    /// What an SMSC delivery receipt says about one part.
    package struct Receipt: Sendable {
        package var providerMessageID: String
        package var state: String
        package var errorCode: String?

        package init(providerMessageID: String, state: String, errorCode: String? = nil) {
            self.providerMessageID = providerMessageID
            self.state = state
            self.errorCode = errorCode
        }
    }

    /// Stores an SMSC delivery receipt (once, however often the SMSC repeats it) and moves its message to
    /// `delivered` when every part arrived, or `failed` when one never will.
    package func recordReceipt(providerMessageID: String, state: String, errorCode: String?, now: Date, on db: any SQLDatabase) async throws {
        try await recordReceipts([Receipt(providerMessageID: providerMessageID, state: state, errorCode: errorCode)], now: now, on: db)
    }

    /// Stores several receipts with a few set-based statements.
    package func recordReceipts(_ receipts: [Receipt], now: Date, on db: any SQLDatabase) async throws {
        // One row per part: the last word of the SMSC within the batch counts.
        var latest: [String: Receipt] = [:]
        for receipt in receipts { latest[receipt.providerMessageID] = receipt }
        for chunk in Array(latest.values).chunked(into: 200) {
            var insert = SQLQueryString("INSERT INTO delivery_receipts (provider_message_id, state, error_code, received_at) VALUES ")
            for (index, receipt) in chunk.enumerated() {
                insert.appendInterpolation(index == 0 ? "" as SQLQueryString : ", " as SQLQueryString)
                insert.appendInterpolation("""
                    (\(bind: receipt.providerMessageID), \(bind: receipt.state), \(bind: receipt.errorCode), \(bind: now.storedSeconds))
                    """ as SQLQueryString)
            }
            insert.appendInterpolation("""
                 ON CONFLICT (provider_message_id) DO UPDATE SET state = excluded.state, error_code = excluded.error_code,
                    received_at = excluded.received_at
                WHERE delivery_receipts.state NOT IN ('DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD', 'DELETED', 'UNKNOWN')
                """ as SQLQueryString)
            try await db.raw(insert).run()
            let rows = try await db.raw("""
                SELECT DISTINCT outbox_message_id FROM outbox_message_parts
                WHERE provider_message_id IN \(SQLBindList(chunk.map(\.providerMessageID)))
                """).all()
            let ids = try rows.map { try $0.value("outbox_message_id", as: Int64.self) }
            if !ids.isEmpty { try await refreshDeliveryStates(outboxIDs: ids, on: db) }
        }
    }

    /// Moves sent messages to `failed` when a part will never arrive, or to `delivered` when every part did.
    private func refreshDeliveryStates(outboxIDs: [Int64], on db: any SQLDatabase) async throws {
        try await refreshDeliveryStates(where: "id IN \(SQLBindList(outboxIDs))", on: db)
    }

    /// Settles the delivery state of the SMS sent since `since` from the receipts stored: a receipt and the hand-over
    /// it belongs to, recorded at the same moment by two instances, can each miss the other.
    @discardableResult
    package func settleDeliveryStates(sentSince since: Date, on db: any SQLDatabase) async throws -> Int {
        try await refreshDeliveryStates(where: "sent_at >= \(bind: since.storedSeconds)", on: db)
    }

    @discardableResult
    private func refreshDeliveryStates(where messages: SQLQueryString, on db: any SQLDatabase) async throws -> Int {
        let failed = try await db.raw("""
            UPDATE outbox_messages SET status = 'failed', last_error = 'the SMSC reports the SMS was not delivered'
            WHERE \(messages) AND status IN ('sent', 'delivered') AND EXISTS (
                SELECT 1 FROM outbox_message_parts p JOIN delivery_receipts r ON r.provider_message_id = p.provider_message_id
                WHERE p.outbox_message_id = outbox_messages.id AND r.state IN ('UNDELIV', 'EXPIRED', 'REJECTD', 'DELETED', 'UNKNOWN'))
            RETURNING id
            """).all()
        let delivered = try await db.raw("""
            UPDATE outbox_messages SET status = 'delivered', delivered_at = (
                SELECT MAX(r.received_at) FROM outbox_message_parts p JOIN delivery_receipts r ON r.provider_message_id = p.provider_message_id
                WHERE p.outbox_message_id = outbox_messages.id)
            WHERE \(messages) AND status = 'sent'
              AND EXISTS (SELECT 1 FROM outbox_message_parts p WHERE p.outbox_message_id = outbox_messages.id)
              AND NOT EXISTS (
                SELECT 1 FROM outbox_message_parts p LEFT JOIN delivery_receipts r ON r.provider_message_id = p.provider_message_id
                WHERE p.outbox_message_id = outbox_messages.id AND (r.state IS NULL OR r.state <> 'DELIVRD'))
            RETURNING id
            """).all()
        return failed.count + delivered.count
    }

    /// What an SMS that carried a one-time code says once the code is spent.
    package static let removedCodeText = "[one-time code removed]"

    /// Blanks the text of code SMS handed over before `before` (and queued after `since`, which bounds the scan to
    /// the `created_at` index): the codes live ten minutes, their text should not outlive them at rest.
    @discardableResult
    package func removeSpentCodes(queuedSince since: Date, before: Date, on db: any SQLDatabase) async throws -> Int {
        let rows = try await db.raw("""
            UPDATE outbox_messages SET body = \(bind: Self.removedCodeText)
            WHERE created_at >= \(bind: since.storedSeconds) AND created_at < \(bind: before.storedSeconds)
              AND purpose IN ('activation', 'passwordReset') AND status IN ('sent', 'delivered', 'failed')
              AND body <> \(bind: Self.removedCodeText)
            RETURNING id
            """).all()
        return rows.count
    }

    /// What the operator sent a user, newest first: messages addressed to them, notices about the account or
    /// client they log in with, and the codes and warnings sent to the number on file since their login was made.
    package func notifications(
        userID: Int64, accountRowID: Int64?, clientRowID: Int64?, numberOnFile: String?, limit: Int, offset: Int, on db: any SQLDatabase
    ) async throws -> [OutboxMessage] {
        var query = SQLQueryString("SELECT \(unsafeRaw: Self.columns) FROM outbox_messages WHERE user_id = \(bind: userID)")
        if let accountRowID { query.appendInterpolation(" OR account_id = \(bind: accountRowID)" as SQLQueryString) }
        if let clientRowID { query.appendInterpolation(" OR client_id = \(bind: clientRowID)" as SQLQueryString) }
        if let numberOnFile {
            // Codes to the number from an hour before this login was made (its own activation code) onwards, not
            // those of a former holder of the number.
            query.appendInterpolation("""
                 OR (recipient = \(bind: numberOnFile) AND purpose IN ('activation', 'passwordReset', 'registrationAttempt')
                    AND created_at >= (SELECT created_at - 3600 FROM portal_users WHERE id = \(bind: userID)))
                """ as SQLQueryString)
        }
        query.appendInterpolation(" ORDER BY created_at DESC, id DESC LIMIT \(bind: limit) OFFSET \(bind: offset)" as SQLQueryString)
        return try await db.raw(query).all().map(Self.message(from:))
    }

    /// How the outbox is doing: messages by status, and the time from queueing to hand-over of those sent since `since`.
    package func statistics(since: Date, on db: any SQLDatabase) async throws -> OutboxStatistics {
        var statistics = OutboxStatistics()
        for row in try await db.raw("SELECT channel, status, COUNT(*) AS n FROM outbox_messages GROUP BY channel, status").all() {
            let key = "\(try row.value("channel", as: String.self)).\(try row.value("status", as: String.self))"
            statistics.counts[key] = try row.value("n", as: Int64.self)
        }
        let latency = try await db.raw("""
            SELECT COUNT(*) AS n, CAST(SUM(sent_at - created_at) AS BIGINT) AS total, MAX(sent_at - created_at) AS longest
            FROM outbox_messages WHERE sent_at IS NOT NULL AND sent_at >= \(bind: since.storedSeconds)
            """).first()
        statistics.sentRecently = try latency?.optional("n", as: Int64.self) ?? 0
        statistics.latencyTotalSeconds = try latency?.optional("total", as: Int64.self) ?? 0
        statistics.latencyLongestSeconds = try latency?.optional("longest", as: Int64.self) ?? 0
        return statistics
    }

    /// The newest messages of any status, newest first.
    package func recent(limit: Int, on db: any SQLDatabase) async throws -> [OutboxMessage] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM outbox_messages ORDER BY id DESC LIMIT \(bind: limit)
            """).all().map(Self.message(from:))
    }

    /// Messages handed over to their channel, newest first.
    /// The messages a sender handed over under the id `providerPrefix` + message id (the dev sink's), newest first:
    /// never those a real SMSC or relay took.
    package func delivered(providerPrefix: String, limit: Int, on db: any SQLDatabase) async throws -> [OutboxMessage] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM outbox_messages
            WHERE status IN ('sent', 'delivered') AND provider_message_id = \(bind: providerPrefix) || message_id
            ORDER BY id DESC LIMIT \(bind: limit)
            """).all().map(Self.message(from:))
    }

    static let columns = """
        id, message_id, channel, recipient, subject, body, html_body, language, purpose, attachment, status, attempts, created_at,
        sent_at, delivered_at
        """

    static func message(from row: any SQLRow) throws -> OutboxMessage {
        OutboxMessage(
            id: try row.value("id"),
            message: OutgoingMessage(
                messageID: try row.value("message_id"), channel: MessageChannel(rawValue: try row.value("channel")) ?? .sms,
                recipient: try row.value("recipient"), subject: try row.optional("subject"), body: try row.value("body"),
                htmlBody: try row.optional("html_body"), language: Language(rawValue: try row.value("language")) ?? .default,
                attachment: try row.optional("attachment")),
            purpose: try row.value("purpose"), status: try row.value("status"),
            attempts: try row.value("attempts"), createdAt: Date(storedSeconds: try row.value("created_at")),
            sentAt: try row.optional("sent_at", as: Int64.self).map(Date.init(storedSeconds:)),
            deliveredAt: try row.optional("delivered_at", as: Int64.self).map(Date.init(storedSeconds:)))
    }
}

/// Outbox figures for monitoring.
package struct OutboxStatistics: Sendable, Equatable {
    /// Messages by `channel.status` (`sms.queued`, `email.failed`, …).
    package var counts: [String: Int64] = [:]
    package var sentRecently: Int64 = 0
    package var latencyTotalSeconds: Int64 = 0
    package var latencyLongestSeconds: Int64 = 0
}
