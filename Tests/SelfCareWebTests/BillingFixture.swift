import Foundation
import HummingbirdTesting
import Logging
import SelfCareCore
import SelfCareMessaging
import SelfCarePayments
import SelfCareStore
import Synchronization
@testable import SelfCareServices
@testable import SelfCareWeb

/// The billing world of the consumption, bill, document and access suites, on top of `Subscribers`: October 2026
/// closed by the bill run (one bill per line, a group bill for each client with two or more lines), and November
/// 2026 open with usage imported. The company gets 22 more lines (24 in all, two pages of accounts), and a ministry
/// with a Client ID and two lines stands for "another client".
enum Billing {
    static let october = try! BillingPeriod("2026-10")
    static let november = try! BillingPeriod("2026-11")

    /// 20 November 2026, 10:00 in Mauritius: November is open, October's bills are due on the 22nd.
    static let today = mauritius(2026, 11, 20, 10)

    static let ministryClientID: ClientID = {
        var generator = SeededRandom(seed: 4711)
        return ClientID.random(using: &generator)
    }()
    static let ministryContact = try! MSISDN("+230 5740 0000")
    static let ministryAccounts = [AccountID(body: 423_456_791), AccountID(body: 423_456_792)]
    static let ministryLines = [try! MSISDN("+230 5740 0001"), try! MSISDN("+230 5740 0002")]

    /// The company's further lines (all on TEST10).
    static let extraCompanyAccounts = (0..<22).map { AccountID(body: 323_456_800 + $0) }
    static let extraCompanyLines = (0..<22).map { try! MSISDN(String(format: "+2305721%04d", $0)) }
    static var companyAccountCount: Int { Subscribers.companyAccounts.count + extraCompanyAccounts.count }

    /// An instant given in Mauritius time (UTC+4, no daylight saving).
    static func mauritius(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 4 * 3600)!
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
    }

    // MARK: - Files

    static var customersCSV: String {
        var rows = [CustomerRow.header]
        for (account, line) in zip(extraCompanyAccounts, extraCompanyLines) {
            rows.append(["C200", "Riviere Transport Ltd", "company", "accounts@riviere.example.mu", Subscribers.companyContact.e164,
                         account.rawValue, line.e164, "TEST10", "2026-02-01"])
        }
        for (account, line) in zip(ministryAccounts, ministryLines) {
            rows.append(["C400", "Ministry of Tourism", "government", "it@tourism.example.mu", ministryContact.e164, account.rawValue,
                         line.e164, "POST499", "2026-04-01"])
        }
        return rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func voice(_ id: String, _ line: MSISDN, _ at: String, seconds: Int, to destination: String, roaming: String = "") -> [String] {
        [id, line.e164, "voice", at, String(seconds), "", destination, roaming]
    }

    static func sms(_ id: String, _ line: MSISDN, _ at: String, to destination: String, roaming: String = "") -> [String] {
        [id, line.e164, "sms", at, "", "", destination, roaming]
    }

    static func data(_ id: String, _ line: MSISDN, _ at: String, bytes: Int64, roaming: String = "") -> [String] {
        [id, line.e164, "data", at, "", String(bytes), "", roaming]
    }

    /// October's records: a few of every kind for each billed line with usage.
    static var octoberUsage: [[String]] {
        let aline = Subscribers.alineLine
        let kevin = Subscribers.kevinLine
        let company = Subscribers.companyLines
        return [
            voice("OA1", aline, "2026-10-02T09:00:00+04:00", seconds: 600, to: "+23057300001"),
            voice("OA2", aline, "2026-10-03T10:00:00+04:00", seconds: 90, to: "+33142685300"),
            sms("OA3", aline, "2026-10-04T10:00:00+04:00", to: "+919820012345"),
            data("OA4", aline, "2026-10-05T10:00:00+04:00", bytes: 1_250_000_000),
            voice("OA5", aline, "2026-10-07T10:00:00+04:00", seconds: 30, to: "+23057300001", roaming: "FR"),
            voice("OK1", kevin, "2026-10-02T11:00:00+04:00", seconds: 900, to: "+23057100001"),
            sms("OK2", kevin, "2026-10-02T11:30:00+04:00", to: "+23057100001"),
            sms("OK3", kevin, "2026-10-02T11:31:00+04:00", to: "+23057100001"),
            sms("OK4", kevin, "2026-10-02T11:32:00+04:00", to: "+23057100001"),
            data("OK5", kevin, "2026-10-03T08:00:00+04:00", bytes: 25_000_000),
            voice("OC1", company[0], "2026-10-06T08:00:00+04:00", seconds: 3_000, to: "+2302086000"),
            sms("OC2", company[0], "2026-10-06T08:10:00+04:00", to: "+33612345678"),
            voice("OC3", company[1], "2026-10-06T09:00:00+04:00", seconds: 1_200, to: "+23057200001"),
            data("OC4", company[1], "2026-10-06T09:30:00+04:00", bytes: 40_000_000),
            voice("OC5", extraCompanyLines[3], "2026-10-08T09:30:00+04:00", seconds: 61, to: "+23057200001", roaming: "ZA"),
            voice("OM1", ministryLines[0], "2026-10-09T09:00:00+04:00", seconds: 300, to: "+2302086000"),
            voice("OM2", ministryLines[1], "2026-10-09T10:00:00+04:00", seconds: 240, to: "+442071234567"),
        ]
    }

    /// Aline's November so far: 64 records of every kind, each at its own minute, enough to use up her voice and data
    /// allowances (and so be charged) and to fill two pages of 50.
    static var alineNovember: [[String]] {
        let line = Subscribers.alineLine
        return (0..<64).map { index in
            let at = String(format: "2026-11-%02dT%02d:%02d:%02d+04:00", 1 + index % 19, 7 + (index * 5) % 14, (index * 7) % 60, index % 60)
            let id = String(format: "NA%03d", index)
            switch index % 8 {
            case 0: return voice(id, line, at, seconds: 600 + index * 13, to: "+23057300001")
            case 1: return sms(id, line, at, to: "+23057300001")
            case 2: return data(id, line, at, bytes: 700_000_000 + Int64(index) * 1_000_003)
            case 3: return voice(id, line, at, seconds: 420 + index, to: "+2302086000")
            case 4: return sms(id, line, at, to: "+919820012345")
            case 5: return voice(id, line, at, seconds: 95 + index, to: "+33142685300")
            case 6: return voice(id, line, at, seconds: 45, to: "+23057100002", roaming: "FR")
            default: return data(id, line, at, bytes: 1_500_000, roaming: "ZA")
            }
        }
    }

    /// November's records of the other lines.
    static var othersNovember: [[String]] {
        [
            voice("NK1", Subscribers.kevinLine, "2026-11-03T09:00:00+04:00", seconds: 700, to: "+23057100001"),
            sms("NK2", Subscribers.kevinLine, "2026-11-03T09:05:00+04:00", to: "+23057100001"),
            voice("NC1", Subscribers.companyLines[0], "2026-11-04T09:00:00+04:00", seconds: 200, to: "+2302086000"),
            data("NC2", Subscribers.companyLines[1], "2026-11-04T10:00:00+04:00", bytes: 15_000_000),
            voice("NM1", ministryLines[0], "2026-11-05T10:00:00+04:00", seconds: 120, to: "+33142685300"),
        ]
    }

    static func csv(_ rows: [[String]]) -> String {
        ([UsageRow.header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// Aline's November records as the rater reads them.
    static var alineNovemberRecords: [UsageRecord] {
        alineNovember.map { try! UsageRow.parse($0) }
    }

    // MARK: - Loading

    /// Loads the world into the portal's database through the importers and the bill run, and sets the clock to `today`.
    static func load(_ portal: PortalTest) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("selfcare-billing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ name: String, _ text: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        let database = portal.database
        let customers = try await CustomerImporter(database: database, newAccountID: { fatalError("every row names its Account ID") })
            .importFile(at: try write("customers.csv", customersCSV), now: portal.clock.now())
        guard customers.rejected.isEmpty else { throw PortalTestError("customers rejected: \(customers.rejected)") }
        let ministry = ministryClientID
        let key = try await ClientIDKeyring(database: database).key(configured: nil, now: portal.clock.now())
        _ = try await ClientIDIssuer(database: database, key: key, newClientID: { ministry }).issue(clientReference: "C400", now: portal.clock.now())
        let octoberReport = try await UsageImporter(database: database).importFile(at: try write("october.csv", csv(octoberUsage)))
        guard octoberReport.rejected.isEmpty else { throw PortalTestError("October usage rejected: \(octoberReport.rejected)") }
        _ = try await runBills(portal, period: october)
        let novemberReport = try await UsageImporter(database: database)
            .importFile(at: try write("november.csv", csv(alineNovember + othersNovember)))
        guard novemberReport.rejected.isEmpty else { throw PortalTestError("November usage rejected: \(novemberReport.rejected)") }
        portal.clock.advance(by: today.timeIntervalSince(portal.clock.now()))
    }

    /// Closes `period` now (by the portal's clock), with the bill-ready SMS the command line queues.
    @discardableResult
    static func runBills(_ portal: PortalTest, period: BillingPeriod) async throws -> BillRunner.Outcome {
        try await BillRunner(database: portal.database).run(period: period, now: portal.clock.now())
    }

    /// A portal with the billing world loaded and the logins of Aline, the company and the ministry registered
    /// (optionally with a card gateway, see `WebTest.withPortal`).
    static func withPortal(
        engine: DatabaseEngine = .sqlite, framework: TestingSetup = .router, gateway: GatewaySettings? = nil,
        cardGateway: (any CardGateway)? = nil, appLogger: Logger = WebTest.logger,
        configure: @Sendable (inout AppConfiguration) -> Void = { _ in },
        dependencies adjust: @Sendable (inout AppDependencies) -> Void = { _ in },
        _ body: @escaping @Sendable (PortalTest) async throws -> Void
    ) async throws {
        try await WebTest.withPortal(engine: engine, framework: framework, gateway: gateway, cardGateway: cardGateway, appLogger: appLogger,
                                     configure: configure, dependencies: adjust) { portal in
            try await load(portal)
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            try await portal.register(Subscribers.companyClientID.grouped, number: Subscribers.companyContact)
            try await portal.register(ministryClientID.grouped, number: ministryContact)
            try await body(portal)
        }
    }
}

extension PortalTest {
    /// The account with this Account ID, as stored.
    func storedAccount(_ id: AccountID) async throws -> StoredAccount {
        guard let account = try await database.read({ db in try await CustomerRepository().account(id: id, on: db) }) else {
            throw PortalTestError("no account \(id)")
        }
        return account
    }

    /// The bills of an account, newest period first.
    func bills(of id: AccountID) async throws -> [StoredBill] {
        let account = try await storedAccount(id)
        return try await database.read { db in
            try await BillQueries().bills(scope: .account(rowID: account.id), accountRowID: nil, state: nil, offset: 0, limit: 100, on: db)
        }
    }

    /// The bill of an account for a period.
    func bill(of id: AccountID, period: BillingPeriod) async throws -> StoredBill {
        guard let bill = try await bills(of: id).first(where: { $0.period == period.description }) else {
            throw PortalTestError("no bill of \(id) for \(period)")
        }
        return bill
    }

    /// The usage lines of a bill.
    func lines(of bill: StoredBill) async throws -> [ChargeLine] {
        try await database.read { db in try await BillQueries().lines(billID: bill.id, on: db) }
    }

    /// The group bills of the client that owns `id`, newest first.
    func groupBills(ofClientOf id: AccountID) async throws -> [StoredGroupBill] {
        let account = try await storedAccount(id)
        return try await database.read { db in
            try await BillQueries().groupBills(scope: .client(rowID: account.clientRowID), period: nil, on: db)
        }
    }

    /// The member bills of a group bill.
    func members(of group: StoredGroupBill) async throws -> [StoredBill] {
        try await database.read { db in try await BillQueries().members(groupBillID: group.id, on: db) }
    }

    /// The plan of an account's line.
    func plan(of id: AccountID) async throws -> TariffPlan {
        let account = try await storedAccount(id)
        guard let plan = try await database.read({ db in try await PlanRepository().all(on: db) })[account.account.line.planCode] else {
            throw PortalTestError("no plan \(account.account.line.planCode)")
        }
        return plan
    }

    /// The login of an Account ID (`client: false`) or of the client owning it (`client: true`).
    func userID(of id: AccountID, client: Bool = false) async throws -> Int64 {
        let account = try await storedAccount(id)
        let scope: LoginScope = client ? .client(rowID: account.clientRowID) : .account(rowID: account.id)
        guard let user = try await database.read({ db in try await UserRepository().user(scope: scope, on: db) }) else {
            throw PortalTestError("no login for \(id)")
        }
        return user.id
    }

    /// The `accessDenied` audit events.
    func denials() async throws -> [AuditRow] {
        try await auditEvents().filter { $0.action == "accessDenied" }
    }

    /// A browser logged in through the login form.
    func signedInBrowser(_ identifier: String, acceptLanguage: String? = nil) async throws -> Browser {
        let browser = browser(acceptLanguage: acceptLanguage)
        try await browser.get("/login")
        let answer = try await browser.post("/login", ["identifier": identifier, "password": Subscribers.password])
        guard answer.status == .seeOther else { throw PortalTestError("login refused: \(answer.status) \(answer.text)") }
        return browser
    }
}

/// Reading amounts and tables back out of the HTML pages.
enum Page {
    /// An amount as a page shows it (`Rs 1,234.50` or `1 234,50 Rs`), as Money.
    static func money(_ text: String) throws -> Money {
        let digits = text.filter { $0.isNumber || $0 == "," || $0 == "." || $0 == "-" }
        let english = text.contains("Rs\u{00A0}") && !text.hasSuffix("Rs")
        let plain = english ? digits.replacingOccurrences(of: ",", with: "") : digits.replacingOccurrences(of: ",", with: ".")
        return try Money(decimal: plain)
    }

    /// The rows of the first `<tbody>` after `marker`, each as the texts of its cells (tags removed).
    static func rows(_ html: String, after marker: String = "") -> [[String]] {
        var text = Substring(html)
        if !marker.isEmpty, let range = html.range(of: marker) { text = html[range.upperBound...] }
        guard let start = text.range(of: "<tbody>"), let end = text[start.upperBound...].range(of: "</tbody>") else { return [] }
        let body = text[start.upperBound..<end.lowerBound]
        return body.components(separatedBy: "</tr>").compactMap { row -> [String]? in
            let cells = row.components(separatedBy: "</td>").dropLast().map { cell in
                cell.replacing(/<[^>]*>/, with: "").replacingOccurrences(of: "&amp;", with: "&").trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return cells.isEmpty ? nil : cells
        }
    }

    /// The text of the first element matching `pattern`'s single capture.
    static func first(_ html: String, _ pattern: Regex<(Substring, Substring)>) -> String? {
        html.firstMatch(of: pattern).map { String($0.output.1) }
    }
}
