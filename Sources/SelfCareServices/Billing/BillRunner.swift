import Foundation
import SelfCareCore
import SelfCareStore
import SQLKit

/// What the "bill ready" notification needs to say.
package struct BillReadyNotice: Sendable {
    package var billNo: String
    package var accountID: AccountID
    package var msisdn: MSISDN
    package var period: BillingPeriod
    package var total: Money
    package var dueDate: CalendarDay
    package var accountRowID: Int64
    package var clientRowID: Int64
}

/// Closes a billing period (CONTRACT §5): one bill per billed line, one group bill per client with two or more,
/// whole clients per transaction (small clients share one) so a crash leaves every client fully billed or not at all.
package struct BillRunner: Sendable {
    package enum Outcome: Sendable, Equatable {
        case closed(PeriodSummary)
        case alreadyClosed(PeriodSummary)
    }

    private let database: Database
    private let announces: Bool
    private let billing = BillingRepository()
    private let customers = CustomerRepository()

    /// `announces`: each new bill is announced by SMS to its line (queued in the bill's transaction) and marked `sent`.
    package init(database: Database, announces: Bool = true) {
        self.database = database
        self.announces = announces
    }

    /// Bills every line of `period` not billed yet, then closes the period; `progress` gets the fraction done.
    package func run(period: BillingPeriod, now: Date, progress: @escaping @Sendable (Double) -> Void = { _ in }) async throws -> Outcome {
        if try await database.read({ db in try await billing.isClosed(period, on: db) }) {
            return .alreadyClosed(try await database.read { db in try await billing.summary(of: period, on: db) })
        }
        guard period.start <= now else { throw BillRunError.periodNotStarted(period) }
        // From here on no usage is accepted for the period: what the run reads is all it will have.
        try await database.transaction { db in try await billing.beginClosing(period, now: now, on: db) }
        // A period is rated with the version of each plan in force on its first day.
        let (plans, accounts) = try await database.read { db in
            (try await PlanRepository().versionsInForce(on: period.firstDay, on: db), try await customers.allAccounts(on: db))
        }
        let byClient = Dictionary(grouping: accounts.filter {
            BillAmounts.isBilled(activatedOn: $0.account.line.activatedOn, in: period)
        }, by: \.clientRowID)
        // Small clients share a transaction; a client is never split across two, so each is billed whole or not at all.
        var batches: [[(client: Int64, accounts: [StoredAccount])]] = [[]]
        var batchSize = 0
        for client in byClient.keys.sorted() {
            let clientAccounts = byClient[client]!
            if batchSize > 0, batchSize + clientAccounts.count > Self.accountsPerTransaction {
                batches.append([])
                batchSize = 0
            }
            batches[batches.count - 1].append((client, clientAccounts))
            batchSize += clientAccounts.count
        }
        var done = 0
        let work = batches.filter { !$0.isEmpty }
        // The next batch's records are read while this one is billed: the period is marked as closing, so no record can be
        // added meanwhile.
        var next = work.first.map { prefetch($0, period: period) }
        for (index, batch) in work.enumerated() {
            let records = try await next?.value ?? [:]
            next = index + 1 < work.count ? prefetch(work[index + 1], period: period) : nil
            try await database.transaction { db in
                try await self.bill(batch, records: records, plans: plans, period: period, now: now, on: db)
            }
            done += batch.reduce(0) { $0 + $1.accounts.count }
            progress(Double(done) / Double(max(byClient.values.reduce(0) { $0 + $1.count }, 1)))
        }
        let summary = try await database.transaction { db in
            if try await billing.isClosed(period, on: db) { return try await billing.summary(of: period, on: db) }
            return try await billing.closePeriod(period, now: now, on: db)
        }
        return .closed(summary)
    }

    /// The records of a batch's accounts, read below SQLKit (a direct SQLite connection, or rows decoded by position on
    /// PostgreSQL).
    private func prefetch(
        _ batch: [(client: Int64, accounts: [StoredAccount])], period: BillingPeriod
    ) -> Task<[Int64: [UsageRecord]], any Error> {
        let database = self.database
        let msisdns = Dictionary(uniqueKeysWithValues: batch.flatMap(\.accounts).map { ($0.id, $0.account.line.msisdn) })
        return Task { try await UsageRepository.recordsByAccount(period: period, msisdns: msisdns, in: database) }
    }

    /// Accounts billed per transaction (a larger client still gets one transaction of its own).
    static let accountsPerTransaction = 500

    private func bill(
        _ batch: [(client: Int64, accounts: [StoredAccount])], records: [Int64: [UsageRecord]],
        plans: [String: StoredPlanVersion], period: BillingPeriod, now: Date, on db: any SQLDatabase
    ) async throws {
        let clientIDs = batch.map(\.client)
        let alreadyBilled = try await billing.billedAccounts(clientRowIDs: clientIDs, period: period, on: db)
        let pending = batch.flatMap { client in
            client.accounts.filter { !alreadyBilled.contains($0.id) }.sorted { $0.account.id < $1.account.id }
        }
        guard !pending.isEmpty else { return }
        let msisdns = Dictionary(uniqueKeysWithValues: pending.map { ($0.id, $0.account.line.msisdn) })

        var groupBills: [Int64: Int64] = [:]
        for (client, accounts) in batch where accounts.count >= 2 && accounts.contains(where: { !alreadyBilled.contains($0.id) }) {
            if let existing = try await billing.groupBillID(clientRowID: client, period: period, on: db) {
                groupBills[client] = existing
            } else {
                let number = try await billing.reserveNumbers("groupBill", count: 1, on: db)
                groupBills[client] = try await billing.insertGroupBill(
                    number: Self.number("G", period, number), clientRowID: client, period: period,
                    accountCount: 0, total: .zero, now: now, on: db)
            }
        }

        let first = try await billing.reserveNumbers("bill", count: pending.count, on: db)
        // Each bill is announced in the language of the line's own login, else of its client's, else the default.
        let languages: (byAccount: [Int64: Language], byClient: [Int64: Language]) = announces
            ? try await UserRepository().languages(accountRowIDs: pending.map(\.id), clientRowIDs: clientIDs, on: db) : ([:], [:])
        var bills: [NewBill] = []
        var messages: [NewOutboxMessage] = []
        var rated: [String: [RatedUsage]] = [:]
        bills.reserveCapacity(pending.count)
        for (offset, account) in pending.enumerated() {
            guard let version = plans[account.account.line.planCode] else {
                throw BillRunError.unknownPlan(account.account.line.planCode, account: account.account.id)
            }
            let rating = UsageRater.rate(records[account.id] ?? [], plan: version.plan)
            let amounts = BillAmounts(monthlyFee: version.plan.monthlyFee, rating: rating)
            let number = Self.number("B", period, first + Int64(offset))
            rated[number] = rating.records
            let notice = BillReadyNotice(
                billNo: number, accountID: account.account.id, msisdn: account.account.line.msisdn, period: period,
                total: amounts.total, dueDate: BillAmounts.dueDate(for: period), accountRowID: account.id, clientRowID: account.clientRowID)
            let language = languages.byAccount[account.id] ?? languages.byClient[account.clientRowID] ?? .default
            let notices = announces ? Notices.billReady(notice, language: language) : []
            messages += notices
            bills.append(NewBill(number: number, account: account, planVersionID: version.id, amounts: amounts,
                                 state: notices.isEmpty ? .new : .sent, groupBillID: groupBills[account.clientRowID]))
        }
        let ids = try await billing.insertBills(bills, period: period, now: now, on: db)
        // What each record cost is kept with its bill, in the same transaction: the bill's documents read it back as issued.
        try await billing.insertBillUsage(bills.map { (ids[$0.number]!, rated[$0.number] ?? []) }, on: db)
        try await OutboxRepository().enqueue(messages, now: now, on: db)
        for (client, groupBillID) in groupBills {
            try await billing.gatherGroupBill(groupBillID, clientRowID: client, period: period, on: db)
        }
    }

    /// `B202610-0000042`: a prefix, the period and a sequence number unique across periods.
    static func number(_ prefix: String, _ period: BillingPeriod, _ sequence: Int64) -> String {
        let digits = String(sequence)
        return "\(prefix)\(period.year)\(period.month < 10 ? "0" : "")\(period.month)-"
            + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
    }
}

package enum BillRunError: Error, Sendable, CustomStringConvertible {
    case periodNotStarted(BillingPeriod)
    case unknownPlan(String, account: AccountID)

    package var description: String {
        switch self {
        case .periodNotStarted(let period): "period \(period) has not started yet"
        case .unknownPlan(let code, let account): "account \(account) has plan '\(code)', which is not a known tariff plan"
        }
    }
}
