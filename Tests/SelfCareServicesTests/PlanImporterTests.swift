import Foundation
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices

/// CONTRACT §3: the tariff plans file, all plans or none.
@Suite("PlanImporter")
struct PlanImporterTests {
    /// CONTRACT §3's example, verbatim.
    static let contractExample = """
        [{"code": "POST499", "name": "Post Pay 499", "monthlyFee": "499.00",
          "allowance": {"voiceMinutes": 100, "sms": 500, "dataMB": 5000},
          "rates": {"voiceOnNetPerMinute": "1.50", "voiceOffNetPerMinute": "2.00",
                    "smsNational": "1.00", "smsInternational": "4.00", "dataPerMB": "0.50",
                    "roamingVoicePerMinute": "35.00", "roamingSms": "10.00", "roamingDataPerMB": "150.00",
                    "internationalPerMinute": {"default": "12.00", "+33": "8.00", "+91": "5.00"}},
          "onNetPrefixes": ["+2305"]}]
        """

    static func money(_ text: String) -> Money { try! Money(decimal: text) }

    @Test("imports the contract's example plan", arguments: TestDatabase.engines)
    func importsContractExample(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            let path = try test.write("plans.json", Self.contractExample)

            // when
            let codes = try await PlanImporter(database: test.database).importFile(at: path, now: StoreFixture.importedAt)

            // then
            #expect(codes.map(\.code) == ["POST499"])
            let plans = try await test.database.read { db in try await PlanRepository().all(on: db) }
            let plan = try #require(plans["POST499"])
            #expect(plan.name == "Post Pay 499")
            #expect(plan.monthlyFee == Self.money("499.00"))
            #expect(plan.allowance == .init(voiceMinutes: 100, sms: 500, dataMB: 5000))
            #expect(plan.rates.voiceOnNetPerMinute == Self.money("1.50"))
            #expect(plan.rates.roamingDataPerMB == Self.money("150.00"))
            #expect(plan.rates.internationalPerMinute == ["default": Self.money("12.00"), "+33": Self.money("8.00"), "+91": Self.money("5.00")])
            #expect(plan.onNetPrefixes == ["+2305"])
            #expect(try await test.count("tariff_plans", where: "monthly_fee_cents = 49900") == 1)
        }
    }

    @Test("importing again updates the plan instead of adding one", arguments: TestDatabase.engines)
    func reimportUpdates(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given the plan already imported
            let importer = PlanImporter(database: test.database)
            _ = try await importer.importFile(at: try test.write("plans.json", Self.contractExample), now: StoreFixture.importedAt)
            let changed = Self.contractExample.replacingOccurrences(of: "\"499.00\"", with: "\"549.00\"")

            // when
            _ = try await importer.importFile(at: try test.write("plans-2.json", changed), now: StoreFixture.importedAt)

            // then
            #expect(try await test.count("tariff_plans") == 1)
            let plans = try await test.database.read { db in try await PlanRepository().all(on: db) }
            #expect(plans["POST499"]?.monthlyFee == Self.money("549.00"))
        }
    }

    @Test("a negative rate is refused, naming the plan and the field, and nothing is stored", arguments: TestDatabase.engines)
    func negativeRate(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a file whose second plan has a negative data rate
            let second = Self.contractExample.dropFirst().dropLast()
                .replacingOccurrences(of: "POST499", with: "POST799")
                .replacingOccurrences(of: "\"dataPerMB\": \"0.50\"", with: "\"dataPerMB\": \"-0.50\"")
            let path = try test.write("plans.json", "[" + Self.contractExample.dropFirst().dropLast() + ", " + second + "]")

            // when
            let error = await #expect(throws: ImportError.self) {
                try await PlanImporter(database: test.database).importFile(at: path, now: StoreFixture.importedAt)
            }

            // then
            let message = String(describing: try #require(error))
            #expect(message.contains("plan 2"))
            #expect(message.contains("POST799"))
            #expect(message.contains("rates.dataPerMB"))
            #expect(try await test.count("tariff_plans") == 0)
        }
    }

    @Test("a missing field is refused, naming the plan and the field, and nothing is stored", arguments: TestDatabase.engines)
    func missingField(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a plan without its monthly fee
            let path = try test.write("plans.json", Self.contractExample.replacingOccurrences(of: "\"monthlyFee\": \"499.00\",", with: ""))

            // when
            let error = await #expect(throws: ImportError.self) {
                try await PlanImporter(database: test.database).importFile(at: path, now: StoreFixture.importedAt)
            }

            // then
            let message = String(describing: try #require(error))
            #expect(message.contains("plan 1"))
            #expect(message.contains("monthlyFee"))
            #expect(try await test.count("tariff_plans") == 0)
        }
    }

    @Test("a plan code given twice is refused", arguments: TestDatabase.engines)
    func duplicateCode(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            let plan = Self.contractExample.dropFirst().dropLast()
            let path = try test.write("plans.json", "[" + plan + ", " + plan + "]")

            // when
            let error = await #expect(throws: ImportError.self) {
                try await PlanImporter(database: test.database).importFile(at: path, now: StoreFixture.importedAt)
            }

            // then
            #expect(String(describing: try #require(error)).contains("POST499"))
            #expect(try await test.count("tariff_plans") == 0)
        }
    }
}

/// CONTRACT §3: plan versions, each in force from a day on; a period is rated with the version in force on its first day.
@Suite("Plan versions")
struct PlanVersionTests {
    /// `TEST10` with another monthly fee, from `effectiveFrom` (none: the default).
    static func test10(fee: String, effectiveFrom: String?) -> String {
        let plans = try! JSONSerialization.jsonObject(with: Data(StoreFixture.plansJSON.utf8)) as! [[String: Any]]
        var plan = plans.first { $0["code"] as? String == "TEST10" }!
        plan["monthlyFee"] = fee
        if let effectiveFrom { plan["effectiveFrom"] = effectiveFrom }
        return String(decoding: try! JSONSerialization.data(withJSONObject: [plan]), as: UTF8.self)
    }

    @Test("later versions are added, the same one again changes nothing, and each bill run uses the version in force on the period's first day",
          arguments: TestDatabase.engines)
    func versionsByPeriod(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given TEST10 at 100.00 (since always), 150.00 from 15 October and 200.00 from 1 November
            try await test.importPlans()
            try await test.importCustomers([StoreFixture.customer("IND", "+23057000004", plan: "TEST10", activatedOn: "2026-01-15")])
            let importer = PlanImporter(database: test.database)
            let midOctober = try await importer.importFile(at: try test.write("a.json", Self.test10(fee: "150.00", effectiveFrom: "2026-10-15")),
                                                           now: StoreFixture.importedAt)
            let november = try await importer.importFile(at: try test.write("b.json", Self.test10(fee: "200.00", effectiveFrom: "2026-11-01")),
                                                         now: StoreFixture.importedAt)
            let again = try await importer.importFile(at: try test.write("c.json", Self.test10(fee: "200.00", effectiveFrom: "2026-11-01")),
                                                      now: StoreFixture.importedAt)

            // when October and November are billed
            let runner = BillRunner(database: test.database)
            _ = try await runner.run(period: try BillingPeriod("2026-10"), now: Instant.mauritius(2026, 11, 1, 9))
            _ = try await runner.run(period: try BillingPeriod("2026-11"), now: Instant.mauritius(2026, 12, 1, 9))

            // then
            #expect(midOctober.map(\.outcome) == [.added] && midOctober.map(\.version) == [2])
            #expect(november.map(\.version) == [3])
            #expect(again.map(\.outcome) == [.unchanged])
            #expect(try await test.count("tariff_plan_versions", where: "code = 'TEST10'") == 3)
            #expect(try await test.bills(period: "2026-10").map(\.monthlyFee) == [Money(cents: 10_000)])
            #expect(try await test.bills(period: "2026-11").map(\.monthlyFee) == [Money(cents: 20_000)])
            let versions = try await test.database.read { db in
                try await db.raw("SELECT v.version FROM bills b JOIN tariff_plan_versions v ON v.id = b.plan_version_id ORDER BY b.period").all()
                    .map { try $0.decode(column: "version", as: Int64.self) }
            }
            #expect(versions == [1, 3])
        }
    }

    @Test("an effectiveFrom that is not a day is refused, naming the plan and the field", arguments: TestDatabase.engines)
    func badDay(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await test.importPlans()

            // when
            let error = await #expect(throws: ImportError.self) {
                _ = try await PlanImporter(database: test.database)
                    .importFile(at: try test.write("a.json", Self.test10(fee: "150.00", effectiveFrom: "2026-02-30")), now: StoreFixture.importedAt)
            }

            // then
            #expect(String(describing: error!).contains("plan 1, effectiveFrom"))
            #expect(try await test.count("tariff_plan_versions") == 2)
        }
    }
}
