extension Migration {
    /// Portal logins: one per Account ID or Client ID.
    static let createPortalUsers = Migration(8, "createPortalUsers", [
        """
        CREATE TABLE portal_users (
            id {id},
            login_kind TEXT NOT NULL CHECK (login_kind IN ('account', 'client')),
            account_id {int} UNIQUE REFERENCES accounts (id),
            client_id {int} UNIQUE REFERENCES clients (id),
            full_name TEXT NOT NULL,
            email TEXT NOT NULL,
            language TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            password_changed_at {int} NOT NULL,
            failed_logins {int} NOT NULL DEFAULT 0,
            last_failed_at {int},
            created_at {int} NOT NULL,
            CHECK ((account_id IS NULL) <> (client_id IS NULL))
        )
        """,
    ])
}
