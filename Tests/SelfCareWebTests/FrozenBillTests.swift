import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// A bill is a record: once issued, new plan versions change nothing it says, in the API, its CSV or its PDF; they
/// change only the open period.
@Suite("Frozen bills")
struct FrozenBillTests {
    static let aline = Subscribers.aline.rawValue
    static let company = Subscribers.companyClientID.grouped

    /// Every plan of the portal tests with its rates doubled and its allowances halved.
    static var dearerPlans: String {
        var plans = try! JSONSerialization.jsonObject(with: Data(Subscribers.plansJSON.utf8)) as! [[String: Any]]
        for index in plans.indices {
            var rates = plans[index]["rates"] as! [String: Any]
            for (name, value) in rates {
                if let text = value as? String { rates[name] = Money(cents: try! Money(decimal: text).cents * 2).decimalString }
            }
            rates["internationalPerMinute"] = ["default": "24.00"]
            plans[index]["rates"] = rates
            var allowance = plans[index]["allowance"] as! [String: Int]
            for (name, value) in allowance { allowance[name] = value / 2 }
            plans[index]["allowance"] = allowance
            plans[index]["name"] = "\(plans[index]["name"]!) (new prices)"
        }
        return String(decoding: try! JSONSerialization.data(withJSONObject: plans), as: UTF8.self)
    }

    /// What an issued bill says, as its subscriber reads it: the API's amounts, the CSV and the PDF, byte for byte.
    struct Snapshot: Equatable {
        var api: String
        var csv: Data
        var pdf: Data
        var groupCSV: Data
        var page: String

        static func take(_ portal: PortalTest, token: String, companyToken: String, browser: Browser) async throws -> Snapshot {
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let group = try await portal.companyGroupBill()
            let api = try await portal.api(.get, "/api/v1/customerBill/\(bill.billNo)", token: token)
            let csv = try await portal.api(.get, "/api/v1/customerBill/\(bill.billNo)/document?format=csv", token: token)
            let pdf = try await portal.api(.get, "/api/v1/customerBill/\(bill.billNo)/document?format=pdf", token: token)
            let groupCSV = try await portal.api(.get, "/api/v1/groupBill/\(group.groupBillNo)/document?format=csv", token: companyToken)
            let page = try await browser.get("/bills/\(bill.billNo)")
            guard [api, csv, pdf, groupCSV, page].allSatisfy({ $0.status == .ok }) else { throw PortalTestError("a document was refused") }
            return Snapshot(api: api.text, csv: Data(csv.body.readableBytesView), pdf: Data(pdf.body.readableBytesView),
                            groupCSV: Data(groupCSV.body.readableBytesView),
                            page: page.comparableText.replacing(/name="idempotencyKey" value="[^"]*"/, with: ""))
        }
    }

    @Test("new plan versions, from the open period or a later day, change nothing an issued bill says", arguments: TestDatabase.engines)
    func issuedBillsStay(engine: DatabaseEngine) async throws {
        try await Billing.withPortal(engine: engine) { portal in
            // given October billed, and what its bills say
            let token = try await portal.token(Self.aline)
            let companyToken = try await portal.token(Self.company)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let before = try await Snapshot.take(portal, token: token, companyToken: companyToken, browser: browser)
            let usageBefore = try await portal.api(.get, "/api/v1/usageSummary?billingAccount.id=\(Self.aline)", token: token)

            // when every rate doubles and every allowance halves: from the open period, and again from next year
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frozen-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let dearer = folder.appendingPathComponent("plans.json")
            try Data(Self.dearerPlans.utf8).write(to: dearer)
            let now = portal.clock.now()
            let opened = try await PlanImporter(database: portal.database).importFile(at: dearer.path, now: now)
            let later = folder.appendingPathComponent("later.json")
            try Data(Self.dearerPlans.replacingOccurrences(of: "\"code\"", with: "\"effectiveFrom\":\"2027-01-01\",\"code\"").utf8).write(to: later)
            let nextYear = try await PlanImporter(database: portal.database).importFile(at: later.path, now: now)
            let after = try await Snapshot.take(portal, token: token, companyToken: companyToken, browser: browser)
            let usageAfter = try await portal.api(.get, "/api/v1/usageSummary?billingAccount.id=\(Self.aline)", token: token)

            // then the versions were added and the open period is rated with the new one
            #expect(opened.map(\.outcome) == [.added, .added])
            #expect(opened.map(\.effectiveFrom) == ["2026-11-01", "2026-11-01"])
            #expect(nextYear.map(\.version) == [3, 3])
            #expect(usageAfter.text != usageBefore.text)
            // and every issued bill says what it said
            #expect(after.api == before.api)
            #expect(after.csv == before.csv)
            #expect(after.pdf == before.pdf)
            #expect(after.groupCSV == before.groupCSV)
            #expect(after.page == before.page)
            #expect(after.page.contains("Post Pay 499, version 1"))
        }
    }

    @Test("a version cannot start in a billed period, nor replace one a bill was issued with")
    func historyIsKept() async throws {
        try await Billing.withPortal { portal in
            // given October billed
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frozen-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let october = folder.appendingPathComponent("october.json")
            try Data(Self.dearerPlans.replacingOccurrences(of: "\"code\"", with: "\"effectiveFrom\":\"2026-10-15\",\"code\"").utf8).write(to: october)
            let old = folder.appendingPathComponent("old.json")
            try Data(Self.dearerPlans.replacingOccurrences(of: "\"code\"", with: "\"effectiveFrom\":\"2000-01-01\",\"code\"").utf8).write(to: old)
            let importer = PlanImporter(database: portal.database)

            // when
            let inBilledPeriod = await #expect(throws: ImportError.self) { _ = try await importer.importFile(at: october.path, now: portal.clock.now()) }
            let overIssued = await #expect(throws: ImportError.self) { _ = try await importer.importFile(at: old.path, now: portal.clock.now()) }

            // then
            #expect(String(describing: inBilledPeriod!).contains("effectiveFrom 2026-10-15 is in 2026-10, which is already billed"))
            #expect(String(describing: overIssued!).contains("2026-11-01"))
            #expect(try await portal.count("tariff_plan_versions") == 2)
        }
    }

    @Test("bills issued before their records were kept get them once, from their own plan version, equal to what the bill run keeps")
    func legacyBillsFrozen() async throws {
        try await Billing.withPortal { portal in
            // given October's records as the bill run kept them, then dropped as in a database from before
            let kept = try await Self.keptUsage(portal)
            try await portal.database.transaction { db in
                try await db.raw("DELETE FROM bill_usage").run()
                try await db.raw("DELETE FROM schema_migrations WHERE version = 25").run()
            }

            // when the migrations run again
            let applied = try await Migrator(database: portal.database).migrate(now: portal.clock.now())

            // then
            #expect(applied.map(\.name) == ["freezeBilledUsage"])
            #expect(kept.count > 3)
            #expect(try await Self.keptUsage(portal) == kept)
        }
    }

    /// Each bill's kept records, as bytes in hex, by bill.
    static func keptUsage(_ portal: PortalTest) async throws -> [Int64: Data] {
        try await portal.database.read { db in
            var kept: [Int64: Data] = [:]
            for row in try await db.raw("SELECT bill_id, data FROM bill_usage").all() {
                kept[try row.decode(column: "bill_id", as: Int64.self)] = try row.decode(column: "data", as: Data.self)
            }
            return kept
        }
    }
}
