import Foundation
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices

/// Issue 16: usage alerts set off by imports, each level once per period, and the spend limit.
@Suite("Usage alerts")
struct UsageAlertTests {
    static let a1 = OctoberWorld.a1
    static let a1Line = "+23057000001"

    /// Plans and customers, without usage; A1 is on TEST10 (10 MB of data included, roaming calls at 35.00 a minute).
    static func given(_ test: TestDatabase, settings: UsageAlertSettings? = nil) async throws -> Int64 {
        try await test.importPlans()
        try await test.importCustomers(OctoberWorld.customers)
        let rowID = try #require(try await test.database.read { db in try await CustomerRepository().account(id: a1, on: db) }).id
        if let settings {
            try await test.database.transaction { db in
                try await UsageAlertRepository().save(settings, accountRowID: rowID, userID: nil, now: StoreFixture.importedAt, on: db)
            }
        }
        return rowID
    }

    static func alerts(_ test: TestDatabase) async throws -> [String] {
        try await test.database.read { db in
            try await db.raw("SELECT body FROM outbox_messages WHERE purpose = 'usageAlert' ORDER BY id").all()
                .map { try $0.decode(column: "body", as: String.self) }
        }
    }

    static func data(_ id: String, megabytes: Int64, day: Int) -> [String] {
        StoreFixture.data(id, a1Line, at: "2026-10-\(day < 10 ? "0" : "")\(day)T10:00:00+04:00", bytes: megabytes * 1_000_000)
    }

    @Test("crossing 50, 80 and 100 % of the data allowance sends three SMS; the same file again sends none",
          arguments: TestDatabase.engines)
    func thresholdsOncePerPeriod(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given thresholds 50, 80 and 100 %
            _ = try await Self.given(test, settings: try UsageAlertSettings(thresholds: [50, 80, 100], channels: ["sms"], spendLimit: nil))

            // when three imports take data to 5, 8 and 10 MB of 10, and the last is imported again
            let first = try await test.importUsage([Self.data("D1", megabytes: 5, day: 2)], alerts: true)
            let second = try await test.importUsage([Self.data("D2", megabytes: 3, day: 3)], alerts: true)
            let third = [Self.data("D3", megabytes: 2, day: 4)]
            _ = try await test.importUsage(third, alerts: true)
            let again = try await test.importUsage(third, alerts: true)

            // then, in French for a line without a login
            #expect(first.alerts == 1)
            #expect(second.alerts == 1)
            #expect(again.alerts == 0)
            let bodies = try await Self.alerts(test)
            #expect(bodies.count == 3)
            #expect(bodies[0].contains("50 %") && bodies[0].contains("5 MB sur 10 MB"))
            #expect(bodies[1].contains("80 %"))
            #expect(bodies[2].contains("a épuisé son forfait de données mobiles"))
            #expect(try await test.count("outbox_messages", where: "purpose = 'usageAlert' AND recipient = '\(Self.a1Line)'") == 3)
        }
    }

    @Test("one import past every threshold sends one message per threshold, in the line's default 80 and 100 %",
          arguments: TestDatabase.engines)
    func standardThresholds(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given no settings: the standard 80 and 100 %
            _ = try await Self.given(test)

            // when
            let report = try await test.importUsage([Self.data("D1", megabytes: 12, day: 2)], alerts: true)

            // then
            #expect(report.alerts == 2)
            #expect(try await Self.alerts(test).count == 2)
        }
    }

    @Test("a 300.00 spend limit crossed by an import sends its 80 % and 100 % notices and puts the line over limit",
          arguments: TestDatabase.engines)
    func spendLimit(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a spend limit of 300.00 and no allowance alerts
            let rowID = try await Self.given(test, settings: try UsageAlertSettings(thresholds: [], channels: ["sms"], spendLimit: Money(cents: 30_000)))
            let october = try BillingPeriod("2026-10")

            // when 6 roaming minutes (210.00 + VAT = 241.50, past 80 %), then 2 more (322.00 with VAT, past the limit)
            let warning = try await test.importUsage(
                [StoreFixture.voice("R1", Self.a1Line, at: "2026-10-02T10:00:00+04:00", seconds: 360, to: "+23057000002", roaming: "FR")],
                alerts: true)
            let overAt = Instant.mauritius(2026, 10, 3, 12)
            let notice = try await test.importUsage(
                [StoreFixture.voice("R2", Self.a1Line, at: "2026-10-03T10:00:00+04:00", seconds: 120, to: "+23057000002", roaming: "FR")],
                alerts: true, now: overAt)

            // then
            #expect(warning.alerts == 1)
            #expect(notice.alerts == 1)
            let bodies = try await Self.alerts(test)
            #expect(bodies.first?.contains("80 %") == true)
            #expect(bodies.last?.contains("a atteint sa limite de dépense de 300,00\u{00A0}Rs") == true)
            let csv = try await OverLimitExport(database: test.database).csv(period: october)
            #expect(csv == "account_id,msisdn,limit,charged,since\n\(Self.a1.rawValue),\(Self.a1Line),300.00,322.00,2026-10-03T08:00:00Z\n")
            let spend = try await test.database.read { db in try await UsageAlertRepository().spend(accountRowID: rowID, period: october, on: db) }
            #expect(spend?.overSince == overAt)
        }
    }

    @Test("a consent to go over takes the line off the over-limit list for the period", arguments: TestDatabase.engines)
    func consentLeavesTheList(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a line past its 300.00 limit
            let rowID = try await Self.given(test, settings: try UsageAlertSettings(thresholds: [], channels: ["sms"], spendLimit: Money(cents: 30_000)))
            _ = try await test.importUsage(
                [StoreFixture.voice("R1", Self.a1Line, at: "2026-10-02T10:00:00+04:00", seconds: 600, to: "+23057000002", roaming: "FR")],
                alerts: true)
            let october = try BillingPeriod("2026-10")
            let userID = try await test.database.transaction { db in
                try await UserRepository().insert(
                    scope: .account(rowID: rowID), fullName: "A One", email: "a1@example.mu", language: .english, passwordHash: "x",
                    now: StoreFixture.importedAt, on: db)
            }

            // when
            let first = try await test.database.transaction { db in
                try await UsageAlertRepository().consent(accountRowID: rowID, period: october, userID: userID, now: StoreFixture.importedAt, on: db)
            }
            let second = try await test.database.transaction { db in
                try await UsageAlertRepository().consent(accountRowID: rowID, period: october, userID: userID, now: StoreFixture.importedAt, on: db)
            }

            // then
            #expect(first)
            #expect(!second)
            #expect(try await OverLimitExport(database: test.database).csv(period: october) == OverLimitExport.header + "\n")
        }
    }

    @Test("alerts go in the language of the line's login, by e-mail too when asked", arguments: TestDatabase.engines)
    func languageAndEmail(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a French login on A1 that wants SMS and e-mail at 100 %
            let rowID = try await Self.given(test, settings: try UsageAlertSettings(thresholds: [100], channels: ["sms", "email"], spendLimit: nil))
            try await test.database.transaction { db in
                _ = try await UserRepository().insert(
                    scope: .account(rowID: rowID), fullName: "A Un", email: "a1@example.mu", language: .french, passwordHash: "x",
                    now: StoreFixture.importedAt, on: db)
            }

            // when
            _ = try await test.importUsage([Self.data("D1", megabytes: 10, day: 2)], alerts: true)

            // then
            let rows = try await test.database.read { db in
                try await db.raw("SELECT channel, recipient, body FROM outbox_messages WHERE purpose = 'usageAlert' ORDER BY channel").all()
                    .map { (try $0.decode(column: "channel", as: String.self), try $0.decode(column: "recipient", as: String.self),
                            try $0.decode(column: "body", as: String.self)) }
            }
            #expect(rows.map(\.0) == ["email", "sms"])
            #expect(rows.map(\.1) == ["a1@example.mu", Self.a1Line])
            #expect(rows.allSatisfy { $0.2.contains("a épuisé son forfait de données mobiles") })
        }
    }
}
