extension Migration {
    /// Personal API tokens: named, scoped, stored as digests, revocable.
    static let createAPITokens = Migration(29, "createAPITokens", [
        """
        CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY,
            user_id {int} NOT NULL REFERENCES portal_users (id),
            name TEXT NOT NULL,
            scopes TEXT NOT NULL,
            token_digest TEXT NOT NULL UNIQUE,
            created_at {int} NOT NULL,
            last_used_at {int},
            revoked_at {int}
        )
        """,
        "CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at)",
    ])
}
