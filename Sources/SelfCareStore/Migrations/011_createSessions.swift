extension Migration {
    /// Login sessions of the pages and API tokens; only a digest of each token is kept.
    static let createSessions = Migration(11, "createSessions", [
        """
        CREATE TABLE sessions (
            token_digest TEXT PRIMARY KEY,
            user_id {int} NOT NULL REFERENCES portal_users (id),
            kind TEXT NOT NULL CHECK (kind IN ('web', 'api')),
            csrf_token TEXT NOT NULL,
            created_at {int} NOT NULL,
            last_seen_at {int} NOT NULL,
            expires_at {int} NOT NULL,
            client_address TEXT
        )
        """,
        "CREATE INDEX sessions_user ON sessions (user_id)",
    ])
}
