extension Migration {
    /// Named counters for bill, group bill and receipt numbers.
    static let createCounters = Migration(16, "createCounters", [
        """
        CREATE TABLE counters (
            name TEXT PRIMARY KEY,
            value {int} NOT NULL
        )
        """,
    ])
}
