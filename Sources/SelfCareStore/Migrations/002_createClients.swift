extension Migration {
    /// Clients; the confidential Client ID is kept only as a SHA-256 digest.
    static let createClients = Migration(2, "createClients", [
        """
        CREATE TABLE clients (
            id {id},
            client_ref TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('individual', 'company', 'government')),
            contact_email TEXT,
            contact_msisdn TEXT,
            client_id_digest TEXT UNIQUE,
            client_id_issued_at {int},
            created_at {int} NOT NULL,
            updated_at {int} NOT NULL
        )
        """,
    ])
}
