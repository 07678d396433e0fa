/// The amounts of one account's bill for one period, computed from its plan and rated usage.
public struct BillAmounts: Sendable, Hashable {
    public static let vatPercent: Int64 = 15
    /// Days between the bill date and the payment due date.
    public static let paymentTermDays = 21

    public var monthlyFee: Money
    public var usageCharges: Money
    public var lines: [ChargeLine]

    public init(monthlyFee: Money, rating: LineRating) {
        self.init(monthlyFee: monthlyFee, usageCharges: rating.usageCharges, lines: rating.lines)
    }

    public init(monthlyFee: Money, usageCharges: Money, lines: [ChargeLine] = []) {
        self.monthlyFee = monthlyFee
        self.usageCharges = usageCharges
        self.lines = lines
    }

    /// Fee plus usage, before VAT.
    public var amountExcludingVAT: Money { monthlyFee + usageCharges }
    /// 15 % of the VAT-exclusive amount, rounded half up to the cent.
    public var vat: Money { amountExcludingVAT.percentage(Self.vatPercent) }
    public var total: Money { amountExcludingVAT + vat }

    /// The bill date of a period: the first day of the next month.
    public static func billDate(for period: BillingPeriod) -> CalendarDay { period.next.firstDay }
    /// The due date of a period's bill: bill date plus 21 days.
    public static func dueDate(for period: BillingPeriod) -> CalendarDay { billDate(for: period).adding(days: paymentTermDays) }

    /// True when a line activated on `activatedOn` is billed for `period` (activated by its last day).
    public static func isBilled(activatedOn: CalendarDay, in period: BillingPeriod) -> Bool {
        activatedOn <= period.lastDay
    }
}

/// The life of a bill (TMF678 `state`).
public enum BillState: String, Sendable, Codable, CaseIterable {
    case new
    case sent
    case partiallyPaid
    case settled
    case onHold

    /// The state after payments bring the remaining amount to `remaining` of `total`.
    public static func after(payments remaining: Money, total: Money, current: BillState) -> BillState {
        if current == .onHold { return .onHold }
        if remaining.cents <= 0 { return .settled }
        if remaining < total { return .partiallyPaid }
        return current == .new ? .new : .sent
    }
}
