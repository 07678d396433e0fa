/// A client's dashboard: its latest group bills, and its accounts a page at a time with what each owes and has used.
struct ClientDashboardPage: Sendable {
    let clientName: String
    /// Said when a group bill is past its due date with something left to pay, with a link to it.
    let overdue: OverdueNotice?
    /// The login's credit from payments that found their bills paid, in words.
    let creditNotice: String?
    /// This month's bills of all its lines as they are heading.
    let forecast: ForecastSummary?
    let groups: [GroupRow]
    let hasGroups: Bool
    let accounts: [AccountRow]
    /// How many accounts match the search.
    let total: Int
    let search: String
    let pageText: String
    /// The link to the page before, if any.
    let previous: String?
    /// The link to the page after, if any.
    let next: String?
}

/// An overdue group bill, said in words, and where to pay it.
struct OverdueNotice: Sendable {
    let text: String
    let link: String
    let linkText: String
}

/// An account of a client's list: what it owes and this month's usage.
struct AccountRow: Sendable {
    let accountId: String
    let accountIdGrouped: String
    let msisdn: String
    let plan: String
    let due: String
    /// The earliest due date of its unpaid bills (empty when none is unpaid).
    let nextDue: String
    let usage: String
    let outOfBundle: String
}

/// A forecast of this month's bill and, in one sentence, how it was worked out.
struct ForecastSummary: Sendable {
    let amount: String
    let method: String
}
