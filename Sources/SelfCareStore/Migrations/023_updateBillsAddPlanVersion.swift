extension Migration {
    /// Each bill names the plan version it was billed with; bills issued before versions existed get the first one.
    static let updateBillsAddPlanVersion = Migration(23, "updateBillsAddPlanVersion", [
        "ALTER TABLE bills ADD COLUMN plan_version_id {int} REFERENCES tariff_plan_versions (id)",
        """
        UPDATE bills SET plan_version_id = (
            SELECT v.id FROM tariff_plan_versions v WHERE v.code = bills.plan_code AND v.version = 1)
        """,
    ])
}
