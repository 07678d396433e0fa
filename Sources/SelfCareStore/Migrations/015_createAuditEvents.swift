extension Migration {
    /// Security-relevant events: who, what, when and from where; never passwords or codes.
    static let createAuditEvents = Migration(15, "createAuditEvents", [
        """
        CREATE TABLE audit_events (
            id {id},
            occurred_at {int} NOT NULL,
            action TEXT NOT NULL,
            identifier TEXT,
            user_id {int} REFERENCES portal_users (id),
            client_address TEXT,
            detail TEXT
        )
        """,
        "CREATE INDEX audit_events_time ON audit_events (occurred_at)",
        "CREATE INDEX audit_events_identifier ON audit_events (identifier, occurred_at)",
    ])
}
