import Foundation
import Testing
@testable import SelfCareCore

/// CONTRACT §5, the bill: fee + usage = excl. VAT; VAT 15 % half-up; dates; who is billed; states.
@Suite("BillAmounts")
struct BillAmountsTests {
    static let noUsage = UsageRater.rate([], plan: Fixture.post499)

    @Test("a bill is monthly fee + usage, VAT 15 % rounded half up, total = excl. + VAT")
    func billOfFeeAndUsage() {
        // given POST499 (499.00) with no allowance left and 7 minutes off-net + 3 SMS national + 1 byte of data:
        //   7 × 200 = 1400; 3 × 100 = 300; ⌈1 × 50 / 1,000,000⌉ = 1 → usage 1701 cents = 17.01
        let plan = Fixture.plan(voiceMinutes: 0, sms: 0, dataMB: 0)
        let records = [
            Fixture.voice("v1", at: Instant.mauritius(2026, 10, 2), seconds: 420, to: "+23021234567"),
            Fixture.sms("s1", at: Instant.mauritius(2026, 10, 3), to: "+23057000001"),
            Fixture.sms("s2", at: Instant.mauritius(2026, 10, 4), to: "+23057000001"),
            Fixture.sms("s3", at: Instant.mauritius(2026, 10, 5), to: "+23057000001"),
            Fixture.data("d1", at: Instant.mauritius(2026, 10, 6), bytes: 1),
        ]
        let rating = UsageRater.rate(records, plan: plan)

        // when
        let bill = BillAmounts(monthlyFee: plan.monthlyFee, rating: rating)

        // then excl. = 49,900 + 1,701 = 51,601 cents
        //      VAT = 51,601 × 15 / 100 = 7,740.15 → 7,740 cents
        //      total = 51,601 + 7,740 = 59,341 cents = 593.41
        #expect(bill.usageCharges.cents == 1701)
        #expect(bill.amountExcludingVAT.cents == 51_601)
        #expect(bill.vat.cents == 7_740)
        #expect(bill.total.cents == 59_341)
        #expect(bill.lines == rating.lines)
    }

    @Test("a line with no usage pays the full monthly fee plus VAT")
    func feeOnly() {
        // given POST499 and no records
        // when
        let bill = BillAmounts(monthlyFee: Fixture.post499.monthlyFee, rating: Self.noUsage)

        // then 49,900 × 15 % = 7,485 exactly; total 57,385 = 573.85
        #expect(bill.usageCharges == .zero)
        #expect(bill.lines.isEmpty)
        #expect(bill.amountExcludingVAT.cents == 49_900)
        #expect(bill.vat.cents == 7_485)
        #expect(bill.total.cents == 57_385)
    }

    @Test("VAT is 15 % rounded half up to the cent", arguments: [
        (Int64(10), Int64(2)),  // 0.10 × 15 % = 1.5 cents → 2 (half rounds up)
        (3, 0),  // 0.45 cents → 0
        (4, 1),  // 0.6 → 1
        (30, 5),  // 4.5 → 5
        (1, 0),  // 0.15 → 0
        (0, 0),
        (49_900, 7_485),  // exact
        (51_601, 7_740),  // 7,740.15 → 7,740
        (51_610, 7_742),  // 7,741.5 → 7,742
        (123_456_789, 18_518_518),  // 18,518,518.35 → 18,518,518
    ])
    func vatHalfUp(excludingVATCents: Int64, vatCents: Int64) {
        // given an amount excl. VAT (as the fee, no usage)
        let bill = BillAmounts(monthlyFee: Money(cents: excludingVATCents), rating: Self.noUsage)

        // when
        let vat = bill.vat

        // then
        #expect(vat.cents == vatCents)
        #expect(bill.total.cents == excludingVATCents + vatCents)
    }

    @Test("bill date is the 1st of the next month; due date 21 days later", arguments: [
        ("2026-10", "2026-11-01", "2026-11-22"),
        ("2026-12", "2027-01-01", "2027-01-22"),  // December → January of the next year
        ("2027-01", "2027-02-01", "2027-02-22"),  // bill in February
        ("2027-02", "2027-03-01", "2027-03-22"),  // February (28 days) → March
        ("2028-02", "2028-03-01", "2028-03-22"),  // leap February (29 days) → March
        ("2026-04", "2026-05-01", "2026-05-22"),
    ])
    func billAndDueDates(period: String, billDate: String, dueDate: String) {
        // given
        let period = Fixture.period(period)

        // when
        let bill = BillAmounts.billDate(for: period)
        let due = BillAmounts.dueDate(for: period)

        // then
        #expect(bill.description == billDate)
        #expect(due.description == dueDate)
    }

    @Test("a line is billed for a period when activated by its last day", arguments: [
        ("2026-10-31", true),  // activated on the period's last day: full fee
        ("2026-11-01", false),  // the day after: not yet
        ("2026-10-01", true),
        ("2019-03-15", true),
        ("2027-01-01", false),
    ])
    func isBilled(activatedOn: String, billed: Bool) {
        // given period 2026-10
        let period = Fixture.period("2026-10")

        // when
        let result = BillAmounts.isBilled(activatedOn: Fixture.day(activatedOn), in: period)

        // then
        #expect(result == billed)
    }

    @Test("a line activated on February's last day is billed for February, leap year or not", arguments: [
        ("2027-02", "2027-02-28", true), ("2027-02", "2027-03-01", false),
        ("2028-02", "2028-02-29", true), ("2028-02", "2028-03-01", false),
    ])
    func isBilledFebruary(period: String, activatedOn: String, billed: Bool) {
        // given
        let period = Fixture.period(period)

        // when
        let result = BillAmounts.isBilled(activatedOn: Fixture.day(activatedOn), in: period)

        // then
        #expect(result == billed)
    }

    // MARK: state

    @Test("bill state after payments", arguments: [
        // (remaining, total, current) → next
        (Int64(57_385), Int64(57_385), BillState.new, BillState.new),  // nothing paid yet
        (57_385, 57_385, .sent, .sent),
        (40_000, 57_385, .sent, .partiallyPaid),  // part paid
        (40_000, 57_385, .new, .partiallyPaid),
        (10_000, 57_385, .partiallyPaid, .partiallyPaid),  // another part paid
        (0, 57_385, .partiallyPaid, .settled),  // the rest paid
        (0, 57_385, .sent, .settled),  // paid in one go
        (-500, 57_385, .sent, .settled),  // overpaid still settles
        (0, 57_385, .onHold, .onHold),  // disputed: stays on hold
        (40_000, 57_385, .onHold, .onHold),
    ])
    func stateAfterPayments(remaining: Int64, total: Int64, current: BillState, next: BillState) {
        // given a bill of `total` in state `current`
        // when payments leave `remaining`
        let state = BillState.after(payments: Money(cents: remaining), total: Money(cents: total), current: current)

        // then
        #expect(state == next)
    }

    @Test("bill states keep their TMF678 names")
    func stateRawValues() {
        // given
        // when
        let names = BillState.allCases.map(\.rawValue)

        // then
        #expect(names == ["new", "sent", "partiallyPaid", "settled", "onHold"])
    }
}
