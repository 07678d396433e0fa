import SelfCareCore
import SelfCareStore

/// Several lines' records of a period, read in one query, each line rated with the version of its plan in force.
enum LineRatings {
    struct Rated: Sendable {
        var version: StoredPlanVersion
        var rating: LineRating
    }

    /// By account row id; `unknownPlan` names the error for a line whose plan has no version in `plans`.
    static func rate(
        _ accounts: [StoredAccount], plans: [String: StoredPlanVersion], period: BillingPeriod, in database: Database,
        unknownPlan: (StoredAccount) -> any Error
    ) async throws -> [Int64: Rated] {
        let msisdns = Dictionary(uniqueKeysWithValues: accounts.map { ($0.id, $0.account.line.msisdn) })
        let records = try await UsageRepository.recordsByAccount(period: period, msisdns: msisdns, in: database)
        var rated: [Int64: Rated] = [:]
        for account in accounts {
            guard let version = plans[account.account.line.planCode] else { throw unknownPlan(account) }
            rated[account.id] = Rated(version: version, rating: UsageRater.rate(records[account.id] ?? [], plan: version.plan))
        }
        return rated
    }
}
