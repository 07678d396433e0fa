extension Migration {
    /// How long each period's bill run took, for the operators' metrics.
    static let addBillRunDuration = Migration(31, "addBillRunDuration", [
        "ALTER TABLE billing_periods ADD COLUMN run_milliseconds {int}",
    ])
}
