extension Migration {
    /// Event subscriptions (TMF hub) and their deliveries: an outbox of signed webhook calls, written in the transaction
    /// of the change it announces.
    static let createHub = Migration(30, "createHub", [
        """
        CREATE TABLE hub_subscriptions (
            id TEXT PRIMARY KEY,
            user_id {int} NOT NULL REFERENCES portal_users (id),
            callback TEXT NOT NULL,
            event_types TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at {int} NOT NULL,
            deleted_at {int}
        )
        """,
        "CREATE INDEX hub_subscriptions_user ON hub_subscriptions (user_id, deleted_at)",
        """
        CREATE TABLE hub_deliveries (
            id {id},
            subscription_id TEXT NOT NULL REFERENCES hub_subscriptions (id),
            event_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            body TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
            attempts {int} NOT NULL DEFAULT 0,
            next_attempt_at {int} NOT NULL,
            last_status_code {int},
            last_error TEXT,
            created_at {int} NOT NULL,
            delivered_at {int},
            UNIQUE (subscription_id, event_id)
        )
        """,
        "CREATE INDEX hub_deliveries_due ON hub_deliveries (status, next_attempt_at)",
        "CREATE INDEX hub_deliveries_subscription ON hub_deliveries (subscription_id, id)",
    ])
}
