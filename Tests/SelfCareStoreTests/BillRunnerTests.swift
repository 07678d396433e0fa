import Foundation
import SelfCareCore
import Testing
@testable import SelfCareStore

/// CONTRACT §5: closing a period.
@Suite("BillRunner")
struct BillRunnerTests {
    static let october = try! BillingPeriod("2026-10")
    /// The morning after October, when the run happens.
    static let runAt = Instant.mauritius(2026, 11, 2, 8)

    // One individual (A1, usage worked out by hand below), one company with two lines (A2, A3), a client whose only
    // line starts after October (A4), and an individual activated on October's last day (A5).
    static let a1 = AccountID(body: 100_000_001)
    static let a2 = AccountID(body: 100_000_002)
    static let a3 = AccountID(body: 100_000_003)
    static let a4 = AccountID(body: 100_000_004)
    static let a5 = AccountID(body: 100_000_005)

    static let customers: [[String]] = [
        StoreFixture.customer("IND1", "+23057000001", activatedOn: "2026-01-10", accountID: a1.rawValue),
        StoreFixture.customer("BIZ", "+23057000002", activatedOn: "2026-03-01", accountID: a2.rawValue, kind: "company"),
        StoreFixture.customer("BIZ", "+23057000003", activatedOn: "2026-03-01", accountID: a3.rawValue, kind: "company"),
        StoreFixture.customer("NEW", "+23057000004", activatedOn: "2026-11-05", accountID: a4.rawValue),
        StoreFixture.customer("IND2", "+23057000005", activatedOn: "2026-10-31", accountID: a5.rawValue),
    ]

    /// A1 on plan TEST10 (fee 100.00; 10 min, 2 SMS, 10 MB included):
    /// V1 10 min on-net, all included · V2 61 s → 2 min off-net, allowance gone: 2 × 2.00 = 4.00 ·
    /// V3 90 s → 2 min to +33: 2 × 8.00 = 16.00 · S1, S2 included · S3 national: 1.00 · S4 to +91: 4.00 ·
    /// D1 12 MB, 10 MB included, 2,000,000 B × 50 c/MB = 1.00 · D2 190,000 B → ⌈9.5⌉ c = 0.10 ·
    /// R1 30 s roaming → 1 min × 35.00 = 35.00 · usage 61.10; excl. 161.10; VAT 24.165 → 24.17; total 185.27.
    /// A2 and A3 stay inside their allowances; A1's November record is not October's.
    static let usage: [[String]] = [
        StoreFixture.voice("V1", "+23057000001", at: "2026-10-02T09:00:00+04:00", seconds: 600, to: "+23057000002"),
        StoreFixture.voice("V2", "+23057000001", at: "2026-10-02T10:00:00+04:00", seconds: 61, to: "+2302086000"),
        StoreFixture.voice("V3", "+23057000001", at: "2026-10-03T10:00:00+04:00", seconds: 90, to: "+33142685300"),
        StoreFixture.sms("S1", "+23057000001", at: "2026-10-04T10:00:00+04:00", to: "+23057000002"),
        StoreFixture.sms("S2", "+23057000001", at: "2026-10-04T10:01:00+04:00", to: "+23057000003"),
        StoreFixture.sms("S3", "+23057000001", at: "2026-10-04T10:02:00+04:00", to: "+23057000005"),
        StoreFixture.sms("S4", "+23057000001", at: "2026-10-04T10:03:00+04:00", to: "+919820012345"),
        StoreFixture.data("D1", "+23057000001", at: "2026-10-05T10:00:00+04:00", bytes: 12_000_000),
        StoreFixture.data("D2", "+23057000001", at: "2026-10-06T10:00:00+04:00", bytes: 190_000),
        StoreFixture.voice("R1", "+23057000001", at: "2026-10-07T10:00:00+04:00", seconds: 30, to: "+23057000002", roaming: "FR"),
        StoreFixture.voice("N1", "+23057000001", at: "2026-11-01T00:30:00+04:00", seconds: 6000, to: "+2302086000"),
        StoreFixture.sms("B1", "+23057000002", at: "2026-10-10T10:00:00+04:00", to: "+23057000001"),
        StoreFixture.voice("B2", "+23057000003", at: "2026-10-11T10:00:00+04:00", seconds: 120, to: "+23057000002"),
    ]

    static func money(_ text: String) -> Money { try! Money(decimal: text) }

    static let expectedSummary = PeriodSummary(period: "2026-10", bills: 4, groupBills: 1, total: money("530.27"))

    /// Plans, customers and October's usage loaded through the importers.
    static func givenOctober(_ test: TestDatabase, usageImports: Int = 1) async throws {
        try await test.importPlans()
        let customers = try await test.importCustomers(Self.customers)
        try #require(customers.rejected.isEmpty)
        for _ in 0..<usageImports {
            let report = try await test.importUsage(Self.usage)
            try #require(report.rejected.isEmpty)
        }
    }

    static func run(_ test: TestDatabase, notices: @escaping @Sendable (BillReadyNotice) -> [NewOutboxMessage] = StoreFixture.billReadySMS)
        async throws -> BillRunner.Outcome {
        try await BillRunner(database: test.database, notices: notices).run(period: october, now: runAt)
    }

    @Test("one bill per line activated by the period's last day", arguments: TestDatabase.engines)
    func oneBillPerBilledLine(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenOctober(test)

            // when
            let outcome = try await Self.run(test)

            // then
            #expect(outcome == .closed(Self.expectedSummary))
            let bills = try await test.bills(period: "2026-10")
            #expect(Set(bills.map(\.accountID)) == Set([Self.a1, Self.a2, Self.a3, Self.a5].map(\.rawValue)))
            #expect(bills.count == 4)
            #expect(try await test.count("billing_periods", where: "period = '2026-10'") == 1)
        }
    }

    @Test("the hand-worked bill: fee + usage, 15 % VAT rounded half up, to the cent", arguments: TestDatabase.engines)
    func handWorkedTotals(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenOctober(test)

            // when
            _ = try await Self.run(test)

            // then
            let bills = try await test.bills(period: "2026-10")
            let a1 = try #require(bills.first { $0.accountID == Self.a1.rawValue })
            #expect(a1.planCode == "TEST10")
            #expect(a1.monthlyFee == Self.money("100.00"))
            #expect(a1.usageCharges == Self.money("61.10"))
            #expect(a1.amountExcludingVAT == Self.money("161.10"))
            #expect(a1.vat == Self.money("24.17"))
            #expect(a1.total == Self.money("185.27"))
            #expect(a1.paid == .zero)
            #expect(a1.remaining == Self.money("185.27"))
            for bill in bills where bill.accountID != Self.a1.rawValue {
                #expect(bill.usageCharges == .zero, "\(bill.accountID) stayed inside its allowances")
                #expect(bill.vat == Self.money("15.00"))
                #expect(bill.total == Self.money("115.00"))
            }
            // the usage lines by charge class add up to the usage charges
            let lineTotal = try await test.database.read { db in
                try await db.raw("SELECT CAST(SUM(amount_cents) AS BIGINT) AS total FROM bill_lines WHERE bill_id = \(bind: a1.id)").first()!
                    .decode(column: "total", as: Int64.self)
            }
            #expect(lineTotal == 6110)
        }
    }

    @Test("a group bill only for the client with two accounts, totalling its member bills", arguments: TestDatabase.engines)
    func groupBill(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenOctober(test)

            // when
            _ = try await Self.run(test)

            // then
            let groups = try await test.groupBills(period: "2026-10")
            #expect(groups.map(\.clientRef) == ["BIZ"])
            let group = try #require(groups.first)
            #expect(group.accountCount == 2)
            let bills = try await test.bills(period: "2026-10")
            let members = bills.filter { $0.groupBillID == group.id }
            #expect(Set(members.map(\.accountID)) == [Self.a2.rawValue, Self.a3.rawValue])
            #expect(group.total == members.reduce(Money.zero) { $0 + $1.total })
            #expect(group.total == Self.money("230.00"))
            #expect(bills.filter { $0.clientRef != "BIZ" }.allSatisfy { $0.groupBillID == nil })
        }
    }

    @Test("bill date is the 1st of the next month, due 21 days later; bill numbers are unique", arguments: TestDatabase.engines)
    func datesAndNumbers(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenOctober(test)

            // when
            _ = try await Self.run(test)

            // then
            let bills = try await test.bills(period: "2026-10")
            #expect(bills.allSatisfy { $0.billDate == "2026-11-01" && $0.dueDate == "2026-11-22" })
            let group = try #require(try await test.groupBills(period: "2026-10").first)
            #expect(group.billDate == "2026-11-01")
            #expect(group.dueDate == "2026-11-22")
            #expect(Set(bills.map(\.billNo)).count == bills.count)
            #expect(bills.allSatisfy { $0.billNo.hasPrefix("B202610-") })
            #expect(group.number.hasPrefix("G202610-"))
        }
    }

    @Test("a bill-ready SMS is queued for every bill, which is then sent", arguments: TestDatabase.engines)
    func billReadySMS(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenOctober(test)

            // when
            _ = try await Self.run(test)

            // then
            let bills = try await test.bills(period: "2026-10")
            #expect(bills.allSatisfy { $0.state == .sent })
            #expect(try await test.count("outbox_messages", where: "purpose = 'billReady' AND channel = 'sms' AND status = 'queued'") == 4)
            let messages = try await test.database.read { db in try await OutboxRepository().recent(limit: 10, on: db) }
            #expect(Set(messages.map(\.recipient)) == ["+23057000001", "+23057000002", "+23057000003", "+23057000005"])
            for bill in bills {
                #expect(messages.contains { $0.body.contains(bill.billNo) && $0.body.contains(bill.total.decimalString) })
            }
        }
    }

    @Test("without notices the bills stay new", arguments: TestDatabase.engines)
    func noNotices(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenOctober(test)

            // when
            _ = try await Self.run(test, notices: { _ in [] })

            // then
            #expect(try await test.bills(period: "2026-10").allSatisfy { $0.state == .new })
            #expect(try await test.count("outbox_messages") == 0)
        }
    }

    @Test("re-running a closed period says so and changes nothing", arguments: TestDatabase.engines)
    func rerunClosedPeriod(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given October closed
            try await Self.givenOctober(test)
            _ = try await Self.run(test)
            let billsBefore = try await test.bills(period: "2026-10")
            let groupsBefore = try await test.groupBills(period: "2026-10")

            // when
            let outcome = try await BillRunner(database: test.database, notices: StoreFixture.billReadySMS)
                .run(period: Self.october, now: Instant.mauritius(2026, 11, 20, 8))

            // then
            #expect(outcome == .alreadyClosed(Self.expectedSummary))
            #expect(try await test.bills(period: "2026-10") == billsBefore)
            #expect(try await test.groupBills(period: "2026-10") == groupsBefore)
            #expect(try await test.count("outbox_messages") == 4)
            #expect(try await test.count("billing_periods") == 1)
        }
    }

    @Test("importing the same usage twice bills the same as once", arguments: TestDatabase.engines)
    func duplicateUsageBillsOnce(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given the usage file imported twice
            try await Self.givenOctober(test, usageImports: 2)

            // when
            let outcome = try await Self.run(test)

            // then
            #expect(outcome == .closed(Self.expectedSummary))
            let a1 = try #require(try await test.bills(period: "2026-10").first { $0.accountID == Self.a1.rawValue })
            #expect(a1.total == Self.money("185.27"))
        }
    }

    @Test("a period that has not started cannot be billed", arguments: TestDatabase.engines)
    func periodNotStarted(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenOctober(test)

            // when
            let error = await #expect(throws: BillRunError.self) {
                try await BillRunner(database: test.database, notices: StoreFixture.billReadySMS)
                    .run(period: try BillingPeriod("2026-12"), now: Self.runAt)
            }

            // then
            #expect(String(describing: try #require(error)) == "period 2026-12 has not started yet")
            #expect(try await test.count("bills") == 0)
            #expect(try await test.count("billing_periods") == 0)
        }
    }

    @Test("a bill run killed inside a client leaves no client half billed; the next run completes the period",
          arguments: TestDatabase.engines)
    func killedRunLeavesNoHalfBilledClient(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a run that fails at BIZ's second account: its notice cannot be stored (no such portal user)
            try await Self.givenOctober(test)
            let failingAt = Self.a3
            let failing: @Sendable (BillReadyNotice) -> [NewOutboxMessage] = { notice in
                var messages = StoreFixture.billReadySMS(notice)
                if notice.accountID == failingAt { messages[0].userID = 987_654_321 }
                return messages
            }

            // when
            await #expect(throws: (any Error).self) {
                try await Self.run(test, notices: failing)
            }

            // then BIZ has nothing, any other client is billed whole or not at all (small clients share a transaction,
            // so those billed with BIZ are rolled back with it), every kept bill kept its notice, and the period is still open
            let afterKill = try await test.bills(period: "2026-10")
            #expect(!afterKill.contains { $0.clientRef == "BIZ" })
            #expect(afterKill.allSatisfy { ["IND1", "IND2"].contains($0.clientRef) })
            #expect(try await test.groupBills(period: "2026-10").isEmpty)
            #expect(try await test.count("outbox_messages") == afterKill.count)
            #expect(try await test.count("billing_periods") == 0)

            // when the run is started again
            let outcome = try await Self.run(test)

            // then the period is complete and no line was billed twice
            #expect(outcome == .closed(Self.expectedSummary))
            let bills = try await test.bills(period: "2026-10")
            #expect(bills.count == 4)
            #expect(bills.filter { afterKill.map(\.billNo).contains($0.billNo) } == afterKill)
            #expect(Set(bills.map(\.accountID)).count == bills.count)
            #expect(try await test.groupBills(period: "2026-10").map(\.clientRef) == ["BIZ"])
            #expect(try await test.count("outbox_messages") == 4)
        }
    }
}
