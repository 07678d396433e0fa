import Foundation
import SelfCareCore
import SelfCareStore

/// The bills and group bills a login may see. Every lookup is scoped by the login; what lies outside is "not found"
/// and leaves an audit event.
package struct BillService: Sendable {
    let database: Database
    let audit: AccessAudit

    init(database: Database, clock: any WallClock) {
        self.database = database
        audit = AccessAudit(database: database, clock: clock)
    }

    /// The login's bills, newest first, optionally of one account or in one state.
    package func bills(_ identity: AuthenticatedUser, account: AccountView?, state: BillState?, offset: Int, limit: Int) async throws -> [BillView] {
        let scope = identity.user.scope
        return try await database.read { db in
            try await BillQueries().bills(scope: scope, accountRowID: account?.row.id, state: state, offset: offset, limit: limit, on: db)
        }.map(BillView.init)
    }

    /// The totals of an account's latest `count` bills, oldest first.
    package func history(of account: AccountView, count: Int) async throws -> [(period: String, total: Money)] {
        try await database.read { db in try await BillQueries().history(accountRowID: account.row.id, count: count, on: db) }
    }

    /// A bill with its usage lines, if the login may see it.
    package func bill(_ number: String, for identity: AuthenticatedUser) async throws -> (bill: BillView, lines: [ChargeLine])? {
        guard let (bill, lines) = try await storedBill(number, for: identity) else { return nil }
        return (BillView(bill), lines)
    }

    /// The client's group bills, newest first, optionally of one period.
    package func groupBills(_ identity: AuthenticatedUser, period: String?) async throws -> [GroupBillView] {
        let scope = identity.user.scope
        return try await database.read { db in try await BillQueries().groupBills(scope: scope, period: period, on: db) }
            .map(GroupBillView.init)
    }

    /// A group bill with its member bills, if the login is its client's.
    package func groupBill(_ number: String, for identity: AuthenticatedUser) async throws -> (group: GroupBillView, members: [BillView])? {
        guard let (group, members) = try await storedGroupBill(number, for: identity) else { return nil }
        return (GroupBillView(group), members.map(BillView.init))
    }

    /// The plan version a bill was issued with.
    package func planVersion(of bill: BillView) async throws -> PlanVersionView? {
        try await storedPlanVersion(of: bill.row).map(PlanVersionView.init)
    }

    func storedBill(_ number: String, for identity: AuthenticatedUser) async throws -> (StoredBill, [ChargeLine])? {
        let scope = identity.user.scope
        let found = try await database.read { db -> (StoredBill, [ChargeLine])? in
            guard let bill = try await BillQueries().bill(number: number, scope: scope, on: db) else { return nil }
            return (bill, try await BillQueries().lines(billID: bill.id, on: db))
        }
        if found == nil { try await audit.denied(identity, "bill \(number)") }
        return found
    }

    func storedGroupBill(_ number: String, for identity: AuthenticatedUser) async throws -> (StoredGroupBill, [StoredBill])? {
        let scope = identity.user.scope
        let found = try await database.read { db -> (StoredGroupBill, [StoredBill])? in
            guard let group = try await BillQueries().groupBill(number: number, scope: scope, on: db) else { return nil }
            return (group, try await BillQueries().members(groupBillID: group.id, on: db))
        }
        if found == nil { try await audit.denied(identity, "group bill \(number)") }
        return found
    }

    func storedPlanVersion(of bill: StoredBill) async throws -> StoredPlanVersion? {
        guard let id = bill.planVersionID else { return nil }
        return try await database.read { db in try await PlanRepository().version(id: id, on: db) }
    }
}
