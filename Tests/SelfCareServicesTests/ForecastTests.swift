import Foundation
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices

/// Issue 16: the forecast of this month's bill, against the bill the bill run issues.
@Suite("Bill forecast")
struct ForecastTests {
    @Test("the forecast on the last day of a period equals the bill the bill run then issues, to the cent", arguments: TestDatabase.engines)
    func lastDayForecastIsTheBill(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given October's usage and the clock on 31 October
            try await OctoberWorld.load(test)
            let usage = UsageService(database: test.database, clock: StoppedClock(Instant.mauritius(2026, 10, 31, 18)))
            let account = try #require(try await test.database.read { db in try await CustomerRepository().account(id: OctoberWorld.a1, on: db) })

            // when
            let forecast = usage.forecast(try await usage.consumption(of: AccountView(account)))
            _ = try await OctoberWorld.bill(test)

            // then
            let bill = try #require(try await test.bills(period: "2026-10").first { $0.accountID == OctoberWorld.a1.rawValue })
            #expect(forecast == bill.total)
            #expect(forecast == (try Money(decimal: "185.27")))
        }
    }

    @Test("half way through, the usage so far is doubled and the forecast stays above what is charged", arguments: TestDatabase.engines)
    func projectedHalfWay(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given A1's October usage (61.10 out of bundle) seen on 15 October, with every record already in
            try await OctoberWorld.load(test)
            let usage = UsageService(database: test.database, clock: StoppedClock(Instant.mauritius(2026, 10, 15, 12)))
            let account = try #require(try await test.database.read { db in try await CustomerRepository().account(id: OctoberWorld.a1, on: db) })

            // when
            let consumption = try await usage.consumption(of: AccountView(account))
            let forecast = usage.forecast(consumption)

            // then 61.10 × 31 / 15 = 126.273… → 126.28 (rounded up); 226.28 + VAT 33.94 = 260.22
            #expect(consumption.rating.usageCharges == (try Money(decimal: "61.10")))
            #expect(forecast == (try Money(decimal: "260.22")))
        }
    }
}
