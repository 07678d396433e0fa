extension Migration {
    /// What the bill run computed for each record, stored with it when its period is billed: the charge class, the
    /// quantity, the part the allowance covered, the rate applied and the charge. Documents read these, never a rating.
    static let updateUsageRecordsAddRating = Migration(24, "updateUsageRecordsAddRating", [
        "ALTER TABLE usage_records ADD COLUMN charge_class TEXT",
        "ALTER TABLE usage_records ADD COLUMN quantity {int}",
        "ALTER TABLE usage_records ADD COLUMN included_quantity {int}",
        "ALTER TABLE usage_records ADD COLUMN rate_cents {int}",
        "ALTER TABLE usage_records ADD COLUMN charge_cents {int}",
    ])
}
