import Foundation
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices

/// `seed-demo`: the deterministic demo data set, loaded through the real importers and bill runs (SQLite only: slow).
@Suite("Demo data")
struct DemoDataTests {
    /// Mid-November 2026 in Mauritius.
    static let now = Instant.mauritius(2026, 11, 15, 12)

    @Test("seed 1 loads 1361 accounts, 4 Client IDs and six closed periods whose group bills add up", .timeLimit(.minutes(5)))
    func loadsDemo() async throws {
        try await TestDatabase.with(.sqlite) { test in
            // given
            let loader = DemoLoader(database: test.database, clientIDKey: StoreFixture.clientIDKey)
            let history = DemoHistory(database: test.database, hasher: PasswordHasher(parameters: ScryptParameters(logN: 4, r: 8, p: 1)),
                                      branding: Branding(), publicURL: "http://127.0.0.1:8080")

            // when
            let identifiers = try await loader.load(seed: 1, now: Self.now, history: history)

            // then the identifiers printed
            #expect(identifiers.accounts.count == 1361)
            #expect(Set(identifiers.accounts.map(\.accountId)).count == 1361)
            #expect(identifiers.clients.map(\.clientRef) == DemoDataSet.corporateReferences)
            #expect(try await test.count("accounts") == 1361)

            // and each Client ID opens its client
            for client in identifiers.clients {
                let stored = try await test.database.read { db in
                    try await CustomerRepository().client(clientID: try ClientID(client.clientId), key: StoreFixture.clientIDKey, on: db)
                }
                #expect(stored?.client.reference == client.clientRef)
            }
            #expect(try await test.count("clients", where: "client_id_digest IS NOT NULL") == 4)

            // and six closed periods, May to October, the month in progress open
            let periods = try await test.database.read { db in try await BillingRepository().closedPeriods(on: db) }
            #expect(periods == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"])
            #expect(try await test.count("bills", where: "period = '2026-11'") == 0)
            #expect(try await test.count("usage_records", where: "period = '2026-11'") > 0)

            // and every group bill totals its member bills
            let groups = try await test.database.read { db in
                try await db.raw("""
                    SELECT g.id, g.account_count, g.total_cents, COUNT(b.id) AS members,
                        CAST(COALESCE(SUM(b.total_cents), 0) AS BIGINT) AS member_total
                    FROM group_bills g LEFT JOIN bills b ON b.group_bill_id = g.id
                    GROUP BY g.id, g.account_count, g.total_cents
                    """).all().map { row in
                    (accounts: try row.decode(column: "account_count", as: Int64.self),
                     members: try row.decode(column: "members", as: Int64.self),
                     total: try row.decode(column: "total_cents", as: Int64.self),
                     memberTotal: try row.decode(column: "member_total", as: Int64.self))
                }
            }
            #expect(groups.count >= 6 * 3)
            for group in groups {
                #expect(group.total == group.memberTotal)
                #expect(group.accounts == group.members)
                #expect(group.members >= 2)
            }

            // and months that look like an operator's: no bill above Rs 25,000, and a line roams on at most 7 days a month
            let largest = try await test.database.read { db in
                try await db.raw("SELECT MAX(total_cents) AS most FROM bills").first()?.decode(column: "most", as: Int64.self)
            }
            #expect((largest ?? 0) < 2_500_000, "largest bill: \(largest ?? 0) cents")
            let roamingDays = try await test.database.read { db in
                try await db.raw("""
                    SELECT account_id, period, COUNT(DISTINCT CAST(started_at / 86400 AS BIGINT)) AS days FROM usage_records
                    WHERE roaming_country IS NOT NULL AND roaming_country <> '' GROUP BY account_id, period
                    """).all().map { try $0.decode(column: "days", as: Int64.self) }
            }
            #expect(!roamingDays.isEmpty && roamingDays.allSatisfy { $0 <= 8 }, "roaming days a month: \(roamingDays.max() ?? 0)")

            // and two logins ready, the line's bills paid but the last two (one in part), the ministry's but the last two
            #expect(identifiers.logins.count == 2)
            #expect(try await DemoLoader.readyLogins(seed: 1, in: test.database) == identifiers.logins)
            let line = try #require(identifiers.accounts.first { $0.clientRef == "DEMO-IND-001" })
            #expect(identifiers.logins.first?.identifier == (try AccountID(line.accountId)).grouped)
            let states = try await test.database.read { db in
                try await db.raw("""
                    SELECT b.state FROM bills b JOIN accounts a ON a.id = b.account_id WHERE a.account_id = \(bind: line.accountId)
                    ORDER BY b.period
                    """).all().map { try $0.decode(column: "state", as: String.self) }
            }
            #expect(states.dropLast(2).allSatisfy { $0 == "settled" } && states.count == 6)
            #expect(states.suffix(2) == ["partiallyPaid", "sent"])
            let ministry = try await test.database.read { db in
                try await db.raw("""
                    SELECT g.state FROM group_bills g JOIN clients c ON c.id = g.client_id WHERE c.client_ref = 'DEMO-GOV-001' ORDER BY g.period
                    """).all().map { try $0.decode(column: "state", as: String.self) }
            }
            #expect(ministry.dropLast(2).allSatisfy { $0 == "settled" })
            #expect(!ministry.suffix(2).contains("settled"))
            #expect(try await test.count("receipts") == 5 + ministry.count - 2)
            #expect(try await test.count("outbox_messages", where: "purpose = 'receipt'") > 0)
        }
    }

    @Test("the same seed writes the same files, byte for byte")
    func sameSeedSameFiles() throws {
        // given
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("selfcare-demo-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let today = try CalendarDay("2026-11-15")

        // when
        let first = try DemoDataSet(seed: 1, today: today).write(to: base.appendingPathComponent("first"))
        let second = try DemoDataSet(seed: 1, today: today).write(to: base.appendingPathComponent("second"))
        let other = try DemoDataSet(seed: 2, today: today).write(to: base.appendingPathComponent("other"))

        // then
        #expect(try Data(contentsOf: first.customers) == Data(contentsOf: second.customers))
        #expect(try Data(contentsOf: first.plans) == Data(contentsOf: second.plans))
        #expect(first.usage.map(\.0) == second.usage.map(\.0))
        for ((period, a), (_, b)) in zip(first.usage, second.usage) {
            #expect(try Data(contentsOf: a) == Data(contentsOf: b), "usage of \(period)")
        }
        #expect(try Data(contentsOf: first.customers) != Data(contentsOf: other.customers))
        let lines = try String(contentsOf: first.customers, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 + 1361)
        #expect(lines.first == Substring(CustomerRow.header.joined(separator: ",")))
    }
}
