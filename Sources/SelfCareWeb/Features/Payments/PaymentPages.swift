/// The login's card payments, newest first.
struct PaymentsPage: Sendable {
    let payments: [PaymentHistoryRow]
    let hasPayments: Bool
}

/// A payment of the history.
struct PaymentHistoryRow: Sendable {
    let id: String
    let date: String
    let amount: String
    let status: String
    let statusCode: String
    let card: String
}

/// One payment: its receipt once it succeeded, why it failed, or the way back to the card page while it is pending.
struct PaymentPage: Sendable {
    let id: String
    let amount: String
    let card: String
    let payer: String
    let succeeded: Bool
    let failed: Bool
    let pending: Bool
    /// The gateway's card page while it can still take the payment (empty otherwise).
    let cardPage: String
    /// Why the payment failed, in words.
    var failure: String?
    var receiptNo: String?
    var issuedAt: String?
    /// The bills the payment went to.
    var allocations: [AllocationRow] = []
    /// The group bills the payment was for (a company pays its group bill, spread over its lines' bills).
    var groupBills: [GroupPaymentRow] = []
    /// The group's payment over its lines' bills, in words; nil for a payment of bills.
    var spreadOver: String?
    /// What was paid beyond the bills, kept as credit, in words.
    var creditNotice: String?
}

/// A group bill a payment was for, and the amount paid on it.
struct GroupPaymentRow: Sendable {
    let number: String
    let amount: String
}

/// The part of a payment that went to one bill.
struct AllocationRow: Sendable {
    let billNo: String
    let accountId: String
    let amount: String
}
