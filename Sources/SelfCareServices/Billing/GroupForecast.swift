import Foundation
import SelfCareCore
import SelfCareStore

/// This month's bill as it is heading for every line a client login sees.
package struct GroupForecast: Sendable, Hashable {
    /// Lines billed this period.
    package var lines: Int
    /// Out-of-bundle charges so far, without VAT.
    package var charged: Money
    /// The sum of each line's forecast, with VAT.
    package var total: Money
}

extension UsageService {
    /// The forecast over all of a client's lines, each rated with the plan version in force, reading the records of
    /// 500 lines per query; nil for a login of one line.
    package func groupForecast(_ identity: AuthenticatedUser) async throws -> GroupForecast? {
        guard case .client(let clientRowID) = identity.user.scope else { return nil }
        let now = clock.now()
        let period = BillingPeriod(containing: now)
        let today = CalendarDay(containing: now)
        let (plans, accounts) = try await database.read { db in
            (try await PlanRepository().versionsInForce(on: period.firstDay, on: db),
             try await CustomerRepository().accounts(ofClient: clientRowID, on: db))
        }
        var forecast = GroupForecast(lines: 0, charged: .zero, total: .zero)
        let billed = accounts.filter { BillAmounts.isBilled(activatedOn: $0.account.line.activatedOn, in: period) }
        for chunk in billed.chunked(into: 500) {
            let lines = try await LineRatings.rate(Array(chunk), plans: plans, period: period, in: database) { account in
                SubscriberError.unknownPlan(account.account.line.planCode)
            }
            for line in lines.values {
                let charges = line.rating.usageCharges
                forecast.lines += 1
                forecast.charged = forecast.charged + charges
                forecast.total = forecast.total + BillForecast.total(
                    monthlyFee: line.version.plan.monthlyFee, usageCharges: charges, period: period, today: today)
            }
        }
        return forecast
    }
}
