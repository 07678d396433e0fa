/// What one issued bill says, as far as comparing it with another bill of the same line needs.
public struct BillFacts: Sendable, Hashable {
    public var period: BillingPeriod
    public var total: Money
    public var monthlyFee: Money
    /// Out-of-bundle charges by charge class, without VAT.
    public var charges: [ChargeClass: Money]
    public var planName: String
    public var planVersion: Int?
    /// Countries the line roamed in during the period.
    public var roamingCountries: Set<String>
    public var activatedOn: CalendarDay

    public init(
        period: BillingPeriod, total: Money, monthlyFee: Money, charges: [ChargeClass: Money], planName: String, planVersion: Int?,
        roamingCountries: Set<String>, activatedOn: CalendarDay
    ) {
        self.period = period
        self.total = total
        self.monthlyFee = monthlyFee
        self.charges = charges
        self.planName = planName
        self.planVersion = planVersion
        self.roamingCountries = roamingCountries
        self.activatedOn = activatedOn
    }
}

/// Why a bill differs from the line's previous one, each reason read from the two bills as issued.
public enum BillChangeReason: Sendable, Hashable {
    /// The line's first bill, activated on that day within the period (its fee is charged in full).
    case addedPartWay(activatedOn: CalendarDay)
    case planChanged(fromName: String, fromVersion: Int?, toName: String, toVersion: Int?)
    case monthlyFeeChanged(from: Money, to: Money)
    case newRoamingCountries([String])
    /// A charge class with nothing last time.
    case newCharge(ChargeClass, amount: Money)
    case chargeChanged(ChargeClass, from: Money, to: Money)
}

/// One charge class in both bills, without VAT.
public struct ChargeDifference: Sendable, Hashable {
    public var chargeClass: ChargeClass
    public var previous: Money
    public var current: Money
    public var difference: Money { current - previous }
}

/// A bill next to the line's previous bill: the difference in total, per charge class, and why.
public struct BillChanges: Sendable, Hashable {
    public var previousPeriod: BillingPeriod?
    public var previousTotal: Money?
    public var total: Money
    /// Classes charged in either bill, the largest change first.
    public var charges: [ChargeDifference]
    public var reasons: [BillChangeReason]

    /// How much more (negative: less) than the previous bill, VAT included; nil for a first bill.
    public var difference: Money? { previousTotal.map { total - $0 } }
    /// The size of the change, to put the lines that changed most first.
    public var magnitude: Int64 { abs(difference?.cents ?? total.cents) }

    /// `current` next to `previous` (nil when it is the line's first bill).
    public static func between(_ current: BillFacts, previous: BillFacts?) -> BillChanges {
        guard let previous else {
            let reasons: [BillChangeReason] = current.activatedOn.period == current.period && current.activatedOn.day > 1
                ? [.addedPartWay(activatedOn: current.activatedOn)] : []
            return BillChanges(previousPeriod: nil, previousTotal: nil, total: current.total, charges: [], reasons: reasons)
        }
        let classes = ChargeClass.allCases.filter { (current.charges[$0]?.cents ?? 0) != 0 || (previous.charges[$0]?.cents ?? 0) != 0 }
        let charges = classes.map {
            ChargeDifference(chargeClass: $0, previous: previous.charges[$0] ?? .zero, current: current.charges[$0] ?? .zero)
        }.sorted { abs($0.difference.cents) > abs($1.difference.cents) }
        var reasons: [BillChangeReason] = []
        if previous.planName != current.planName || previous.planVersion != current.planVersion {
            reasons.append(.planChanged(fromName: previous.planName, fromVersion: previous.planVersion,
                                        toName: current.planName, toVersion: current.planVersion))
        }
        if previous.monthlyFee != current.monthlyFee {
            reasons.append(.monthlyFeeChanged(from: previous.monthlyFee, to: current.monthlyFee))
        }
        let countries = current.roamingCountries.subtracting(previous.roamingCountries).sorted()
        if !countries.isEmpty { reasons.append(.newRoamingCountries(countries)) }
        for charge in charges where charge.difference.cents != 0 {
            reasons.append(charge.previous.cents == 0
                ? .newCharge(charge.chargeClass, amount: charge.current)
                : .chargeChanged(charge.chargeClass, from: charge.previous, to: charge.current))
        }
        return BillChanges(previousPeriod: previous.period, previousTotal: previous.total, total: current.total, charges: charges,
                           reasons: reasons)
    }
}
