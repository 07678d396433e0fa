import Testing
@testable import SelfCareCore

/// Issue 16.4: a bill next to the line's previous one — the difference and why, from what both bills say.
@Suite("What changed since the last bill")
struct BillChangesTests {
    static let october = try! BillingPeriod("2026-10")
    static let november = try! BillingPeriod("2026-11")

    static func facts(
        _ period: BillingPeriod, total: Int64, fee: Int64 = 49_900, charges: [ChargeClass: Int64] = [:], plan: String = "Smart 499",
        version: Int? = 1, roaming: Set<String> = [], activatedOn: String = "2026-02-01"
    ) -> BillFacts {
        BillFacts(period: period, total: Money(cents: total), monthlyFee: Money(cents: fee), charges: charges.mapValues { Money(cents: $0) },
                  planName: plan, planVersion: version, roamingCountries: roaming, activatedOn: try! CalendarDay(activatedOn))
    }

    @Test("a first bill has nothing to compare with; a line activated part-way says so")
    func firstBill() {
        // given / when
        let partWay = BillChanges.between(Self.facts(Self.november, total: 57_385, activatedOn: "2026-11-12"), previous: nil)
        let wholeMonth = BillChanges.between(Self.facts(Self.november, total: 57_385, activatedOn: "2026-11-01"), previous: nil)

        // then
        #expect(partWay.difference == nil && partWay.previousPeriod == nil)
        #expect(partWay.reasons == [.addedPartWay(activatedOn: try! CalendarDay("2026-11-12"))])
        #expect(wholeMonth.reasons.isEmpty)
    }

    @Test("the difference in total, every class that moved (largest first), a new charge, a change of plan and new countries")
    func differences() {
        // given
        let previous = Self.facts(Self.october, total: 60_000, charges: [.voiceOffNet: 2_000, .smsNational: 500], roaming: ["FR"])
        let current = Self.facts(Self.november, total: 90_000, fee: 59_900, charges: [.voiceOffNet: 1_000, .smsNational: 500, .dataNational: 8_000],
                                 plan: "Smart 599", version: 2, roaming: ["FR", "RE", "ZA"])

        // when
        let changes = BillChanges.between(current, previous: previous)

        // then
        #expect(changes.difference == Money(cents: 30_000))
        #expect(changes.charges.map(\.chargeClass) == [.dataNational, .voiceOffNet, .smsNational])
        #expect(changes.charges.first?.difference == Money(cents: 8_000))
        #expect(changes.reasons == [
            .planChanged(fromName: "Smart 499", fromVersion: 1, toName: "Smart 599", toVersion: 2),
            .monthlyFeeChanged(from: Money(cents: 49_900), to: Money(cents: 59_900)),
            .newRoamingCountries(["RE", "ZA"]),
            .newCharge(.dataNational, amount: Money(cents: 8_000)),
            .chargeChanged(.voiceOffNet, from: Money(cents: 2_000), to: Money(cents: 1_000)),
        ])
        #expect(changes.magnitude == 30_000)
    }

    @Test("the same bill twice changes nothing")
    func unchanged() {
        // given
        let bill = Self.facts(Self.october, total: 60_000, charges: [.voiceOffNet: 2_000], roaming: ["FR"])
        var next = bill
        next.period = Self.november

        // when
        let changes = BillChanges.between(next, previous: bill)

        // then
        #expect(changes.difference == .zero)
        #expect(changes.reasons.isEmpty)
        #expect(changes.magnitude == 0)
    }
}
