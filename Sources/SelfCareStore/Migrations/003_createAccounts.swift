extension Migration {
    /// Billing accounts, one per mobile line.
    static let createAccounts = Migration(3, "createAccounts", [
        """
        CREATE TABLE accounts (
            id {id},
            account_id TEXT NOT NULL UNIQUE,
            client_id {int} NOT NULL REFERENCES clients (id),
            msisdn TEXT NOT NULL UNIQUE,
            plan_code TEXT NOT NULL REFERENCES tariff_plans (code),
            activated_on TEXT NOT NULL,
            created_at {int} NOT NULL
        )
        """,
        "CREATE INDEX accounts_client ON accounts (client_id, account_id)",
    ])
}
