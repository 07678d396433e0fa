extension Migration {
    /// Receipts, one per successful payment.
    static let createReceipts = Migration(14, "createReceipts", [
        """
        CREATE TABLE receipts (
            id {id},
            receipt_no TEXT NOT NULL UNIQUE,
            payment_id TEXT NOT NULL UNIQUE REFERENCES payments (id),
            issued_at {int} NOT NULL
        )
        """,
        """
        CREATE TABLE webhook_events (
            event_id TEXT PRIMARY KEY,
            event_type TEXT NOT NULL,
            received_at {int} NOT NULL
        )
        """,
    ])
}
