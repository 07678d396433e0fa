extension Migration {
    /// Counters of attempts per key (a client address, an identifier, the whole portal) in a fixed time window.
    static let createRateLimits = Migration(20, "createRateLimits", [
        """
        CREATE TABLE rate_limits (
            key TEXT PRIMARY KEY,
            window_start {int} NOT NULL,
            hits {int} NOT NULL
        )
        """,
    ])
}
