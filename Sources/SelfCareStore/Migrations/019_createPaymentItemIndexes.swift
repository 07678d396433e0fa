extension Migration {
    /// The payments under way for a bill or a group bill, looked up before another payment of it starts.
    static let createPaymentItemIndexes = Migration(19, "createPaymentItemIndexes", [
        "CREATE INDEX payment_items_bill ON payment_items (bill_id)",
        "CREATE INDEX payment_items_group_bill ON payment_items (group_bill_id)",
    ])
}
