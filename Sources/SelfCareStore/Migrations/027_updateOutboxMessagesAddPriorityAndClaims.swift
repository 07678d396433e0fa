import SQLKit

extension Migration {
    /// What migrations 12 and 18 gained after they were first applied, now a migration of its own: the priority codes
    /// overtake bill notices with, the token of the claim that holds a message, and the indexes that read them. A
    /// database that already has them (migrated with those later texts) keeps what it has.
    static let updateOutboxMessagesAddPriorityAndClaims = Migration(27, "updateOutboxMessagesAddPriorityAndClaims", [], data: { db in
        if try await !db.hasColumn("priority", in: "outbox_messages") {
            try await db.raw("ALTER TABLE outbox_messages ADD COLUMN priority \(unsafeRaw: db.isPostgres ? "BIGINT" : "INTEGER") NOT NULL DEFAULT 5").run()
        }
        if try await !db.hasColumn("claim_token", in: "outbox_messages") {
            try await db.raw("ALTER TABLE outbox_messages ADD COLUMN claim_token TEXT").run()
        }
        try await db.raw("DROP INDEX IF EXISTS outbox_messages_due").run()
        try await db.raw("CREATE INDEX outbox_messages_due ON outbox_messages (status, priority, next_attempt_at)").run()
        try await db.raw("CREATE INDEX IF NOT EXISTS outbox_messages_sent ON outbox_messages (sent_at)").run()
    })
}
