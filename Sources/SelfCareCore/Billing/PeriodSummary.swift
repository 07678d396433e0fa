/// What a bill run produced for a period (CONTRACT §1 `bill-run` summary).
public struct PeriodSummary: Sendable, Equatable {
    public var period: String
    public var bills: Int
    public var groupBills: Int
    public var total: Money

    public init(period: String, bills: Int, groupBills: Int, total: Money) {
        self.period = period
        self.bills = bills
        self.groupBills = groupBills
        self.total = total
    }
}
