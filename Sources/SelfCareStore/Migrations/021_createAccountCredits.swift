extension Migration {
    /// Money a payment brought that no bill could take (its bills were paid meanwhile): kept as a credit of the payer.
    static let createAccountCredits = Migration(21, "createAccountCredits", [
        """
        CREATE TABLE account_credits (
            id {id},
            payment_id TEXT NOT NULL UNIQUE REFERENCES payments (id),
            user_id {int} NOT NULL REFERENCES portal_users (id),
            amount_cents {int} NOT NULL CHECK (amount_cents > 0),
            reason TEXT NOT NULL,
            created_at {int} NOT NULL
        )
        """,
        "CREATE INDEX account_credits_user ON account_credits (user_id, created_at)",
    ])
}
