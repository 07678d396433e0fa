extension Migration {
    /// Closed billing periods: no usage is accepted for them any more.
    static let createBillingPeriods = Migration(5, "createBillingPeriods", [
        """
        CREATE TABLE billing_periods (
            period TEXT PRIMARY KEY,
            closed_at {int} NOT NULL,
            bills {int} NOT NULL,
            group_bills {int} NOT NULL,
            total_cents {int} NOT NULL
        )
        """,
    ])
}
