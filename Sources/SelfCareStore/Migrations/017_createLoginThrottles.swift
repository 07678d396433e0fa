extension Migration {
    /// Consecutive login failures per identifier (known or not), and the deployment's secret keys.
    static let createLoginThrottles = Migration(17, "createLoginThrottles", [
        """
        CREATE TABLE login_throttles (
            identifier TEXT PRIMARY KEY,
            failures {int} NOT NULL,
            last_failed_at {int} NOT NULL
        )
        """,
        """
        CREATE TABLE app_secrets (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            created_at {int} NOT NULL
        )
        """,
    ])
}
