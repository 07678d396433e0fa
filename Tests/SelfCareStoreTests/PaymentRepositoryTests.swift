import Foundation
import SelfCareCore
import SelfCareServices
import SelfCareTestSupport
import SQLKit
import Testing
@testable import SelfCareStore

/// The payments under way for a bill: what stops a second payment of one bill from starting beside the first.
@Suite("Payments under way")
struct PaymentRepositoryTests {
    static let now = Instant.mauritius(2026, 11, 5, 10)

    /// October billed (an individual, and a company with two lines and a group bill), and a login to pay with.
    static func givenBills(_ test: TestDatabase) async throws -> (individual: StoredBill, members: [StoredBill], group: Int64, user: Int64) {
        try await OctoberWorld.load(test)
        _ = try await OctoberWorld.bill(test)
        let bills = try await test.bills(period: "2026-10")
        let members = bills.filter { $0.groupBillID != nil }
        let individual = try #require(bills.first { $0.groupBillID == nil })
        let user = try await test.database.transaction { db in
            try await UserRepository().insert(
                scope: .account(rowID: individual.accountRowID), fullName: "Payer", email: "payer@example.mu", language: .english,
                passwordHash: "hash", now: now, on: db)
        }
        return (individual, members, try #require(members.first?.groupBillID), user)
    }

    /// A pending payment of `items`, created at `createdAt`, with a card page unless `checkout` is false.
    @discardableResult
    static func start(_ test: TestDatabase, _ items: [PaymentItem], user: Int64, at createdAt: Date, checkout: Bool = true) async throws -> String {
        let id = "pay_" + UUID().uuidString.prefix(8)
        let payment = StoredPayment(
            id: id, userID: user, idempotencyKey: id, requestDigest: "d", amount: Money(cents: 100), status: .pending, createdAt: createdAt)
        try await test.database.transaction { db in
            _ = try await PaymentRepository().insert(payment, items: items, returnURL: nil, now: createdAt, on: db)
            if checkout {
                try await PaymentRepository().attachCheckout(paymentID: id, sessionID: "cs_\(id)", redirectURL: "https://pay/\(id)", now: createdAt, on: db)
            }
        }
        return id
    }

    static func underWay(_ test: TestDatabase, bills: [Int64] = [], groups: [Int64] = []) async throws -> String? {
        try await test.database.transaction { db in
            try await PaymentRepository().lockForPayment(billIDs: bills, groupBillIDs: groups, on: db)
            return try await PaymentRepository().pendingPayment(
                billIDs: bills, groupBillIDs: groups, since: now.addingTimeInterval(-3720), openingSince: now.addingTimeInterval(-120), on: db)?.id
        }
    }

    @Test("a pending payment holds its bill, a group bill its members and a member bill its group bill", arguments: TestDatabase.engines)
    func holds(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a payment of the individual bill and one of the first member bill
            let (individual, members, group, user) = try await Self.givenBills(test)
            let ofIndividual = try await Self.start(test, [PaymentItem(target: .bill(individual.id), amount: Money(cents: 100))], user: user,
                                                    at: Self.now.addingTimeInterval(-60))
            let ofMember = try await Self.start(test, [PaymentItem(target: .bill(members[0].id), amount: Money(cents: 100))], user: user,
                                                at: Self.now.addingTimeInterval(-30))

            // when / then
            #expect(try await Self.underWay(test, bills: [individual.id]) == ofIndividual)
            #expect(try await Self.underWay(test, bills: [members[0].id]) == ofMember)
            #expect(try await Self.underWay(test, groups: [group]) == ofMember)
            #expect(try await Self.underWay(test, bills: [members[1].id]) == nil)
            #expect(try await Self.underWay(test) == nil)
        }
    }

    @Test("a group bill's payment holds every member bill", arguments: TestDatabase.engines)
    func groupHoldsMembers(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            let (_, members, group, user) = try await Self.givenBills(test)
            let ofGroup = try await Self.start(test, [PaymentItem(target: .groupBill(group), amount: Money(cents: 100))], user: user, at: Self.now)

            // when
            var held: [String?] = []
            for member in members { held.append(try await Self.underWay(test, bills: [member.id])) }

            // then the company's two lines, each held by the group's payment
            #expect(members.count == 2)
            #expect(held == [ofGroup, ofGroup])
        }
    }

    @Test("an ended payment, one older than its card page, or one that got no card page in two minutes holds nothing",
          arguments: TestDatabase.engines)
    func endedOrStale(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            let (individual, _, _, user) = try await Self.givenBills(test)
            let item = [PaymentItem(target: .bill(individual.id), amount: Money(cents: 100))]
            let failed = try await Self.start(test, item, user: user, at: Self.now)
            try await test.database.transaction { db in
                try await PaymentRepository().fail(failed, code: "card_declined", brand: nil, last4: nil, now: Self.now, on: db)
            }
            try await Self.start(test, item, user: user, at: Self.now.addingTimeInterval(-3721))
            try await Self.start(test, item, user: user, at: Self.now.addingTimeInterval(-121), checkout: false)
            let held = try await Self.underWay(test, bills: [individual.id])

            // when a payment whose card page is being opened right now comes
            let opening = try await Self.start(test, item, user: user, at: Self.now.addingTimeInterval(-5), checkout: false)

            // then
            #expect(held == nil)
            #expect(try await Self.underWay(test, bills: [individual.id]) == opening)
        }
    }
}
