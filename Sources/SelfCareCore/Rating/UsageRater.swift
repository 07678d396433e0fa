/// One record after rating: how much of it the allowance covered, the rate applied and what the rest costs. Once a
/// period is billed this is stored with the record and never computed again.
public struct RatedUsage: Sendable, Hashable {
    public var record: UsageRecord
    public var chargeClass: ChargeClass
    /// Minutes, messages or bytes of the record.
    public var quantity: Int64
    /// The part covered by the plan's allowance (costs nothing).
    public var includedQuantity: Int64
    public var charge: Money
    /// The price of one unit beyond the allowance: a minute, a message or a megabyte.
    public var rate: Money

    public init(record: UsageRecord, chargeClass: ChargeClass, quantity: Int64, includedQuantity: Int64, charge: Money, rate: Money) {
        self.record = record
        self.chargeClass = chargeClass
        self.quantity = quantity
        self.includedQuantity = includedQuantity
        self.charge = charge
        self.rate = rate
    }

    public var chargedQuantity: Int64 { quantity - includedQuantity }
    public var isFullyIncluded: Bool { includedQuantity == quantity }

    /// Whether the allowance covered the record: whole, in part or not at all.
    public var bundleUse: BundleUse {
        isFullyIncluded ? .inBundle : (includedQuantity > 0 ? .partlyInBundle : .outOfBundle)
    }
}

/// How much of a record its allowance covered, as documents name it.
public enum BundleUse: String, Sendable, Hashable {
    case inBundle = "in_bundle"
    case partlyInBundle = "partly_in_bundle"
    case outOfBundle = "out_of_bundle"
}

/// Used and remaining allowance of one kind of usage.
public struct AllowanceUse: Sendable, Hashable {
    public var used: Int64
    public var allowance: Int64

    public var remaining: Int64 { max(allowance - used, 0) }
}

/// Totals of one charge class: what a bill's usage line shows.
public struct ChargeLine: Sendable, Hashable {
    public var chargeClass: ChargeClass
    public var records: Int64
    public var quantity: Int64
    public var includedQuantity: Int64
    public var amount: Money

    public init(chargeClass: ChargeClass, records: Int64, quantity: Int64, includedQuantity: Int64, amount: Money) {
        self.chargeClass = chargeClass
        self.records = records
        self.quantity = quantity
        self.includedQuantity = includedQuantity
        self.amount = amount
    }

    public var chargedQuantity: Int64 { quantity - includedQuantity }
}

/// A line's usage of one period, rated: every record, the allowance used and the charges by class.
public struct LineRating: Sendable, Hashable {
    /// The records in rating order.
    public var records: [RatedUsage]
    public var voiceMinutes: AllowanceUse
    public var sms: AllowanceUse
    public var dataBytes: AllowanceUse
    /// One line per charge class that had records, in class order.
    public var lines: [ChargeLine]

    /// The sum of all record charges (VAT-exclusive).
    public var usageCharges: Money { lines.reduce(.zero) { $0 + $1.amount } }
}

/// Rates a line's records for one period against its plan, exactly as the contract's rating rules say.
public enum UsageRater {
    /// The positions of `records` in rating order (`UsageRecord.ratingOrder`): positions are sorted rather than the
    /// records themselves, and record ids compared only between records of the same instant.
    static func ratingOrder(of records: [UsageRecord]) -> [Int] {
        let instants = records.map(\.startedAt.timeIntervalSinceReferenceDate)
        return records.indices.sorted { lhs, rhs in
            instants[lhs] != instants[rhs] ? instants[lhs] < instants[rhs] : records[lhs].recordID < records[rhs].recordID
        }
    }

    /// Rates `records` (any order) of one line and one period; the result does not depend on the input order.
    public static func rate(_ records: [UsageRecord], plan: TariffPlan) -> LineRating {
        var voiceLeft = plan.allowance.voiceMinutes
        var smsLeft = plan.allowance.sms
        var dataLeft = plan.allowance.dataBytes
        var rated: [RatedUsage] = []
        rated.reserveCapacity(records.count)
        var lines: [ChargeClass: ChargeLine] = [:]

        for index in ratingOrder(of: records) {
            let record = records[index]
            let usage = rateOne(record, plan: plan, voiceLeft: &voiceLeft, smsLeft: &smsLeft, dataLeft: &dataLeft)
            rated.append(usage)
            var line = lines[usage.chargeClass]
                ?? ChargeLine(chargeClass: usage.chargeClass, records: 0, quantity: 0, includedQuantity: 0, amount: .zero)
            line.records += 1
            line.quantity += usage.quantity
            line.includedQuantity += usage.includedQuantity
            line.amount += usage.charge
            lines[usage.chargeClass] = line
        }

        return LineRating(
            records: rated,
            voiceMinutes: AllowanceUse(used: plan.allowance.voiceMinutes - voiceLeft, allowance: plan.allowance.voiceMinutes),
            sms: AllowanceUse(used: plan.allowance.sms - smsLeft, allowance: plan.allowance.sms),
            dataBytes: AllowanceUse(used: plan.allowance.dataBytes - dataLeft, allowance: plan.allowance.dataBytes),
            lines: lines.values.sorted { $0.chargeClass < $1.chargeClass }
        )
    }

    private static func rateOne(
        _ record: UsageRecord, plan: TariffPlan, voiceLeft: inout Int64, smsLeft: inout Int64, dataLeft: inout Int64
    ) -> RatedUsage {
        let rates = plan.rates
        switch record.type {
        case .voice:
            let minutes = record.billedMinutes
            if record.isRoaming {
                return priced(record, .voiceRoaming, minutes, included: 0, unitPrice: rates.roamingVoicePerMinute)
            }
            guard record.isNationalDestination else {
                let rate = rates.internationalRate(for: record.destination ?? "")
                return priced(record, .voiceInternational, minutes, included: 0, unitPrice: rate)
            }
            let included = draw(minutes, from: &voiceLeft)
            let onNet = plan.onNetPrefixes.contains { record.destination?.hasPrefix($0) ?? false }
            return onNet
                ? priced(record, .voiceOnNet, minutes, included: included, unitPrice: rates.voiceOnNetPerMinute)
                : priced(record, .voiceOffNet, minutes, included: included, unitPrice: rates.voiceOffNetPerMinute)
        case .sms:
            if record.isRoaming { return priced(record, .smsRoaming, 1, included: 0, unitPrice: rates.roamingSms) }
            guard record.isNationalDestination else {
                return priced(record, .smsInternational, 1, included: 0, unitPrice: rates.smsInternational)
            }
            let included = draw(1, from: &smsLeft)
            return priced(record, .smsNational, 1, included: included, unitPrice: rates.smsNational)
        case .data:
            let bytes = record.volumeBytes
            if record.isRoaming {
                return RatedUsage(
                    record: record, chargeClass: .dataRoaming, quantity: bytes, includedQuantity: 0,
                    charge: dataCharge(bytes: bytes, perMB: rates.roamingDataPerMB), rate: rates.roamingDataPerMB)
            }
            let included = draw(bytes, from: &dataLeft)
            return RatedUsage(
                record: record, chargeClass: .dataNational, quantity: bytes, includedQuantity: included,
                charge: dataCharge(bytes: bytes - included, perMB: rates.dataPerMB), rate: rates.dataPerMB)
        }
    }

    /// Takes up to `quantity` from what is left of an allowance and returns how much it took.
    private static func draw(_ quantity: Int64, from left: inout Int64) -> Int64 {
        let taken = min(quantity, max(left, 0))
        left -= taken
        return taken
    }

    private static func priced(
        _ record: UsageRecord, _ chargeClass: ChargeClass, _ quantity: Int64, included: Int64, unitPrice: Money
    ) -> RatedUsage {
        RatedUsage(
            record: record, chargeClass: chargeClass, quantity: quantity, includedQuantity: included,
            charge: Money(cents: (quantity - included) * unitPrice.cents), rate: unitPrice)
    }

    /// ⌈bytes × cents-per-MB / 1,000,000⌉ cents.
    static func dataCharge(bytes: Int64, perMB: Money) -> Money {
        guard bytes > 0, perMB.cents > 0 else { return .zero }
        let product = bytes.multipliedFullWidth(by: perMB.cents)
        let (quotient, remainder) = Int64(1_000_000).dividingFullWidth(product)
        return Money(cents: remainder > 0 ? quotient + 1 : quotient)
    }
}
