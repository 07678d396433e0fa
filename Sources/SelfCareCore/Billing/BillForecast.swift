/// This month's bill as it is heading: the monthly fee plus the out-of-bundle charges so far projected over the whole
/// period from the days elapsed, with VAT. Never below what is already charged; once the period is over, the bill.
public enum BillForecast {
    /// The projected bill total of `period` seen on `today`, from the VAT-exclusive usage charges so far.
    public static func total(monthlyFee: Money, usageCharges: Money, period: BillingPeriod, today: CalendarDay) -> Money {
        BillAmounts(monthlyFee: monthlyFee, usageCharges: projectedUsage(usageCharges, period: period, today: today)).total
    }

    /// Usage charges so far scaled by days in the period over days elapsed (today counted), rounded up to the cent.
    public static func projectedUsage(_ charges: Money, period: BillingPeriod, today: CalendarDay) -> Money {
        let days = Int64(period.lastDay.day)
        let elapsed = Int64(daysElapsed(in: period, today: today))
        guard elapsed > 0 else { return .zero }
        guard elapsed < days, charges.cents > 0 else { return charges }
        return Money(cents: (charges.cents * days + elapsed - 1) / elapsed)
    }

    /// Days of `period` gone by on `today`, today counted: none before it starts, all of them once it is over.
    public static func daysElapsed(in period: BillingPeriod, today: CalendarDay) -> Int {
        if today.period == period { return today.day }
        return today < period.firstDay ? 0 : period.lastDay.day
    }
}
