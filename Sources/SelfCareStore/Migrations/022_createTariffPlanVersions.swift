extension Migration {
    /// Versions of each tariff plan, each in force from a day on: importing a plan again adds a version instead of
    /// rewriting it. The plans known before are their own first version, in force since always.
    static let createTariffPlanVersions = Migration(22, "createTariffPlanVersions", [
        """
        CREATE TABLE tariff_plan_versions (
            id {id},
            code TEXT NOT NULL REFERENCES tariff_plans (code),
            version {int} NOT NULL,
            effective_from TEXT NOT NULL,
            name TEXT NOT NULL,
            monthly_fee_cents {int} NOT NULL CHECK (monthly_fee_cents >= 0),
            definition TEXT NOT NULL,
            created_at {int} NOT NULL,
            UNIQUE (code, version),
            UNIQUE (code, effective_from)
        )
        """,
        """
        INSERT INTO tariff_plan_versions (code, version, effective_from, name, monthly_fee_cents, definition, created_at)
        SELECT code, 1, '2000-01-01', name, monthly_fee_cents, definition, updated_at FROM tariff_plans
        """,
    ])
}
