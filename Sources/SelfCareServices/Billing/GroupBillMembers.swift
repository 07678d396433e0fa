import SelfCareCore

/// How a group bill's member bills are ordered on its page.
package enum GroupMemberOrder: String, Sendable, CaseIterable {
    /// Largest change since each line's previous bill first.
    case change
    /// Largest bill first.
    case amount
    /// By Account ID.
    case account
}

/// One page of a group bill's member bills, found and ordered, with what the page shows around them.
package struct GroupBillMembers: Sendable {
    /// A member bill with what changed since its line's previous bill (nil for a line billed for the first time).
    package struct Member: Sendable {
        package var bill: BillView
        package var changes: BillChanges?
    }

    package var group: GroupBillView
    /// The client's group bill of the month before, when there is one.
    package var previousTotal: Money?
    package var members: [Member]
    /// How many member bills match the search (all when there is none).
    package var matching: Int
    /// The sums of the member bills' own amounts: what the group's excl. VAT and VAT are.
    package var amountExcludingVAT: Money
    package var vat: Money
}

extension BillService {
    /// A page of the group bill `number`'s members matching `search` (a bill number or Account ID, spaces ignored),
    /// in `order`; nil when the login may not see the group bill.
    package func groupBillMembers(
        _ number: String, for identity: AuthenticatedUser, search: String, order: GroupMemberOrder, offset: Int, limit: Int
    ) async throws -> GroupBillMembers? {
        guard let (group, members) = try await groupBill(number, for: identity) else { return nil }
        let needle = search.filter { !$0.isWhitespace }.uppercased()
        let found = needle.isEmpty ? members : members.filter { $0.billNo.uppercased().contains(needle) || $0.accountID.contains(needle) }
        // Ordered by change, every bill found needs its change; otherwise only the page shown does.
        var changes = order == .change ? try await self.changes(of: found, countries: false) : [:]
        let ordered: [BillView] = switch order {
        case .change:
            found.sorted { (changes[$0.billNo]?.magnitude ?? 0, $1.billNo) > (changes[$1.billNo]?.magnitude ?? 0, $0.billNo) }
        case .amount:
            found.sorted { ($0.total.cents, $1.billNo) > ($1.total.cents, $0.billNo) }
        case .account:
            found.sorted { ($0.accountID, $0.billNo) < ($1.accountID, $1.billNo) }
        }
        let page = Array(ordered.dropFirst(offset).prefix(limit))
        if order != .change { changes = try await self.changes(of: page, countries: false) }
        let previous = (try? BillingPeriod(group.period)).map(\.previous)
        let previousTotal = try await previous.asyncFlatMap { period in
            try await groupBills(identity, period: period.description).first?.total
        }
        return GroupBillMembers(
            group: group, previousTotal: previousTotal,
            members: page.map { GroupBillMembers.Member(bill: $0, changes: changes[$0.billNo]) },
            matching: found.count,
            amountExcludingVAT: members.reduce(.zero) { $0 + $1.amountExcludingVAT }, vat: members.reduce(.zero) { $0 + $1.vat })
    }
}

extension Optional {
    /// The wrapped value transformed by an async function that may give nil, or nil.
    fileprivate func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
