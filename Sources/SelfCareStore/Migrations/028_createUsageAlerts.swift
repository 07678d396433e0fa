extension Migration {
    /// Usage alerts: each line's settings (none stored means the standard ones), the levels already reached per period
    /// (each sent once), what a line with a spend limit has been charged, and consents to go over the limit.
    static let createUsageAlerts = Migration(28, "createUsageAlerts", [
        """
        CREATE TABLE usage_alert_settings (
            account_id {int} PRIMARY KEY REFERENCES accounts (id),
            thresholds TEXT NOT NULL,
            channels TEXT NOT NULL,
            spend_limit_cents {int} CHECK (spend_limit_cents IS NULL OR spend_limit_cents > 0),
            updated_at {int} NOT NULL,
            updated_by {int} REFERENCES portal_users (id)
        )
        """,
        """
        CREATE TABLE usage_alert_levels (
            account_id {int} NOT NULL REFERENCES accounts (id),
            period TEXT NOT NULL,
            subject TEXT NOT NULL CHECK (subject IN ('voice', 'sms', 'data', 'spend')),
            percent {int} NOT NULL CHECK (percent BETWEEN 1 AND 100),
            reached_at {int} NOT NULL,
            PRIMARY KEY (account_id, period, subject, percent)
        )
        """,
        """
        CREATE TABLE line_spend (
            account_id {int} NOT NULL REFERENCES accounts (id),
            period TEXT NOT NULL,
            charged_cents {int} NOT NULL,
            limit_cents {int},
            over_since {int},
            updated_at {int} NOT NULL,
            PRIMARY KEY (account_id, period)
        )
        """,
        "CREATE INDEX line_spend_over ON line_spend (period, over_since)",
        """
        CREATE TABLE spend_limit_consents (
            account_id {int} NOT NULL REFERENCES accounts (id),
            period TEXT NOT NULL,
            user_id {int} NOT NULL REFERENCES portal_users (id),
            consented_at {int} NOT NULL,
            PRIMARY KEY (account_id, period)
        )
        """,
    ])
}
