import Testing
@testable import SelfCareCore

/// Issue 13.2: the money rules of a settled payment, without a database.
@Suite("Payment allocation")
struct PaymentAllocationTests {
    static func money(_ cents: Int64) -> Money { Money(cents: cents) }

    @Test("a bill takes what it was paid, never more than it still owes; the rest is credit")
    func oneBill() {
        // given / when
        let part = PaymentAllocation.allocate([.init(target: .bill(7), amount: Self.money(10_000))], total: Self.money(10_000),
                                              remaining: [7: Self.money(64_630)])
        let paidMeanwhile = PaymentAllocation.allocate([.init(target: .bill(7), amount: Self.money(64_630))], total: Self.money(64_630),
                                                       remaining: [7: Self.money(4_630)])

        // then
        #expect(part.allocations.map(\.amount) == [Self.money(10_000)] && part.credit == .zero)
        #expect(paidMeanwhile.allocations.map(\.amount) == [Self.money(4_630)])
        #expect(paidMeanwhile.credit == Self.money(60_000))
        #expect(paidMeanwhile.applied + paidMeanwhile.credit == Self.money(64_630))
    }

    @Test("a group bill's amount goes to its members in Account ID order, each up to what it owes")
    func groupInOrder() {
        // given members 3, 1, 2 in Account ID order, owing 50, 30 and 40
        let remaining: [Int64: Money] = [3: Self.money(5_000), 1: Self.money(3_000), 2: Self.money(4_000)]

        // when 100 of the 120 owed are paid
        let outcome = PaymentAllocation.allocate([.init(target: .group(members: [3, 1, 2]), amount: Self.money(10_000))],
                                                 total: Self.money(10_000), remaining: remaining)

        // then 3 and 1 are paid in full, 2 gets what is left; allocations come in row id order
        #expect(outcome.allocations.map(\.billID) == [1, 2, 3])
        #expect(outcome.allocations.map(\.amount) == [Self.money(3_000), Self.money(2_000), Self.money(5_000)])
        #expect(outcome.credit == .zero)
    }

    @Test("a member already paid in part by an item of the same payment takes only the rest from the group")
    func billAndGroupTogether() {
        // given
        let remaining: [Int64: Money] = [1: Self.money(3_000), 2: Self.money(4_000)]
        let items: [PaymentAllocation.Item] = [.init(target: .bill(1), amount: Self.money(2_000)),
                                               .init(target: .group(members: [1, 2]), amount: Self.money(5_000))]

        // when
        let outcome = PaymentAllocation.allocate(items, total: Self.money(7_000), remaining: remaining)

        // then
        #expect(outcome.allocations.map(\.amount) == [Self.money(3_000), Self.money(4_000)])
        #expect(outcome.credit == .zero)
    }

    @Test("documents are numbered with their prefix, period or year and seven digits")
    func numbers() throws {
        #expect(DocumentNumber.forPeriod("B", try BillingPeriod("2026-10"), 42) == "B202610-0000042")
        #expect(DocumentNumber.forPeriod("G", try BillingPeriod("2027-01"), 1_234_567) == "G202701-1234567")
        #expect(DocumentNumber.receipt(year: 2026, 7) == "R2026-0000007")
    }
}
