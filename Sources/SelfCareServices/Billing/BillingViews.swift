import Foundation
import SelfCareCore
import SelfCareStore

/// A billing account a login may see: the account and its line, never its storage keys.
package struct AccountView: Sendable, Hashable {
    let row: StoredAccount

    package init(_ row: StoredAccount) { self.row = row }

    package var account: BillingAccount { row.account }
}

/// A bill as issued, with what has been paid on it.
package struct BillView: Sendable, Hashable {
    let row: StoredBill

    package init(_ row: StoredBill) { self.row = row }

    package var billNo: String { row.billNo }
    package var accountID: String { row.accountID }
    package var clientRef: String { row.clientRef }
    package var period: String { row.period }
    package var planCode: String { row.planCode }
    package var monthlyFee: Money { row.monthlyFee }
    package var usageCharges: Money { row.usageCharges }
    package var amountExcludingVAT: Money { row.amountExcludingVAT }
    package var vat: Money { row.vat }
    package var total: Money { row.total }
    package var paid: Money { row.paid }
    package var remaining: Money { row.remaining }
    package var state: BillState { row.state }
    package var billDate: String { row.billDate }
    package var dueDate: String { row.dueDate }
}

/// A client's group bill for one period.
package struct GroupBillView: Sendable, Hashable {
    let row: StoredGroupBill

    package init(_ row: StoredGroupBill) { self.row = row }

    package var groupBillNo: String { row.groupBillNo }
    package var clientRef: String { row.clientRef }
    package var period: String { row.period }
    package var accountCount: Int { row.accountCount }
    package var total: Money { row.total }
    package var paid: Money { row.paid }
    package var remaining: Money { row.remaining }
    package var state: BillState { row.state }
    package var billDate: String { row.billDate }
    package var dueDate: String { row.dueDate }
}

/// An account with what it owes, for a client's list of lines.
package struct BalanceView: Sendable, Hashable {
    package var account: AccountView
    package var amountDue: Money
    package var nextDueDate: String?

    package init(_ row: AccountBalance) {
        account = AccountView(row.account)
        amountDue = row.amountDue
        nextDueDate = row.nextDueDate
    }
}

/// The version of a plan a bill was issued with.
package struct PlanVersionView: Sendable, Hashable {
    package var version: Int
    package var plan: TariffPlan
    package var effectiveFrom: CalendarDay
    /// True for a plan's first version, in force since the plans were first loaded.
    package var isFirst: Bool

    package init(_ row: StoredPlanVersion) {
        version = row.version
        plan = row.plan
        effectiveFrom = row.effectiveFrom
        isFirst = row.effectiveFrom == PlanRepository.sinceAlways
    }
}
