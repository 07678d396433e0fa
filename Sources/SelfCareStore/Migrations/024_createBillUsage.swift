extension Migration {
    /// Each bill's rated records as the bill run computed them (`RatedUsageArchive`): what its documents read back.
    static let createBillUsage = Migration(24, "createBillUsage", [
        """
        CREATE TABLE bill_usage (
            bill_id {int} PRIMARY KEY REFERENCES bills (id),
            records {int} NOT NULL,
            data {blob} NOT NULL
        )
        """,
    ])
}
