import Foundation
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices

/// CONTRACT §5: closing a period.
@Suite("BillRunner")
struct BillRunnerTests {
    static let october = OctoberWorld.october
    static let runAt = OctoberWorld.runAt
    static let a1 = OctoberWorld.a1
    static let a2 = OctoberWorld.a2
    static let a3 = OctoberWorld.a3
    static let a4 = OctoberWorld.a4
    static let a5 = OctoberWorld.a5

    static func money(_ text: String) -> Money { try! Money(decimal: text) }

    static let expectedSummary = PeriodSummary(period: "2026-10", bills: 4, groupBills: 1, total: money("530.27"))

    static func givenOctober(_ test: TestDatabase, usageImports: Int = 1) async throws {
        try await OctoberWorld.load(test, usageImports: usageImports)
    }

    static func run(_ test: TestDatabase, announces: Bool = true) async throws -> BillRunner.Outcome {
        try await OctoberWorld.bill(test, announces: announces)
    }

    /// Makes storing the bill of `accountID` fail inside the bill run's transaction, as a crash there would.
    static func failBill(of accountID: AccountID, _ test: TestDatabase) async throws {
        try await test.database.transaction { db in
            let row = try await db.raw("SELECT id FROM accounts WHERE account_id = \(bind: accountID.rawValue)").first()
            let id = try row!.decode(column: "id", as: Int64.self)
            if test.database.engine == .postgres {
                try await db.raw("""
                    CREATE FUNCTION fail_bill() RETURNS trigger AS $$ BEGIN
                    IF NEW.account_id = \(unsafeRaw: String(id)) THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql
                    """).run()
                try await db.raw("CREATE TRIGGER fail_bill BEFORE INSERT ON bills FOR EACH ROW EXECUTE FUNCTION fail_bill()").run()
            } else {
                try await db.raw("""
                    CREATE TRIGGER fail_bill BEFORE INSERT ON bills WHEN NEW.account_id = \(unsafeRaw: String(id))
                    BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                    """).run()
            }
        }
    }

    /// Runs `body` with connections of its own to the test's database, as a second process would have; closed on every
    /// path (a connection left open traps when released).
    static func withSecondProcess<R: Sendable>(_ test: TestDatabase, _ body: (Database) async throws -> R) async throws -> R {
        let other = try await Database.open(test.url, logger: TestDatabase.logger)
        do {
            let result = try await body(other)
            await other.close()
            return result
        } catch {
            await other.close()
            throw error
        }
    }

    static func stopFailing(_ test: TestDatabase) async throws {
        try await test.database.transaction { db in
            try await db.raw(test.database.engine == .postgres ? "DROP TRIGGER fail_bill ON bills" : "DROP TRIGGER fail_bill").run()
        }
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
            #expect(Set(messages.map(\.message.recipient)) == ["+23057000001", "+23057000002", "+23057000003", "+23057000005"])
            for bill in bills {
                #expect(messages.contains { $0.message.body.contains(bill.billNo) && $0.message.body.contains(bill.total.formatted(.french)) })
            }
        }
    }

    @Test("the bill-ready SMS speaks the language of the line's login, else French", arguments: TestDatabase.engines)
    func billReadyLanguage(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given A1's line has a login in English
            try await Self.givenOctober(test)
            try await test.database.transaction { db in
                let account = try #require(try await CustomerRepository().account(id: Self.a1, on: db))
                _ = try await UserRepository().insert(scope: .account(rowID: account.id), fullName: "A One", email: "a1@example.mu",
                                                      language: .english, passwordHash: "hash", now: Self.runAt, on: db)
            }

            // when
            _ = try await Self.run(test)

            // then
            let messages = try await test.database.read { db in try await OutboxRepository().recent(limit: 10, on: db) }
            let toA1 = try #require(messages.first { $0.message.recipient == "+23057000001" })
            #expect(toA1.message.language == .english)
            #expect(toA1.message.body.hasPrefix("Your bill B202610-"))
            #expect(toA1.message.body.contains("October 2026") && toA1.message.body.contains("Account 1000 0000 1"))
            let toA2 = try #require(messages.first { $0.message.recipient == "+23057000002" })
            #expect(toA2.message.language == .french)
            #expect(toA2.message.body.hasPrefix("Votre facture B202610-") && toA2.message.body.contains("octobre 2026"))
        }
    }

    @Test("without notices the bills stay new", arguments: TestDatabase.engines)
    func noNotices(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenOctober(test)

            // when
            _ = try await Self.run(test, announces: false)

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
            let outcome = try await BillRunner(database: test.database)
                .run(period: Self.october, now: Instant.mauritius(2026, 11, 20, 8))

            // then
            #expect(outcome == .alreadyClosed(Self.expectedSummary))
            #expect(try await test.bills(period: "2026-10") == billsBefore)
            #expect(try await test.groupBills(period: "2026-10") == groupsBefore)
            #expect(try await test.count("outbox_messages") == 4)
            #expect(try await test.count("billing_periods") == 1)
        }
    }

    @Test("one line per transaction and three batches rated ahead bill exactly as one batch does",
          arguments: TestDatabase.engines)
    func workersBillAsOneBatch(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenOctober(test)

            // when
            let outcome = try await BillRunner(database: test.database, accountsPerTransaction: 1)
                .run(period: Self.october, now: Self.runAt, workers: 3)

            // then
            #expect(outcome == .closed(Self.expectedSummary))
            let bills = try await test.bills(period: "2026-10")
            #expect(bills.count == 4)
            #expect(bills.first { $0.accountID == Self.a1.rawValue }?.total == Self.money("185.27"))
            #expect(Set(bills.map(\.billNo)).count == 4)
            #expect(try await test.count("group_bills", where: "period = '2026-10'") == 1)
        }
    }

    /// PostgreSQL: processes share a period by claiming clients. SQLite has one writer per file, so a second run there
    /// waits its turn at each transaction (up to the busy timeout) rather than sharing.
    @Test("runs started together, each with connections of its own, bill each line once and close the period once",
          arguments: TestDatabase.engines.filter { $0 == .postgres })
    func concurrentRunsBillOnce(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given October
            try await Self.givenOctober(test)

            // when two runs, one line per transaction, start at different ends, the second with connections of its own
            let outcomes = try await Self.withSecondProcess(test) { other in
                async let first = BillRunner(database: test.database, accountsPerTransaction: 1)
                    .run(period: Self.october, now: Self.runAt, share: BillRunShare(slot: 0, count: 2))
                async let second = BillRunner(database: other, accountsPerTransaction: 1)
                    .run(period: Self.october, now: Self.runAt, share: BillRunShare(slot: 1, count: 2))
                return try await [first, second]
            }

            // then
            #expect(outcomes.allSatisfy { $0 == .closed(Self.expectedSummary) })
            let bills = try await test.bills(period: "2026-10")
            #expect(bills.count == 4 && Set(bills.map(\.accountID)).count == 4 && Set(bills.map(\.billNo)).count == 4)
            #expect(try await test.count("group_bills", where: "period = '2026-10'") == 1)
            #expect(try await test.count("billing_periods") == 1)
            #expect(try await test.count("outbox_messages") == 4)
        }
    }

    @Test("a client another run holds is passed over, then billed once that run's transaction ends without it",
          arguments: TestDatabase.engines.filter { $0 == .postgres })
    func heldClientIsBilledWhenReleased(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given October, and another run's transaction holding BIZ (as a worker killed mid-client would, until its
            // connection drops)
            try await Self.givenOctober(test)
            let (billedWhileHeld, closedWhileHeld, outcome) = try await Self.withSecondProcess(test) { other in
                let (held, holding) = AsyncStream<Void>.makeStream()
                let (release, releasing) = AsyncStream<Void>.makeStream()
                let holder = Task {
                    try await other.transaction { db in
                        _ = try await db.raw("SELECT id FROM clients WHERE client_ref = 'BIZ' FOR UPDATE").all()
                        holding.yield()
                        for await _ in release { break }
                        throw CancellationError()
                    }
                }
                for await _ in held { break }

                // when a run bills the period meanwhile, until it says half the lines are billed
                let (progress, reporting) = AsyncStream<Double>.makeStream()
                let run = Task {
                    defer { reporting.finish() }
                    return try await BillRunner(database: test.database).run(period: Self.october, now: Self.runAt) { reporting.yield($0) }
                }
                for await fraction in progress where fraction >= 0.5 { break }
                let billed = try await test.bills(period: "2026-10").map(\.clientRef)
                let closed = try await test.count("billing_periods")
                releasing.yield()
                _ = await holder.result
                return (billed, closed, try await run.value)
            }

            // then the others were billed around BIZ, and the period closed only once BIZ was billed too
            #expect(Set(billedWhileHeld) == ["IND1", "IND2"])
            #expect(closedWhileHeld == 0)
            #expect(outcome == .closed(Self.expectedSummary))
            #expect(try await test.bills(period: "2026-10").filter { $0.clientRef == "BIZ" }.count == 2)
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
                try await BillRunner(database: test.database)
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
            // given a run that fails at BIZ's second account: its bill cannot be stored
            try await Self.givenOctober(test)
            try await Self.failBill(of: Self.a3, test)

            // when
            await #expect(throws: (any Error).self) {
                try await Self.run(test)
            }
            try await Self.stopFailing(test)

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
