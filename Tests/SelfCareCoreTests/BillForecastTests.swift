import Testing
@testable import SelfCareCore

/// Issue 16: the forecast of this month's bill.
@Suite("BillForecast")
struct BillForecastTests {
    static let october = try! BillingPeriod("2026-10")
    static let fee = Money(cents: 49_900)

    @Test("charges so far are projected over the month from the days elapsed, rounded up")
    func projected() throws {
        // given 10.00 charged by 10 October (10 of 31 days)
        let today = try CalendarDay("2026-10-10")

        // when
        let usage = BillForecast.projectedUsage(Money(cents: 1_000), period: Self.october, today: today)

        // then 1,000 × 31 / 10 = 3,100 cents
        #expect(usage == Money(cents: 3_100))
        #expect(BillForecast.total(monthlyFee: Self.fee, usageCharges: Money(cents: 1_000), period: Self.october, today: today)
            == BillAmounts(monthlyFee: Self.fee, usageCharges: Money(cents: 3_100)).total)
    }

    @Test("on the last day, and after, the forecast is the bill")
    func lastDayIsTheBill() throws {
        // given
        let charges = Money(cents: 1_234)
        let bill = BillAmounts(monthlyFee: Self.fee, usageCharges: charges).total

        // when / then
        for day in ["2026-10-31", "2026-11-05"] {
            #expect(BillForecast.total(monthlyFee: Self.fee, usageCharges: charges, period: Self.october, today: try CalendarDay(day)) == bill)
        }
    }

    @Test("never below what is charged, and the fee alone without usage")
    func neverBelowCharged() throws {
        // given
        let today = try CalendarDay("2026-10-01")

        // when
        let usage = BillForecast.projectedUsage(Money(cents: 7), period: Self.october, today: today)
        let none = BillForecast.total(monthlyFee: Self.fee, usageCharges: .zero, period: Self.october, today: today)

        // then
        #expect(usage >= Money(cents: 7))
        #expect(usage == Money(cents: 217))
        #expect(none == BillAmounts(monthlyFee: Self.fee, usageCharges: .zero).total)
    }
}
