extension Migration {
    /// SMSC delivery receipts against the parts of each SMS, an e-mail's attachment, and the indexes the user's
    /// notification log reads.
    static let createDeliveryReceipts = Migration(18, "createDeliveryReceipts", [
        "ALTER TABLE outbox_messages ADD COLUMN attachment TEXT",
        """
        CREATE TABLE outbox_message_parts (
            provider_message_id TEXT PRIMARY KEY,
            outbox_message_id {int} NOT NULL REFERENCES outbox_messages (id),
            part_number {int} NOT NULL
        )
        """,
        "CREATE INDEX outbox_message_parts_message ON outbox_message_parts (outbox_message_id)",
        """
        CREATE TABLE delivery_receipts (
            provider_message_id TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            error_code TEXT,
            received_at {int} NOT NULL
        )
        """,
        "CREATE INDEX outbox_messages_recipient ON outbox_messages (recipient, created_at)",
        "CREATE INDEX outbox_messages_client ON outbox_messages (client_id, created_at)",
    ])
}
