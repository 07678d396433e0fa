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
    private let accountsPerTransaction: Int
    private let billing = BillingRepository()
    private let customers = CustomerRepository()

    /// `announces`: each new bill is announced by SMS to its line (queued in the bill's transaction) and marked `sent`.
    /// `accountsPerTransaction`: lines billed per transaction (a larger client still gets one transaction of its own).
    package init(database: Database, announces: Bool = true, accountsPerTransaction: Int = 500) {
        self.database = database
        self.announces = announces
        self.accountsPerTransaction = max(accountsPerTransaction, 1)
    }

    /// Bills every line of `period` not billed yet, then closes the period; `progress` gets the fraction done.
    /// `workers` batches are read and rated at once while the bills of an earlier one are written. Several runs may
    /// bill one period together (on PostgreSQL, from several processes or machines): each claims the clients it bills,
    /// `share` spreads where each starts, and every run waits until each line is billed, by it or another, and closes.
    package func run(
        period: BillingPeriod, now: Date, workers: Int = 1, share: BillRunShare = .whole,
        progress: @escaping @Sendable (Double) -> Void = { _ in }
    ) async throws -> Outcome {
        if try await database.read({ db in try await billing.isClosed(period, on: db) }) {
            return .alreadyClosed(try await database.read { db in try await billing.summary(of: period, on: db) })
        }
        guard period.start <= now else { throw BillRunError.periodNotStarted(period) }
        let started = ContinuousClock.now
        // From here on no usage is accepted for the period: what the run reads is all it will have.
        try await database.transaction { db in try await billing.beginClosing(period, now: now, on: db) }
        // A period is rated with the version of each plan in force on its first day.
        let (plans, accounts) = try await database.read { db in
            (try await PlanRepository().versionsInForce(on: period.firstDay, on: db), try await customers.allAccounts(on: db))
        }
        let byClient = Dictionary(grouping: accounts.filter {
            BillAmounts.isBilled(activatedOn: $0.account.line.activatedOn, in: period)
        }, by: \.clientRowID)
        let total = max(byClient.values.reduce(0) { $0 + $1.count }, 1)
        var pass = 0
        while true {
            let billed = try await database.read { db in try await billing.billedAccounts(period: period, on: db) }
            progress(Double(billed.count) / Double(total))
            let pending = byClient.filter { $0.value.contains { !billed.contains($0.id) } }
            if pending.isEmpty { break }
            // What is left after a pass is being billed by another run: its transactions end, or roll back if it dies.
            if pass > 0 { try await Task.sleep(for: .milliseconds(200)) }
            pass += 1
            try await bill(share.rotated(batches(of: pending)), plans: plans, period: period, now: now, workers: workers) { count in
                progress(Double(billed.count + count) / Double(total))
            }
        }
        let summary = try await database.transaction { db in
            try await billing.lockClosing(period, on: db)
            if try await billing.isClosed(period, on: db) { return try await billing.summary(of: period, on: db) }
            let elapsed = ContinuousClock.now - started
            let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            return try await billing.closePeriod(period, now: now, runMilliseconds: milliseconds, on: db)
        }
        return .closed(summary)
    }

    /// Clients in batches of about `accountsPerTransaction` lines; a client is never split across two, so each is billed
    /// whole or not at all (small clients share one).
    private func batches(of byClient: [Int64: [StoredAccount]]) -> [ClientBatch] {
        var batches: [ClientBatch] = [[]]
        var batchSize = 0
        for client in byClient.keys.sorted() {
            let clientAccounts = byClient[client]!
            if batchSize > 0, batchSize + clientAccounts.count > accountsPerTransaction {
                batches.append([])
                batchSize = 0
            }
            batches[batches.count - 1].append((client, clientAccounts))
            batchSize += clientAccounts.count
        }
        return batches.filter { !$0.isEmpty }
    }

    /// Bills `work` batch by batch, each in a transaction that first claims its clients; `workers` batches are read and
    /// rated ahead while one is written (the period is marked as closing, so no record can be added meanwhile).
    private func bill(
        _ work: [ClientBatch], plans: [String: StoredPlanVersion], period: BillingPeriod, now: Date, workers: Int,
        billedSoFar: @Sendable (Int) -> Void
    ) async throws {
        var ahead: [Task<RatedBatch, any Error>] = []
        var nextToStart = 0
        var billedHere = 0
        defer { ahead.forEach { $0.cancel() } }
        for batch in work {
            while ahead.count < max(workers, 1), nextToStart < work.count {
                ahead.append(rate(work[nextToStart], plans: plans, period: period))
                nextToStart += 1
            }
            let rated = try await ahead.removeFirst().value
            billedHere += try await database.transaction { db in
                let claimed = try await billing.claimClients(batch.map(\.client), on: db)
                return try await self.bill(batch.filter { claimed.contains($0.client) }, rated: rated, period: period, now: now, on: db)
            }
            billedSoFar(billedHere)
        }
    }

    /// What each account of a batch costs, from its records (read below SQLKit: a direct SQLite connection, or rows
    /// decoded by position on PostgreSQL) and the plan version in force.
    private func rate(
        _ batch: ClientBatch, plans: [String: StoredPlanVersion], period: BillingPeriod
    ) -> Task<RatedBatch, any Error> {
        let (database, billing) = (self.database, self.billing)
        return Task {
            // Lines another run billed meanwhile are not rated again.
            let billed = try await database.read { db in
                try await billing.billedAccounts(clientRowIDs: batch.map(\.client), period: period, on: db)
            }
            let accounts = batch.flatMap(\.accounts).filter { !billed.contains($0.id) }
            guard !accounts.isEmpty else { return RatedBatch() }
            let lines = try await LineRatings.rate(accounts, plans: plans, period: period, in: database) { account in
                BillRunError.unknownPlan(account.account.line.planCode, account: account.account.id)
            }
            var rated = RatedBatch()
            for (id, line) in lines {
                rated[id] = RatedAccount(
                    planVersionID: line.version.id, amounts: BillAmounts(monthlyFee: line.version.plan.monthlyFee, rating: line.rating),
                    records: line.rating.records)
            }
            return rated
        }
    }

    /// Bills the accounts of `batch` not billed yet; returns how many it billed.
    private func bill(
        _ batch: ClientBatch, rated ratedAccounts: RatedBatch, period: BillingPeriod, now: Date, on db: any SQLDatabase
    ) async throws -> Int {
        let clientIDs = batch.map(\.client)
        let alreadyBilled = try await billing.billedAccounts(clientRowIDs: clientIDs, period: period, on: db)
        let pending = batch.flatMap { client in
            client.accounts.filter { !alreadyBilled.contains($0.id) }.sorted { $0.account.id < $1.account.id }
        }
        guard !pending.isEmpty else { return 0 }

        var groupBills: [Int64: Int64] = [:]
        for (client, accounts) in batch where accounts.count >= 2 && accounts.contains(where: { !alreadyBilled.contains($0.id) }) {
            if let existing = try await billing.groupBillID(clientRowID: client, period: period, on: db) {
                groupBills[client] = existing
            } else {
                let number = try await billing.reserveNumbers("groupBill", count: 1, on: db)
                groupBills[client] = try await billing.insertGroupBill(
                    number: DocumentNumber.forPeriod("G", period, number), clientRowID: client, period: period,
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
            let priced = ratedAccounts[account.id]!
            let amounts = priced.amounts
            let number = DocumentNumber.forPeriod("B", period, first + Int64(offset))
            rated[number] = priced.records
            let notice = BillReadyNotice(
                billNo: number, accountID: account.account.id, msisdn: account.account.line.msisdn, period: period,
                total: amounts.total, dueDate: BillAmounts.dueDate(for: period), accountRowID: account.id, clientRowID: account.clientRowID)
            let language = languages.byAccount[account.id] ?? languages.byClient[account.clientRowID] ?? .default
            let notices = announces ? Notices.billReady(notice, language: language) : []
            messages += notices
            bills.append(NewBill(number: number, account: account, planVersionID: priced.planVersionID, amounts: amounts,
                                 state: notices.isEmpty ? .new : .sent, groupBillID: groupBills[account.clientRowID]))
        }
        let ids = try await billing.insertBills(bills, period: period, now: now, on: db)
        // What each record cost is kept with its bill, in the same transaction: the bill's documents read it back as issued.
        try await billing.insertBillUsage(bills.map { (ids[$0.number]!, rated[$0.number] ?? []) }, on: db)
        try await OutboxRepository().enqueue(messages, now: now, on: db)
        try await HubPublisher().publish(.customerBillCreate, accounts: bills.map { bill in
            (bill.account.id, bill.account.clientRowID, {
                HubEvents.billCreated(billNo: bill.number, accountID: bill.account.account.id.rawValue, period: period,
                                      amounts: bill.amounts, state: bill.state, now: now)
            })
        }, now: now, on: db)
        for (client, groupBillID) in groupBills {
            try await billing.gatherGroupBill(groupBillID, clientRowID: client, period: period, on: db)
        }
        return pending.count
    }

}

/// An account's bill amounts and priced records, worked out before its transaction.
private struct RatedAccount: Sendable {
    var planVersionID: Int64
    var amounts: BillAmounts
    var records: [RatedUsage]
}

private typealias RatedBatch = [Int64: RatedAccount]

/// Clients billed in one transaction, each with its lines.
private typealias ClientBatch = [(client: Int64, accounts: [StoredAccount])]

/// Which part of a period's clients a run starts with when several bill it together: run `slot` of `count` starts
/// `slot / count` of the way through, so runs meet only at the end, where claims sort out who bills what.
package struct BillRunShare: Sendable, Equatable {
    package var slot: Int
    package var count: Int

    package static let whole = BillRunShare(slot: 0, count: 1)

    package init(slot: Int, count: Int) {
        precondition(count >= 1 && (0..<count).contains(slot), "a share is a slot from 0 to count - 1")
        self.slot = slot
        self.count = count
    }

    func rotated<Element>(_ items: [Element]) -> [Element] {
        let start = items.count * slot / count
        return Array(items[start...] + items[..<start])
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
