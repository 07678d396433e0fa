extension Migration {
    /// Every SMS and e-mail, written with the event that causes it and delivered later.
    static let createOutboxMessages = Migration(12, "createOutboxMessages", [
        """
        CREATE TABLE outbox_messages (
            id {id},
            message_id TEXT NOT NULL UNIQUE,
            channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
            recipient TEXT NOT NULL,
            subject TEXT,
            body TEXT NOT NULL,
            html_body TEXT,
            language TEXT NOT NULL,
            purpose TEXT NOT NULL,
            user_id {int} REFERENCES portal_users (id),
            account_id {int} REFERENCES accounts (id),
            client_id {int} REFERENCES clients (id),
            status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed')),
            attempts {int} NOT NULL DEFAULT 0,
            next_attempt_at {int} NOT NULL,
            claimed_until {int},
            last_error TEXT,
            provider_message_id TEXT,
            created_at {int} NOT NULL,
            sent_at {int},
            delivered_at {int}
        )
        """,
        "CREATE INDEX outbox_messages_due ON outbox_messages (status, next_attempt_at)",
        "CREATE INDEX outbox_messages_user ON outbox_messages (user_id, created_at)",
        "CREATE INDEX outbox_messages_account ON outbox_messages (account_id, created_at)",
        "CREATE INDEX outbox_messages_created ON outbox_messages (created_at)",
    ])
}
