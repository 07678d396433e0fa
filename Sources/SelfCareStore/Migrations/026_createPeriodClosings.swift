extension Migration {
    /// Periods whose bill run has begun: from then on no usage is accepted for them, so nothing can be added behind the
    /// back of a bill run under way (or one that stopped and will be run again).
    static let createPeriodClosings = Migration(26, "createPeriodClosings", [
        """
        CREATE TABLE period_closings (
            period TEXT PRIMARY KEY,
            started_at {int} NOT NULL
        )
        """,
        "INSERT INTO period_closings (period, started_at) SELECT period, closed_at FROM billing_periods",
    ])
}
