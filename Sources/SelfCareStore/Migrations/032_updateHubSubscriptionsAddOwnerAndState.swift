extension Migration {
    /// Event subscriptions remember the token that made them (none for a login session), why they ended, and how their
    /// deliveries go: which instance holds the subscription's queue and until when, since when it has been failing,
    /// whether it is paused, and its last attempt's time and outcome.
    static let updateHubSubscriptionsAddOwnerAndState = Migration(32, "updateHubSubscriptionsAddOwnerAndState", [
        "ALTER TABLE hub_subscriptions ADD COLUMN token_id TEXT",
        "ALTER TABLE hub_subscriptions ADD COLUMN ended_reason TEXT",
        "ALTER TABLE hub_subscriptions ADD COLUMN claim_token TEXT",
        "ALTER TABLE hub_subscriptions ADD COLUMN claimed_until {int}",
        "ALTER TABLE hub_subscriptions ADD COLUMN failing_since {int}",
        "ALTER TABLE hub_subscriptions ADD COLUMN paused_at {int}",
        "ALTER TABLE hub_subscriptions ADD COLUMN last_attempt_at {int}",
        "ALTER TABLE hub_subscriptions ADD COLUMN last_outcome TEXT",
        "CREATE INDEX hub_subscriptions_token ON hub_subscriptions (token_id)",
        "CREATE INDEX hub_deliveries_pending ON hub_deliveries (subscription_id, status, next_attempt_at)",
    ])
}
