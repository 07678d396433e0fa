import SelfCareCore
import SelfCareServices

/// An account's bills, each to open, download or tick for payment (`payKey` is the pay form's idempotency key).
struct BillsPage: Sendable {
    let account: AccountSummary
    let bills: [BillRow]
    let hasBills: Bool
    let payKey: String
}

/// One bill in detail with its pay form. The template reads the bill's row inside `{{#bill}}`; what only this page
/// shows (the plan, the charge lines, the VAT…) is found on the page itself.
struct BillPage: Sendable {
    let bill: BillRow
    /// The plan version the bill was issued with, in words.
    let planLine: String?
    let fee: String
    let lines: [ChargeRow]
    let excl: String
    let vat: String
    let paid: String
    let hasPaid: Bool
    let billDate: String
    /// What remains, as the pay form's amount field proposes it.
    let remainingPlain: String
    let payKey: String
    let changes: ChangesSummary?
}

/// A client's group bills.
struct GroupBillsPage: Sendable {
    let groups: [GroupRow]
    let hasGroups: Bool
}

/// One group bill with its member bills and its pay form. The template reads the group bill's row inside
/// `{{#group}}`; the rest is found on the page itself.
struct GroupBillPage: Sendable {
    let group: GroupRow
    /// Said when the group bill is past its due date with something left to pay.
    let overdue: String?
    /// The total next to the month before's, in words; nil without a group bill that month.
    let comparison: String?
    let excl: String
    let vat: String
    /// One page of the member bills, found and ordered as asked.
    let members: [GroupMemberRow]
    let hasMembers: Bool
    let search: String
    let orders: [OrderOption]
    let pageText: String
    let previous: String?
    let next: String?
    let hasRemaining: Bool
    let remainingPlain: String
    let payKey: String
}

/// A member bill of a group bill, with what changed since its line's previous bill.
struct GroupMemberRow: Sendable {
    let bill: BillRow
    let difference: String
    let up: Bool
    let why: String
}

/// One way a list can be ordered, as a `<select>` option.
struct OrderOption: Sendable {
    let value: String
    let label: String
    let selected: Bool
}

/// A bill as a line of a table.
struct BillRow: Sendable {
    let billNo: String
    let period: String
    let accountId: String
    let accountIdGrouped: String
    let total: String
    let remaining: String
    let dueDate: String
    let state: String
    let stateCode: String
    let isSettled: Bool
}

/// A group bill as a line of a table.
struct GroupRow: Sendable {
    let number: String
    let period: String
    let accounts: Int
    let total: String
    let remaining: String
    let dueDate: String
    let billDate: String
    let state: String
    let stateCode: String
}

/// A usage line of a bill: what was used, how much of it the bundle included, and its charge.
struct ChargeRow: Sendable {
    let label: String
    let quantity: String
    let included: String
    let amount: String
}

extension BillRow {
    /// `today` decides whether an unpaid bill past its due date shows as overdue.
    init(_ bill: BillView, _ language: Language, _ localizer: Localizer, today: CalendarDay) {
        let state = BillRow.shownState(bill.state, dueDate: bill.dueDate, today: today)
        self.init(
            billNo: bill.billNo, period: DisplayFormat.period(bill.period, language), accountId: bill.accountID,
            accountIdGrouped: AccountID.displayed(bill.accountID),
            total: bill.total.formatted(language), remaining: bill.remaining.formatted(language),
            dueDate: DisplayFormat.day(bill.dueDate, language), state: localizer.text("state.\(state)", language),
            stateCode: state, isSettled: bill.state == .settled)
    }

    /// The state a page shows: `overdue` for a bill still owed after its due date, else the stored state.
    static func shownState(_ state: BillState, dueDate: String, today: CalendarDay) -> String {
        guard state != .settled, state != .onHold, let due = try? CalendarDay(dueDate), due < today else { return state.rawValue }
        return "overdue"
    }
}

extension GroupRow {
    init(_ group: GroupBillView, _ language: Language, _ localizer: Localizer, today: CalendarDay) {
        let state = BillRow.shownState(group.state, dueDate: group.dueDate, today: today)
        self.init(
            number: group.groupBillNo, period: DisplayFormat.period(group.period, language), accounts: group.accountCount,
            total: group.total.formatted(language), remaining: group.remaining.formatted(language),
            dueDate: DisplayFormat.day(group.dueDate, language), billDate: DisplayFormat.day(group.billDate, language),
            state: localizer.text("state.\(state)", language), stateCode: state)
    }
}

extension ChargeRow {
    init(_ line: ChargeLine, _ language: Language, _ localizer: Localizer) {
        self.init(
            label: localizer.text("class.\(line.chargeClass.rawValue)", language),
            quantity: DisplayFormat.quantity(line.quantity, unit: line.chargeClass.unit, language),
            included: DisplayFormat.quantity(line.includedQuantity, unit: line.chargeClass.unit, language),
            amount: line.amount.formatted(language))
    }
}
