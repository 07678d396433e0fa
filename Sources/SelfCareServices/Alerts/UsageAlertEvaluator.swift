import Foundation
import SelfCareCore
import SelfCareStore

/// Checks lines' usage against their alert settings after usage arrives (or settings change) and queues each level
/// reached for the first time in the period: an SMS or e-mail in the subscriber's language, through the outbox, in the
/// transaction that records the level, so a level is sent once and only once.
package struct UsageAlertEvaluator: Sendable {
    private let database: Database
    private let operatorName: String
    private let portalURL: String
    private let alerts = UsageAlertRepository()

    package init(database: Database, operatorName: String, portalURL: String) {
        self.database = database
        self.operatorName = operatorName
        self.portalURL = portalURL
    }

    /// Evaluates these lines in these periods (closed periods are skipped); returns the number of messages queued.
    @discardableResult
    package func evaluate(_ lines: [BillingPeriod: Set<Int64>], now: Date) async throws -> Int {
        var queued = 0
        for period in lines.keys.sorted() {
            let closed = try await database.read { db in
                try await BillingRepository().isClosed(period, on: db)
            }
            guard !closed, let accountRowIDs = lines[period], !accountRowIDs.isEmpty else { continue }
            let plans = try await database.read { db in try await PlanRepository().versionsInForce(on: period.firstDay, on: db) }
            for chunk in accountRowIDs.sorted().chunked(into: Self.linesPerTransaction) {
                queued += try await evaluate(Array(chunk), period: period, plans: plans, now: now)
            }
        }
        return queued
    }

    /// Lines checked per transaction.
    static let linesPerTransaction = 500

    private func evaluate(_ accountRowIDs: [Int64], period: BillingPeriod, plans: [String: StoredPlanVersion], now: Date) async throws -> Int {
        let (accounts, stored) = try await database.read { db in
            (try await CustomerRepository().accounts(rowIDs: accountRowIDs, on: db),
             try await alerts.settings(accountRowIDs: accountRowIDs, on: db))
        }
        let msisdns = Dictionary(uniqueKeysWithValues: accounts.map { ($0.id, $0.account.line.msisdn) })
        let records = try await UsageRepository.recordsByAccount(period: period, msisdns: msisdns, in: database)
        var checks: [LineCheck] = []
        for account in accounts {
            guard let plan = plans[account.account.line.planCode]?.plan else { continue }
            let settings = stored[account.id] ?? .standard
            let rating = UsageRater.rate(records[account.id] ?? [], plan: plan)
            let buckets = UsageAlertLevels.buckets(of: rating)
            let charged = rating.usageCharges + rating.usageCharges.percentage(BillAmounts.vatPercent)
            let levels = UsageAlertLevels.reached(buckets: buckets, outOfBundleWithVAT: charged, settings: settings)
            guard !levels.isEmpty || stored[account.id] != nil else { continue }
            checks.append(LineCheck(account: account, settings: settings, customised: stored[account.id] != nil, buckets: buckets,
                                    charged: charged, levels: levels))
        }
        guard !checks.isEmpty else { return 0 }
        let found = checks
        return try await database.transaction { db in
            let contacts = try await UserRepository().contacts(
                accountRowIDs: found.map(\.account.id), clientRowIDs: Array(Set(found.map(\.account.clientRowID))), on: db)
            var messages: [NewOutboxMessage] = []
            var reached: [(account: StoredAccount, level: AlertLevel)] = []
            for check in found {
                let account = check.account
                if check.customised {
                    try await alerts.recordSpend(accountRowID: account.id, period: period, charged: check.charged,
                                                 limit: check.settings.spendLimit, now: now, on: db)
                }
                let fresh = try await alerts.markReached(check.levels, accountRowID: account.id, period: period, now: now, on: db)
                let contact = contacts.byAccount[account.id] ?? contacts.byClient[account.clientRowID]
                for level in fresh {
                    reached.append((account, level))
                    messages += Notices.usageAlert(UsageAlertNotice(
                        level: level, msisdn: account.account.line.msisdn, period: period,
                        use: check.buckets.first { AlertSubject($0.bucket) == level.subject }, charged: check.charged,
                        limit: check.settings.spendLimit, channels: check.settings.channels, email: contact?.email,
                        accountRowID: account.id, clientRowID: account.clientRowID, operatorName: operatorName, portalURL: portalURL),
                        language: contact?.language ?? .default)
                }
            }
            try await OutboxRepository().enqueue(messages, now: now, on: db)
            try await HubPublisher().publish(.usageThreshold, accounts: reached.map { reached in
                (reached.account.id, reached.account.clientRowID, {
                    HubEvents.thresholdReached(accountID: reached.account.account.id.rawValue, period: period, level: reached.level, now: now)
                })
            }, now: now, on: db)
            return messages.count
        }
    }
}

/// One line's usage against its settings, worked out before the transaction that records it.
private struct LineCheck: Sendable {
    var account: StoredAccount
    var settings: UsageAlertSettings
    var customised: Bool
    var buckets: [BucketUse]
    var charged: Money
    var levels: [AlertLevel]
}
