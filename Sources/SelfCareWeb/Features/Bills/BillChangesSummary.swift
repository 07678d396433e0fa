import SelfCareCore
import SelfCareServices

/// "What changed since the last bill", in words: the difference in total, the charge classes that moved, and why.
struct ChangesSummary: Sendable {
    let headline: String
    let rows: [ChangeRow]
    let hasRows: Bool
    let reasons: [String]
    let hasReasons: Bool
}

/// A charge class in the previous bill and this one, without VAT.
struct ChangeRow: Sendable {
    let label: String
    let previous: String
    let current: String
    let difference: String
    let up: Bool
}

extension ChangesSummary {
    init(_ changes: BillChanges, _ language: Language, _ localizer: Localizer) {
        // A charge that appeared or moved is a row of the table: the list says only what the table cannot.
        let reasons = changes.reasons.filter { !$0.isChargeDifference || changes.charges.isEmpty }.map { Self.words($0, language, localizer) }
        self.init(
            headline: Self.headline(changes, language, localizer),
            rows: changes.charges.map { charge in
                ChangeRow(
                    label: localizer.text("class.\(charge.chargeClass.rawValue)", language), previous: charge.previous.formatted(language),
                    current: charge.current.formatted(language), difference: Self.signed(charge.difference, language),
                    up: charge.difference.cents > 0)
            },
            hasRows: !changes.charges.isEmpty, reasons: reasons, hasReasons: !reasons.isEmpty)
    }

    static func headline(_ changes: BillChanges, _ language: Language, _ localizer: Localizer) -> String {
        guard let difference = changes.difference, let previousTotal = changes.previousTotal, let period = changes.previousPeriod else {
            return localizer.text("changes.first", language)
        }
        let values = ["difference": Money(cents: abs(difference.cents)).formatted(language), "previous": previousTotal.formatted(language),
                      "period": DisplayFormat.period(period, language)]
        let key = difference.cents > 0 ? "changes.more" : difference.cents < 0 ? "changes.less" : "changes.same"
        return localizer.text(key, language, values)
    }

    /// `+Rs 12.00` or `−Rs 12.00`.
    static func signed(_ amount: Money, _ language: Language) -> String {
        (amount.cents < 0 ? "−" : amount.cents > 0 ? "+" : "") + Money(cents: abs(amount.cents)).formatted(language)
    }

    static func words(_ reason: BillChangeReason, _ language: Language, _ localizer: Localizer) -> String {
        func label(_ chargeClass: ChargeClass) -> String { localizer.text("class.\(chargeClass.rawValue)", language) }
        func version(_ name: String, _ number: Int?) -> String {
            number.map { localizer.text("changes.planVersion", language, ["plan": name, "version": "\($0)"]) } ?? name
        }
        switch reason {
        case .addedPartWay(let day):
            return localizer.text("changes.reason.addedPartWay", language, ["day": DisplayFormat.day(day, language)])
        case .planChanged(let fromName, let fromVersion, let toName, let toVersion):
            return localizer.text("changes.reason.planChanged", language,
                                  ["from": version(fromName, fromVersion), "to": version(toName, toVersion)])
        case .monthlyFeeChanged(let from, let to):
            return localizer.text("changes.reason.feeChanged", language, ["from": from.formatted(language), "to": to.formatted(language)])
        case .newRoamingCountries(let countries):
            return localizer.text("changes.reason.newRoaming", language, [
                "countries": countries.map { DisplayFormat.country($0, language) }.joined(separator: ", "),
            ])
        case .newCharge(let chargeClass, let amount):
            return localizer.text("changes.reason.newCharge", language, ["class": label(chargeClass), "amount": amount.formatted(language)])
        case .chargeChanged(let chargeClass, let from, let to):
            return localizer.text(to.cents > from.cents ? "changes.reason.more" : "changes.reason.less", language, [
                "class": label(chargeClass), "difference": Money(cents: abs(to.cents - from.cents)).formatted(language),
                "from": from.formatted(language), "to": to.formatted(language),
            ])
        }
    }
}

extension GroupMemberRow {
    /// A member bill with its difference from the line's previous bill and the first reason for it; a line billed for
    /// the first time shows none.
    init(_ bill: BillRow, changes: BillChanges?, _ language: Language, _ localizer: Localizer) {
        guard let changes else {
            self.init(bill: bill, difference: "—", up: false, why: "")
            return
        }
        self.init(
            bill: bill, difference: changes.difference.map { ChangesSummary.signed($0, language) } ?? "—",
            up: (changes.difference?.cents ?? 0) > 0,
            why: changes.reasons.first.map { ChangesSummary.words($0, language, localizer) } ?? ChangesSummary.headline(changes, language, localizer))
    }
}

extension BillChangeReason {
    /// True for a charge that appeared or changed: what the table of charges shows line by line.
    fileprivate var isChargeDifference: Bool {
        switch self {
        case .newCharge, .chargeChanged: true
        case .addedPartWay, .planChanged, .monthlyFeeChanged, .newRoamingCountries: false
        }
    }
}
