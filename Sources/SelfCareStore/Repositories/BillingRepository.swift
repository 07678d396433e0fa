import Foundation
import SelfCareCore
import SQLKit
import Synchronization

/// A bill as stored.
package struct StoredBill: Sendable, Hashable {
    package var id: Int64
    package var billNo: String
    package var accountRowID: Int64
    package var accountID: String
    package var clientRowID: Int64
    package var clientRef: String
    package var groupBillID: Int64?
    package var period: String
    package var planCode: String
    /// The plan version the bill was issued with.
    package var planVersionID: Int64?
    package var monthlyFee: Money
    package var usageCharges: Money
    package var amountExcludingVAT: Money
    package var vat: Money
    package var total: Money
    package var paid: Money
    package var state: BillState
    package var billDate: String
    package var dueDate: String

    package var remaining: Money { total - paid }
}

/// Bills, group bills and closed periods.
package struct BillingRepository: Sendable {
    package init() {}

    package func closedPeriods(on db: any SQLDatabase) async throws -> Set<String> {
        Set(try await db.raw("SELECT period FROM billing_periods").all().map { try $0.value("period", as: String.self) })
    }

    /// The periods billed or being billed: no usage, and no plan version, may be added to them any more. On
    /// PostgreSQL the table is share-locked for the caller's transaction, so a bill run starting meanwhile waits for it.
    package func closingPeriods(on db: any SQLDatabase) async throws -> Set<String> {
        if db.dialect.name == "postgresql" { try await db.raw("LOCK TABLE period_closings IN SHARE MODE").run() }
        return Set(try await db.raw("SELECT period FROM period_closings").all().map { try $0.value("period", as: String.self) })
    }

    /// Marks `period` as being billed (once; a bill run started again finds it marked).
    package func beginClosing(_ period: BillingPeriod, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO period_closings (period, started_at) VALUES (\(bind: period.description), \(bind: now.storedSeconds))
            ON CONFLICT (period) DO NOTHING
            """).run()
    }

    package func isClosed(_ period: BillingPeriod, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT period FROM billing_periods WHERE period = \(bind: period.description)").first() != nil
    }

    /// Every (account, period) pair that has a bill.
    package func billedAccountPeriods(on db: any SQLDatabase) async throws -> Set<BilledKey> {
        var keys = Set<BilledKey>()
        for row in try await db.raw("SELECT account_id, period FROM bills").all() {
            keys.insert(BilledKey(accountRowID: try row.value("account_id"), period: try row.value("period")))
        }
        return keys
    }

    /// Row ids of every account billed for `period`.
    package func billedAccounts(period: BillingPeriod, on db: any SQLDatabase) async throws -> Set<Int64> {
        let rows = try await db.raw("SELECT account_id FROM bills WHERE period = \(bind: period.description)").all()
        return Set(try rows.map { try $0.value("account_id", as: Int64.self) })
    }

    /// Of these clients, those this transaction may bill: on PostgreSQL each is row-locked until it ends, and clients
    /// another bill run holds are skipped (`FOR UPDATE SKIP LOCKED`); SQLite's writer takes them all, one run at a time.
    package func claimClients(_ clientRowIDs: [Int64], on db: any SQLDatabase) async throws -> Set<Int64> {
        guard db.isPostgres else { return Set(clientRowIDs) }
        var claimed = Set<Int64>()
        for chunk in clientRowIDs.chunked(into: 500) {
            let rows = try await db.raw("""
                SELECT id FROM clients WHERE id IN \(SQLBindList(chunk)) ORDER BY id FOR UPDATE SKIP LOCKED
                """).all()
            for row in rows { claimed.insert(try row.value("id")) }
        }
        return claimed
    }

    /// Waits for any other transaction closing `period` (PostgreSQL), so a period is closed once.
    package func lockClosing(_ period: BillingPeriod, on db: any SQLDatabase) async throws {
        _ = try await db.raw("SELECT period FROM period_closings WHERE period = \(bind: period.description)\(unsafeRaw: db.forUpdate)").all()
    }

    /// Row ids of the accounts of these clients already billed for `period`.
    package func billedAccounts(clientRowIDs: [Int64], period: BillingPeriod, on db: any SQLDatabase) async throws -> Set<Int64> {
        var result = Set<Int64>()
        for chunk in clientRowIDs.chunked(into: 500) {
            let rows = try await db.raw("""
                SELECT account_id FROM bills WHERE period = \(bind: period.description) AND client_id IN \(SQLBindList(chunk))
                """).all()
            for row in rows { result.insert(try row.value("account_id")) }
        }
        return result
    }

    /// Stores bills and their usage lines with a few multi-row statements; returns each bill's row id by number.
    @discardableResult
    package func insertBills(_ bills: [NewBill], period: BillingPeriod, now: Date, on db: any SQLDatabase) async throws -> [String: Int64] {
        let billDate = BillAmounts.billDate(for: period).description
        let dueDate = BillAmounts.dueDate(for: period).description
        var ids: [String: Int64] = [:]
        for chunk in bills.chunked(into: 200) {
            var query = SQLQueryString("""
                INSERT INTO bills (bill_no, account_id, client_id, group_bill_id, period, plan_code, plan_version_id, monthly_fee_cents,
                    usage_cents, excl_vat_cents, vat_cents, total_cents, paid_cents, state, bill_date, due_date, created_at) VALUES
                """)
            for (index, bill) in chunk.enumerated() {
                let amounts = bill.amounts
                query.appendInterpolation(index == 0 ? " " as SQLQueryString : ", " as SQLQueryString)
                query.appendInterpolation("""
                    (\(bind: bill.number), \(bind: bill.account.id), \(bind: bill.account.clientRowID), \(bind: bill.groupBillID),
                    \(bind: period.description), \(bind: bill.account.account.line.planCode), \(bind: bill.planVersionID),
                    \(bind: amounts.monthlyFee.cents),
                    \(bind: amounts.usageCharges.cents), \(bind: amounts.amountExcludingVAT.cents), \(bind: amounts.vat.cents),
                    \(bind: amounts.total.cents), 0, \(bind: bill.state.rawValue), \(bind: billDate), \(bind: dueDate), \(bind: now.storedSeconds))
                    """ as SQLQueryString)
            }
            query.appendInterpolation(" RETURNING id, bill_no" as SQLQueryString)
            for row in try await db.raw(query).all() { ids[try row.value("bill_no")] = try row.value("id") }
        }
        let lines = bills.flatMap { bill in bill.amounts.lines.map { (ids[bill.number]!, $0) } }
        for chunk in lines.chunked(into: 500) {
            var query = SQLQueryString("INSERT INTO bill_lines (bill_id, charge_class, records, quantity, included_quantity, amount_cents) VALUES")
            for (index, (billID, line)) in chunk.enumerated() {
                query.appendInterpolation(index == 0 ? " " as SQLQueryString : ", " as SQLQueryString)
                query.appendInterpolation("""
                    (\(bind: billID), \(bind: line.chargeClass.rawValue), \(bind: line.records), \(bind: line.quantity),
                    \(bind: line.includedQuantity), \(bind: line.amount.cents))
                    """ as SQLQueryString)
            }
            try await db.raw(query).run()
        }
        return ids
    }

    /// Keeps with each bill its rated records as the bill run computed them.
    package func insertBillUsage(_ usage: [(billID: Int64, records: [RatedUsage])], on db: any SQLDatabase) async throws {
        for chunk in usage.chunked(into: 200) {
            var query = SQLQueryString("INSERT INTO bill_usage (bill_id, records, data) VALUES")
            for (index, item) in chunk.enumerated() {
                query.appendInterpolation(index == 0 ? " " as SQLQueryString : ", " as SQLQueryString)
                let data = Data(RatedUsageArchive.encode(item.records))
                query.appendInterpolation("(\(bind: item.billID), \(bind: Int64(item.records.count)), \(bind: data))" as SQLQueryString)
            }
            try await db.raw(query).run()
        }
    }

    /// A bill's rated records as it was issued; nil when none were kept.
    package func billUsage(billID: Int64, msisdn: MSISDN, on db: any SQLDatabase) async throws -> [RatedUsage]? {
        guard let row = try await db.raw("SELECT data FROM bill_usage WHERE bill_id = \(bind: billID)").first() else { return nil }
        return try RatedUsageArchive.decode(try row.decode(column: "data", as: Data.self), msisdn: msisdn)
    }

    /// Takes the next `count` numbers of a named counter and returns the first.
    package func reserveNumbers(_ counter: String, count: Int, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("INSERT INTO counters (name, value) VALUES (\(bind: counter), 0) ON CONFLICT (name) DO NOTHING").run()
        let row = try await db.raw("""
            UPDATE counters SET value = value + \(bind: Int64(count)) WHERE name = \(bind: counter) RETURNING value
            """).first()
        let last: Int64 = try row!.value("value")
        return last - Int64(count) + 1
    }

    package func insertGroupBill(
        number: String, clientRowID: Int64, period: BillingPeriod, accountCount: Int, total: Money, now: Date, on db: any SQLDatabase
    ) async throws -> Int64 {
        let row = try await db.raw("""
            INSERT INTO group_bills (group_bill_no, client_id, period, account_count, total_cents, paid_cents, state, bill_date,
                due_date, created_at)
            VALUES (\(bind: number), \(bind: clientRowID), \(bind: period.description), \(bind: Int64(accountCount)),
                \(bind: total.cents), 0, 'sent', \(bind: BillAmounts.billDate(for: period).description),
                \(bind: BillAmounts.dueDate(for: period).description), \(bind: now.storedSeconds))
            RETURNING id
            """).first()
        return try row!.value("id")
    }

    package func groupBillID(clientRowID: Int64, period: BillingPeriod, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            SELECT id FROM group_bills WHERE client_id = \(bind: clientRowID) AND period = \(bind: period.description)
            """).first().map { try $0.value("id") }
    }

    /// Makes every bill of the client and period a member of the group bill and sets its count and total from them.
    package func gatherGroupBill(_ groupBillID: Int64, clientRowID: Int64, period: BillingPeriod, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE bills SET group_bill_id = \(bind: groupBillID)
            WHERE client_id = \(bind: clientRowID) AND period = \(bind: period.description)
            """).run()
        try await db.raw("""
            UPDATE group_bills SET
                account_count = (SELECT COUNT(*) FROM bills WHERE group_bill_id = \(bind: groupBillID)),
                total_cents = (SELECT COALESCE(SUM(total_cents), 0) FROM bills WHERE group_bill_id = \(bind: groupBillID))
            WHERE id = \(bind: groupBillID)
            """).run()
    }

    /// Marks a period closed with its totals, computed from its bills.
    /// Closes `period`, recording its totals and, when known, how long its bill run took.
    package func closePeriod(_ period: BillingPeriod, now: Date, runMilliseconds: Int64? = nil, on db: any SQLDatabase) async throws -> PeriodSummary {
        let summary = try await summary(of: period, on: db)
        try await db.raw("""
            INSERT INTO billing_periods (period, closed_at, bills, group_bills, total_cents, run_milliseconds)
            VALUES (\(bind: period.description), \(bind: now.storedSeconds), \(bind: Int64(summary.bills)),
                \(bind: Int64(summary.groupBills)), \(bind: summary.total.cents), \(bind: runMilliseconds))
            """).run()
        return summary
    }

    /// Counts and total of a period's bills.
    package func summary(of period: BillingPeriod, on db: any SQLDatabase) async throws -> PeriodSummary {
        let bills = try await db.raw("""
            SELECT COUNT(*) AS n, CAST(COALESCE(SUM(total_cents), 0) AS BIGINT) AS total FROM bills
            WHERE period = \(bind: period.description)
            """).first()
        let groups = try await db.raw("SELECT COUNT(*) AS n FROM group_bills WHERE period = \(bind: period.description)").first()
        return PeriodSummary(
            period: period.description, bills: Int(try bills!.value("n", as: Int64.self)),
            groupBills: Int(try groups!.value("n", as: Int64.self)), total: Money(cents: try bills!.value("total")))
    }

    /// A period's bills in bill number order, for the finance export.
    /// A row that cannot be read stops the export with its error instead of being left out silently.
    package func forEachBill(period: BillingPeriod, on db: any SQLDatabase, _ body: @escaping @Sendable (StoredBill) -> Void) async throws {
        let failure = Mutex<(any Error)?>(nil)
        try await db.raw("\(unsafeRaw: Self.billSelect) WHERE b.period = \(bind: period.description) ORDER BY b.bill_no").run { row in
            guard failure.withLock({ $0 == nil }) else { return }
            do { body(try Self.bill(from: row)) } catch { failure.withLock { $0 = error } }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }

    package static let billSelect = """
        SELECT b.*, a.account_id AS account_code, c.client_ref FROM bills b
        JOIN accounts a ON a.id = b.account_id JOIN clients c ON c.id = b.client_id
        """

    package static func bill(from row: any SQLRow) throws -> StoredBill {
        StoredBill(
            id: try row.value("id"), billNo: try row.value("bill_no"), accountRowID: try row.value("account_id"),
            accountID: try row.value("account_code"), clientRowID: try row.value("client_id"), clientRef: try row.value("client_ref"),
            groupBillID: try row.optional("group_bill_id"), period: try row.value("period"), planCode: try row.value("plan_code"),
            planVersionID: try row.optional("plan_version_id"), monthlyFee: Money(cents: try row.value("monthly_fee_cents")), usageCharges: Money(cents: try row.value("usage_cents")),
            amountExcludingVAT: Money(cents: try row.value("excl_vat_cents")), vat: Money(cents: try row.value("vat_cents")),
            total: Money(cents: try row.value("total_cents")), paid: Money(cents: try row.value("paid_cents")),
            state: BillState(rawValue: try row.value("state")) ?? .new,
            billDate: try row.value("bill_date"), dueDate: try row.value("due_date"))
    }
}

/// A bill about to be stored by the bill run.
package struct NewBill: Sendable {
    package var number: String
    package var account: StoredAccount
    /// The plan version the bill is issued with, which it keeps.
    package var planVersionID: Int64
    package var amounts: BillAmounts
    package var state: BillState
    package var groupBillID: Int64?

    package init(number: String, account: StoredAccount, planVersionID: Int64, amounts: BillAmounts, state: BillState, groupBillID: Int64?) {
        self.number = number
        self.account = account
        self.planVersionID = planVersionID
        self.amounts = amounts
        self.state = state
        self.groupBillID = groupBillID
    }
}

/// `(?, ?, ?)`: a parenthesised list of bound values for `IN`.
struct SQLBindList<Value: Encodable & Sendable>: SQLExpression {
    let values: [Value]

    init(_ values: some Collection<Value>) {
        self.values = Array(values)
    }

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write("(")
        for (index, value) in values.enumerated() {
            if index > 0 { serializer.write(", ") }
            serializer.write(bind: value)
        }
        serializer.write(")")
    }
}

extension Array {
    /// The array cut into consecutive pieces of at most `size` elements.
    package func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
