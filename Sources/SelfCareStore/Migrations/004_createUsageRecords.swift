extension Migration {
    /// Usage records (CDRs); charges are derived by rating, never stored per record.
    static let createUsageRecords = Migration(4, "createUsageRecords", [
        """
        CREATE TABLE usage_records (
            id {id},
            record_id TEXT NOT NULL UNIQUE,
            account_id {int} NOT NULL REFERENCES accounts (id),
            period TEXT NOT NULL,
            usage_type TEXT NOT NULL CHECK (usage_type IN ('voice', 'sms', 'data')),
            started_at {int} NOT NULL,
            duration_s {int} NOT NULL DEFAULT 0,
            volume_bytes {int} NOT NULL DEFAULT 0,
            destination TEXT,
            roaming_country TEXT
        )
        """,
        "CREATE INDEX usage_records_account_period ON usage_records (account_id, period, started_at, record_id)",
    ])
}
