import Foundation
import SelfCareCore
import SQLKit

/// A group bill as stored.
package struct StoredGroupBill: Sendable, Hashable {
    package var id: Int64
    package var groupBillNo: String
    package var clientRowID: Int64
    package var clientRef: String
    package var period: String
    package var accountCount: Int
    package var total: Money
    package var paid: Money
    package var state: BillState
    package var billDate: String
    package var dueDate: String

    package var remaining: Money { total - paid }
}

/// An account with what it owes, for lists.
package struct AccountBalance: Sendable, Hashable {
    package var account: StoredAccount
    package var amountDue: Money
    package var nextDueDate: String?
}

/// Read-side queries of the portal, always scoped to what a login may see: an account login sees its account,
/// a client login sees exactly its client's accounts. Anything else is simply not found.
package struct BillQueries: Sendable {
    package init() {}

    /// `AND <alias>.account_id = ?` or `AND <alias>.client_id = ?` for the login's scope.
    private func scopeFilter(_ scope: LoginScope, alias: String) -> SQLQueryString {
        switch scope {
        case .account(let rowID): "\(unsafeRaw: alias).account_id = \(bind: rowID)"
        case .client(let rowID): "\(unsafeRaw: alias).client_id = \(bind: rowID)"
        }
    }

    /// The account with this Account ID, if the login may see it.
    package func account(_ accountID: AccountID, scope: LoginScope, on db: any SQLDatabase) async throws -> StoredAccount? {
        let filter: SQLQueryString = switch scope {
        case .account(let rowID): "a.id = \(bind: rowID)"
        case .client(let rowID): "a.client_id = \(bind: rowID)"
        }
        return try await db.raw("\(unsafeRaw: CustomerRepository.accountSelect) WHERE a.account_id = \(bind: accountID.rawValue) AND \(filter)")
            .first().map(CustomerRepository.account(from:))
    }

    /// The login's accounts with their amount due, Account ID order, filtered by a search on Account ID or number.
    package func balances(scope: LoginScope, search: String, offset: Int, limit: Int, on db: any SQLDatabase) async throws -> (rows: [AccountBalance], total: Int) {
        let filter: SQLQueryString = switch scope {
        case .account(let rowID): "a.id = \(bind: rowID)"
        case .client(let rowID): "a.client_id = \(bind: rowID)"
        }
        let pattern = "%" + search.filter { $0.isNumber } + "%"
        let searchFilter: SQLQueryString = search.filter(\.isNumber).isEmpty ? "1 = 1" : "(a.account_id LIKE \(bind: pattern) OR a.msisdn LIKE \(bind: pattern))"
        let count = try await db.raw("SELECT COUNT(*) AS n FROM accounts a WHERE \(filter) AND \(searchFilter)").first()
        let rows = try await db.raw("""
            SELECT a.id, a.account_id, a.client_id, a.msisdn, a.plan_code, a.activated_on, c.client_ref,
                CAST(COALESCE((SELECT SUM(b.total_cents - b.paid_cents) FROM bills b WHERE b.account_id = a.id AND b.state <> 'settled'), 0) AS BIGINT) AS due,
                (SELECT MIN(b.due_date) FROM bills b WHERE b.account_id = a.id AND b.state <> 'settled') AS next_due
            FROM accounts a JOIN clients c ON c.id = a.client_id
            WHERE \(filter) AND \(searchFilter)
            ORDER BY a.account_id LIMIT \(bind: limit) OFFSET \(bind: offset)
            """).all()
        return (try rows.map {
            AccountBalance(account: try CustomerRepository.account(from: $0), amountDue: Money(cents: try $0.value("due")),
                           nextDueDate: try $0.optional("next_due"))
        }, Int(try count!.value("n", as: Int64.self)))
    }

    /// Bills the login may see, newest period first; optionally one account's, one state's.
    package func bills(scope: LoginScope, accountRowID: Int64?, state: BillState?, offset: Int, limit: Int, on db: any SQLDatabase) async throws -> [StoredBill] {
        var query: SQLQueryString = "\(unsafeRaw: BillingRepository.billSelect) WHERE \(scopeFilter(scope, alias: "b"))"
        if let accountRowID { query.appendInterpolation(" AND b.account_id = \(bind: accountRowID)" as SQLQueryString) }
        if let state { query.appendInterpolation(" AND b.state = \(bind: state.rawValue)" as SQLQueryString) }
        query.appendInterpolation(" ORDER BY b.period DESC, b.bill_no LIMIT \(bind: limit) OFFSET \(bind: offset)" as SQLQueryString)
        return try await db.raw(query).all().map(BillingRepository.bill(from:))
    }

    /// One bill by number, if the login may see it.
    package func bill(number: String, scope: LoginScope, on db: any SQLDatabase) async throws -> StoredBill? {
        try await db.raw("\(unsafeRaw: BillingRepository.billSelect) WHERE b.bill_no = \(bind: number) AND \(scopeFilter(scope, alias: "b"))")
            .first().map(BillingRepository.bill(from:))
    }

    /// True when the account has a bill for the period.
    /// The row id of an account's bill for a period, if it has one.
    package func billID(accountRowID: Int64, period: BillingPeriod, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("SELECT id FROM bills WHERE account_id = \(bind: accountRowID) AND period = \(bind: period.description)").first()?
            .value("id")
    }

    package func hasBill(accountRowID: Int64, period: BillingPeriod, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT id FROM bills WHERE account_id = \(bind: accountRowID) AND period = \(bind: period.description)").first() != nil
    }

    /// The usage lines of a bill.
    package func lines(billID: Int64, on db: any SQLDatabase) async throws -> [ChargeLine] {
        try await db.raw("SELECT * FROM bill_lines WHERE bill_id = \(bind: billID)").all().compactMap { row in
            guard let chargeClass = ChargeClass(rawValue: try row.value("charge_class")) else { return nil }
            return ChargeLine(chargeClass: chargeClass, records: try row.value("records"), quantity: try row.value("quantity"),
                              includedQuantity: try row.value("included_quantity"), amount: Money(cents: try row.value("amount_cents")))
        }.sorted { $0.chargeClass < $1.chargeClass }
    }

    /// The usage lines of several bills, by bill row id.
    package func lines(billIDs: [Int64], on db: any SQLDatabase) async throws -> [Int64: [ChargeLine]] {
        var result: [Int64: [ChargeLine]] = [:]
        for chunk in billIDs.chunked(into: 500) {
            for row in try await db.raw("SELECT * FROM bill_lines WHERE bill_id IN \(SQLBindList(Array(chunk)))").all() {
                guard let chargeClass = ChargeClass(rawValue: try row.value("charge_class")) else { continue }
                result[try row.value("bill_id"), default: []].append(ChargeLine(
                    chargeClass: chargeClass, records: try row.value("records"), quantity: try row.value("quantity"),
                    includedQuantity: try row.value("included_quantity"), amount: Money(cents: try row.value("amount_cents"))))
            }
        }
        return result
    }

    /// Each account's latest bill before `period`, by account row id (accounts without one are left out).
    package func previousBills(accountRowIDs: [Int64], before period: String, on db: any SQLDatabase) async throws -> [Int64: StoredBill] {
        var result: [Int64: StoredBill] = [:]
        for chunk in accountRowIDs.chunked(into: 500) {
            let rows = try await db.raw("""
                \(unsafeRaw: BillingRepository.billSelect) WHERE b.account_id IN \(SQLBindList(Array(chunk)))
                AND b.period = (SELECT MAX(p.period) FROM bills p WHERE p.account_id = b.account_id AND p.period < \(bind: period))
                """).all()
            for row in rows {
                let bill = try BillingRepository.bill(from: row)
                result[bill.accountRowID] = bill
            }
        }
        return result
    }

    /// Group bills of the login's client, newest first (none for an account login).
    package func groupBills(scope: LoginScope, period: String?, on db: any SQLDatabase) async throws -> [StoredGroupBill] {
        guard case .client(let clientRowID) = scope else { return [] }
        var query: SQLQueryString = "\(unsafeRaw: Self.groupSelect) WHERE g.client_id = \(bind: clientRowID)"
        if let period { query.appendInterpolation(" AND g.period = \(bind: period)" as SQLQueryString) }
        query.appendInterpolation(" ORDER BY g.period DESC" as SQLQueryString)
        return try await db.raw(query).all().map(Self.groupBill(from:))
    }

    /// One group bill by number, if the login is its client's.
    package func groupBill(number: String, scope: LoginScope, on db: any SQLDatabase) async throws -> StoredGroupBill? {
        guard case .client(let clientRowID) = scope else { return nil }
        return try await db.raw("\(unsafeRaw: Self.groupSelect) WHERE g.group_bill_no = \(bind: number) AND g.client_id = \(bind: clientRowID)")
            .first().map(Self.groupBill(from:))
    }

    /// The member bills of a group bill, by Account ID.
    package func members(groupBillID: Int64, on db: any SQLDatabase) async throws -> [StoredBill] {
        try await db.raw("\(unsafeRaw: BillingRepository.billSelect) WHERE b.group_bill_id = \(bind: groupBillID) ORDER BY a.account_id")
            .all().map(BillingRepository.bill(from:))
    }

    /// Bill totals of an account for the last `count` closed periods, oldest first (for the chart).
    package func history(accountRowID: Int64, count: Int, on db: any SQLDatabase) async throws -> [(period: String, total: Money)] {
        try await db.raw("""
            SELECT period, total_cents FROM bills WHERE account_id = \(bind: accountRowID) ORDER BY period DESC LIMIT \(bind: count)
            """).all().map { (try $0.value("period", as: String.self), Money(cents: try $0.value("total_cents"))) }.reversed()
    }

    static let groupSelect = "SELECT g.*, c.client_ref FROM group_bills g JOIN clients c ON c.id = g.client_id"

    static func groupBill(from row: any SQLRow) throws -> StoredGroupBill {
        StoredGroupBill(
            id: try row.value("id"), groupBillNo: try row.value("group_bill_no"), clientRowID: try row.value("client_id"),
            clientRef: try row.value("client_ref"), period: try row.value("period"),
            accountCount: Int(try row.value("account_count", as: Int64.self)), total: Money(cents: try row.value("total_cents")),
            paid: Money(cents: try row.value("paid_cents")), state: BillState(rawValue: try row.value("state")) ?? .sent,
            billDate: try row.value("bill_date"), dueDate: try row.value("due_date"))
    }
}
