extension Migration {
    /// Registrations in progress, with the terms version accepted.
    static let createRegistrations = Migration(9, "createRegistrations", [
        """
        CREATE TABLE registrations (
            id TEXT PRIMARY KEY,
            login_kind TEXT,
            account_id {int} REFERENCES accounts (id),
            client_id {int} REFERENCES clients (id),
            identifier TEXT NOT NULL,
            full_name TEXT NOT NULL,
            email TEXT NOT NULL,
            language TEXT NOT NULL,
            terms_version TEXT NOT NULL,
            terms_accepted_at {int} NOT NULL,
            status TEXT NOT NULL,
            client_address TEXT,
            created_at {int} NOT NULL,
            verified_at {int},
            completed_at {int}
        )
        """,
        "CREATE INDEX registrations_identifier ON registrations (identifier, created_at)",
        """
        CREATE TABLE password_resets (
            id TEXT PRIMARY KEY,
            user_id {int} REFERENCES portal_users (id),
            identifier TEXT NOT NULL,
            status TEXT NOT NULL,
            client_address TEXT,
            created_at {int} NOT NULL,
            completed_at {int}
        )
        """,
    ])
}
