extension Migration {
    /// Card payments through the gateway, what they were for and how they were applied.
    static let createPayments = Migration(13, "createPayments", [
        """
        CREATE TABLE payments (
            id TEXT PRIMARY KEY,
            user_id {int} NOT NULL REFERENCES portal_users (id),
            idempotency_key TEXT NOT NULL,
            request_digest TEXT NOT NULL,
            amount_cents {int} NOT NULL CHECK (amount_cents > 0),
            currency TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled')),
            gateway_session_id TEXT UNIQUE,
            redirect_url TEXT,
            return_url TEXT,
            card_brand TEXT,
            card_last4 TEXT,
            failure_code TEXT,
            created_at {int} NOT NULL,
            updated_at {int} NOT NULL,
            completed_at {int},
            UNIQUE (user_id, idempotency_key)
        )
        """,
        "CREATE INDEX payments_user ON payments (user_id, created_at)",
        "CREATE INDEX payments_status ON payments (status, created_at)",
        """
        CREATE TABLE payment_items (
            payment_id TEXT NOT NULL REFERENCES payments (id),
            bill_id {int} REFERENCES bills (id),
            group_bill_id {int} REFERENCES group_bills (id),
            amount_cents {int} NOT NULL CHECK (amount_cents > 0),
            CHECK ((bill_id IS NULL) <> (group_bill_id IS NULL))
        )
        """,
        "CREATE INDEX payment_items_payment ON payment_items (payment_id)",
        """
        CREATE TABLE payment_allocations (
            payment_id TEXT NOT NULL REFERENCES payments (id),
            bill_id {int} NOT NULL REFERENCES bills (id),
            amount_cents {int} NOT NULL CHECK (amount_cents > 0),
            PRIMARY KEY (payment_id, bill_id)
        )
        """,
        "CREATE INDEX payment_allocations_bill ON payment_allocations (bill_id)",
    ])
}
