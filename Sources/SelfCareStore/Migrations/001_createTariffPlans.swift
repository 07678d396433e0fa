extension Migration {
    /// Tariff plans; the full definition is kept as JSON beside the columns lists need.
    static let createTariffPlans = Migration(1, "createTariffPlans", [
        """
        CREATE TABLE tariff_plans (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            monthly_fee_cents {int} NOT NULL CHECK (monthly_fee_cents >= 0),
            definition TEXT NOT NULL,
            updated_at {int} NOT NULL
        )
        """,
    ])
}
