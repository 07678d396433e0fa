extension Migration {
    /// Group bills: one per client and period for clients with two or more accounts.
    static let createGroupBills = Migration(6, "createGroupBills", [
        """
        CREATE TABLE group_bills (
            id {id},
            group_bill_no TEXT NOT NULL UNIQUE,
            client_id {int} NOT NULL REFERENCES clients (id),
            period TEXT NOT NULL,
            account_count {int} NOT NULL,
            total_cents {int} NOT NULL,
            paid_cents {int} NOT NULL DEFAULT 0,
            state TEXT NOT NULL,
            bill_date TEXT NOT NULL,
            due_date TEXT NOT NULL,
            created_at {int} NOT NULL,
            UNIQUE (client_id, period)
        )
        """,
    ])
}
