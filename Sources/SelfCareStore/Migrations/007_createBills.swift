extension Migration {
    /// Bills, one per account and period, with their usage lines by charge class.
    static let createBills = Migration(7, "createBills", [
        """
        CREATE TABLE bills (
            id {id},
            bill_no TEXT NOT NULL UNIQUE,
            account_id {int} NOT NULL REFERENCES accounts (id),
            client_id {int} NOT NULL REFERENCES clients (id),
            group_bill_id {int} REFERENCES group_bills (id),
            period TEXT NOT NULL,
            plan_code TEXT NOT NULL,
            monthly_fee_cents {int} NOT NULL,
            usage_cents {int} NOT NULL,
            excl_vat_cents {int} NOT NULL,
            vat_cents {int} NOT NULL,
            total_cents {int} NOT NULL,
            paid_cents {int} NOT NULL DEFAULT 0,
            state TEXT NOT NULL CHECK (state IN ('new', 'sent', 'partiallyPaid', 'settled', 'onHold')),
            bill_date TEXT NOT NULL,
            due_date TEXT NOT NULL,
            created_at {int} NOT NULL,
            UNIQUE (account_id, period),
            CHECK (paid_cents >= 0 AND paid_cents <= total_cents)
        )
        """,
        "CREATE INDEX bills_client_period ON bills (client_id, period)",
        "CREATE INDEX bills_account_period ON bills (account_id, period DESC)",
        "CREATE INDEX bills_group ON bills (group_bill_id)",
        "CREATE INDEX bills_period ON bills (period, bill_no)",
        """
        CREATE TABLE bill_lines (
            bill_id {int} NOT NULL REFERENCES bills (id),
            charge_class TEXT NOT NULL,
            records {int} NOT NULL,
            quantity {int} NOT NULL,
            included_quantity {int} NOT NULL,
            amount_cents {int} NOT NULL,
            PRIMARY KEY (bill_id, charge_class)
        )
        """,
    ])
}
