extension Migration {
    /// One-time codes, hashed, short-lived and attempt-limited.
    static let createOneTimeCodes = Migration(10, "createOneTimeCodes", [
        """
        CREATE TABLE one_time_codes (
            id {id},
            purpose TEXT NOT NULL,
            flow_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            code_hash TEXT NOT NULL,
            attempts {int} NOT NULL DEFAULT 0,
            created_at {int} NOT NULL,
            expires_at {int} NOT NULL,
            consumed_at {int}
        )
        """,
        "CREATE INDEX one_time_codes_flow ON one_time_codes (flow_id, created_at)",
        "CREATE INDEX one_time_codes_subject ON one_time_codes (subject, created_at)",
    ])
}
