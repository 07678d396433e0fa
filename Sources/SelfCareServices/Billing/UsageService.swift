import Foundation
import SelfCareCore
import SelfCareStore

/// A line's usage: the open period's consumption and forecast, and its records period by period, rated with the same
/// function as the bill run, or as its bill froze them once billed.
package struct UsageService: Sendable {
    let database: Database
    package let clock: any WallClock

    /// Current consumption of one line: the open period rated with the same function as the bill run.
    package struct Consumption: Sendable {
        package var period: BillingPeriod
        package var plan: TariffPlan
        package var rating: LineRating
    }

    /// The open period's consumption of an account the caller already may see, rated with the version of its plan
    /// in force on the period's first day (the one the bill run will use).
    package func consumption(of account: AccountView) async throws -> Consumption {
        let period = BillingPeriod(containing: clock.now())
        let code = account.account.line.planCode
        let (version, records) = try await database.read { db in
            (try await PlanRepository().version(code: code, inForceOn: period.firstDay, on: db),
             try await UsageRepository().records(accountRowID: account.row.id, msisdn: account.account.line.msisdn, period: period, on: db))
        }
        guard let plan = version?.plan else { throw SubscriberError.unknownPlan(code) }
        return Consumption(period: period, plan: plan, rating: UsageRater.rate(records, plan: plan))
    }

    /// The bill `consumption`'s period is heading for (CONTRACT §9 `forecast`): the fee plus out-of-bundle charges so far
    /// projected over the period from the days elapsed, with VAT.
    package func forecast(_ consumption: Consumption) -> Money {
        BillForecast.total(monthlyFee: consumption.plan.monthlyFee, usageCharges: consumption.rating.usageCharges,
                           period: consumption.period, today: CalendarDay(containing: clock.now()))
    }

    /// A period's rated records of an account: as its bill froze them once billed, else rated now with the version of
    /// its plan in force on the period's first day.
    package func ratedRecords(of account: AccountView, period: BillingPeriod) async throws -> [RatedUsage] {
        let msisdn = account.account.line.msisdn
        let code = account.account.line.planCode
        let (frozen, version, records) = try await database.read { db -> ([RatedUsage]?, StoredPlanVersion?, [UsageRecord]) in
            let usage = UsageRepository()
            if let billID = try await BillQueries().billID(accountRowID: account.row.id, period: period, on: db),
               let frozen = try await BillingRepository().billUsage(billID: billID, msisdn: msisdn, on: db) {
                return (frozen, nil, [])
            }
            return (nil, try await PlanRepository().version(code: code, inForceOn: period.firstDay, on: db),
                    try await usage.records(accountRowID: account.row.id, msisdn: msisdn, period: period, on: db))
        }
        if let frozen { return frozen }
        guard let plan = version?.plan else { throw SubscriberError.unknownPlan(code) }
        return UsageRater.rate(records, plan: plan).records
    }

    /// A billed period's records of an account as its bill froze them.
    func billedRecords(of account: StoredAccount, bill: StoredBill) async throws -> [RatedUsage] {
        let msisdn = account.account.line.msisdn
        guard let frozen = try await database.read({ db in try await BillingRepository().billUsage(billID: bill.id, msisdn: msisdn, on: db) })
        else { throw SubscriberError.notFrozen(bill.billNo) }
        return frozen
    }

    /// True when the account has a bill for the period (its records are billed).
    package func isBilled(_ account: AccountView, period: BillingPeriod) async throws -> Bool {
        try await database.read { db in try await BillQueries().hasBill(accountRowID: account.row.id, period: period, on: db) }
    }

    /// The most periods one usage query may span.
    package static let maximumUsagePeriods = 13

    /// One page of a line's records from `from` to `to` (whole days), newest first, each with its charge and whether it
    /// was billed, and how many there are in all. The page is chosen in SQL; only the periods it touches are rated.
    package func usagePage(
        of account: AccountView, from: CalendarDay, to: CalendarDay, offset: Int, limit: Int
    ) async throws -> (records: [(usage: RatedUsage, billed: Bool)], total: Int) {
        var periods: [BillingPeriod] = []
        var period = from.period
        while period <= to.period && periods.count < Self.maximumUsagePeriods {
            periods.append(period)
            period = period.next
        }
        let (start, end, spanned) = (from.start, to.adding(days: 1).start, periods)
        let msisdn = account.account.line.msisdn
        let (page, total) = try await database.read { db in
            let repository = UsageRepository()
            return (try await repository.page(accountRowID: account.row.id, msisdn: msisdn, periods: spanned, from: start, to: end,
                                              offset: offset, limit: limit, on: db),
                    try await repository.count(accountRowID: account.row.id, periods: spanned, from: start, to: end, on: db))
        }
        var rated: [String: (usage: RatedUsage, billed: Bool)] = [:]
        for period in Set(page.map(\.period)) {
            let billed = try await isBilled(account, period: period)
            for usage in try await ratedRecords(of: account, period: period) { rated[usage.record.recordID] = (usage, billed) }
        }
        return (page.compactMap { rated[$0.recordID] }, total)
    }
}
