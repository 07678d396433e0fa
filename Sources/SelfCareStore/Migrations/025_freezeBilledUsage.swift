import SelfCareCore
import SQLKit

extension Migration {
    /// Bills issued before their records were kept with them get them: each billed line's records are rated once with
    /// the plan version of its bill and stored, so its documents never rate again.
    static let freezeBilledUsage = Migration(25, "freezeBilledUsage", [], data: { db in
        let bills = try await db.raw("""
            SELECT b.id, b.account_id, b.period, b.plan_version_id, a.msisdn FROM bills b JOIN accounts a ON a.id = b.account_id
            WHERE b.plan_version_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM bill_usage u WHERE u.bill_id = b.id)
            """).all()
        let (usage, billing, plans) = (UsageRepository(), BillingRepository(), PlanRepository())
        for bill in bills {
            guard let version = try await plans.version(id: try bill.value("plan_version_id"), on: db) else { continue }
            let period = try BillingPeriod(try bill.value("period", as: String.self))
            let records = try await usage.records(accountRowID: try bill.value("account_id"), msisdn: try MSISDN(try bill.value("msisdn", as: String.self)),
                                                  period: period, on: db)
            try await billing.insertBillUsage([(try bill.value("id"), UsageRater.rate(records, plan: version.plan).records)], on: db)
        }
    })
}
