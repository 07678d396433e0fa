import Foundation
import Logging
import SelfCareCore
import SelfCareServices
import SelfCareStore
import SQLKit

/// A fresh, empty database for one test, on SQLite (a temporary file) or on PostgreSQL (a database created for
/// the test on the server named by `TEST_DATABASE_URL`), with a scratch folder for fixture files.
package struct TestDatabase: Sendable {
    /// The PostgreSQL server to test against, when the environment names one.
    package static let postgresURL: String? = {
        guard let text = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !text.isEmpty else { return nil }
        return text
    }()

    /// SQLite, and PostgreSQL when `TEST_DATABASE_URL` is set. Under CI a PostgreSQL case never goes missing quietly:
    /// without a server the run stops.
    package static var engines: [DatabaseEngine] {
        if postgresURL == nil, ProcessInfo.processInfo.environment["CI"] != nil {
            fatalError("CI runs every suite on PostgreSQL too, and TEST_DATABASE_URL is not set")
        }
        return postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    package static let logger: Logger = {
        var logger = Logger(label: "selfcare.tests")
        logger.logLevel = .critical
        return logger
    }()

    /// A new, empty database of `engine` (SQLite in `folder`), and how to remove it afterwards.
    package static func fresh(_ engine: DatabaseEngine, in folder: URL) async throws -> (url: DatabaseURL, drop: @Sendable () async -> Void) {
        switch engine {
        case .sqlite:
            return (.sqlite(path: folder.appendingPathComponent("test.sqlite").path), {})
        case .postgres:
            let (url, drop) = try await createPostgresDatabase()
            return (.postgres(url: url), drop)
        }
    }

    /// Creates `t_<random>` on the test server; returns its URL and how to drop it.
    private static func createPostgresDatabase() async throws -> (String, @Sendable () async -> Void) {
        guard let adminURL = postgresURL, var components = URLComponents(string: adminURL) else {
            throw TestDatabaseError("TEST_DATABASE_URL is not set")
        }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try await Database.open(.postgres(url: adminURL), logger: logger)
        do {
            // CREATE DATABASE cannot run inside a transaction: use a plain connection.
            try await admin.read { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        components.path = "/" + name
        guard let url = components.string else { throw TestDatabaseError("cannot build a URL from TEST_DATABASE_URL") }
        let drop: @Sendable () async -> Void = {
            guard let admin = try? await Database.open(.postgres(url: adminURL), logger: logger) else { return }
            _ = try? await admin.read { db in try await db.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
            await admin.close()
        }
        return (url, drop)
    }

    package let database: Database
    /// Where `database` lives, so a test can open a second `Database` on the same store (another instance).
    package let url: DatabaseURL
    /// A scratch folder of this test, removed afterwards.
    package let folder: URL

    /// Runs `body` with a fresh database of `engine` (migrated unless told otherwise), then removes it.
    package static func with<R: Sendable>(
        _ engine: DatabaseEngine, migrated: Bool = true, _ body: (TestDatabase) async throws -> R
    ) async throws -> R {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("selfcare-store-tests-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var dropDatabase: (@Sendable () async -> Void)?
        let database: Database
        let url: DatabaseURL
        do {
            let fresh = try await fresh(engine, in: folder)
            url = fresh.url
            dropDatabase = fresh.drop
            database = try await Database.open(url, logger: logger)
        } catch {
            await dropDatabase?()
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        let test = TestDatabase(database: database, url: url, folder: folder)
        do {
            if migrated { try await Migrator(database: database).migrate(now: StoreFixture.migratedAt) }
            let result = try await body(test)
            await test.tearDown(dropDatabase)
            return result
        } catch {
            await test.tearDown(dropDatabase)
            throw error
        }
    }

    private func tearDown(_ dropDatabase: (@Sendable () async -> Void)?) async {
        await database.close()
        await dropDatabase?()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Writes a fixture file into the scratch folder and returns its path.
    @discardableResult
    package func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The number of rows of `table` (optionally restricted by a trusted `WHERE` clause).
    package func count(_ table: String, where condition: String? = nil) async throws -> Int {
        let filter = condition.map { " WHERE \($0)" } ?? ""
        return try await database.read { db in
            let row = try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)\(unsafeRaw: filter)").first()
            return Int(try row!.decode(column: "n", as: Int64.self))
        }
    }

    /// The names of the tables of the database.
    package func tableNames() async throws -> Set<String> {
        let query: SQLQueryString = switch database.engine {
        case .sqlite: "SELECT name FROM sqlite_master WHERE type = 'table'"
        case .postgres: "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
        }
        return try await database.read { db in
            Set(try await db.raw(query).all().map { try $0.decode(column: "name", as: String.self) })
        }
    }

    /// Imports the plans of `StoreFixture.plansJSON`.
    package func importPlans() async throws {
        let path = try write("plans-\(UUID().uuidString).json", StoreFixture.plansJSON)
        _ = try await PlanImporter(database: database).importFile(at: path, now: StoreFixture.importedAt)
    }

    /// Imports a customers file made of `rows` (after the header) with generated Account IDs from `firstBody`.
    @discardableResult
    package func importCustomers(
        _ rows: [[String]], firstGeneratedBody: Int = 500_000_000, now: Date = StoreFixture.importedAt
    ) async throws -> CustomerImporter.Report {
        let path = try write("customers-\(UUID().uuidString).csv", StoreFixture.csv(CustomerRow.header, rows))
        return try await CustomerImporter(database: database, newAccountID: AccountIDSequence(firstBody: firstGeneratedBody).next)
            .importFile(at: path, now: now)
    }

    /// Imports a usage file made of `rows` (after the header); with `alerts`, the usage alerts it sets off are queued.
    package func importUsage(_ rows: [[String]], alerts: Bool = false, now: Date = StoreFixture.importedAt) async throws -> UsageImporter.Report {
        let path = try write("usage-\(UUID().uuidString).csv", StoreFixture.csv(UsageRow.header, rows))
        let evaluator = alerts ? UsageAlertEvaluator(database: database, operatorName: "Mobile Operator", portalURL: "https://selfcare.example") : nil
        return try await UsageImporter(database: database, alerts: evaluator, clock: StoppedClock(now)).importFile(at: path)
    }

    /// Every bill of `period`, in bill number order.
    package func bills(period: String) async throws -> [StoredBill] {
        try await database.read { db in
            try await db.raw("\(unsafeRaw: BillingRepository.billSelect) WHERE b.period = \(bind: period) ORDER BY b.bill_no").all()
                .map(BillingRepository.bill(from:))
        }
    }

    /// Every group bill of `period`: its client reference, number, account count and total.
    package func groupBills(period: String) async throws -> [GroupBillRow] {
        try await database.read { db in
            try await db.raw("""
                SELECT g.id, g.group_bill_no, c.client_ref, g.account_count, g.total_cents, g.bill_date, g.due_date
                FROM group_bills g JOIN clients c ON c.id = g.client_id
                WHERE g.period = \(bind: period) ORDER BY g.group_bill_no
                """).all().map { row in
                GroupBillRow(
                    id: try row.decode(column: "id", as: Int64.self),
                    number: try row.decode(column: "group_bill_no", as: String.self),
                    clientRef: try row.decode(column: "client_ref", as: String.self),
                    accountCount: Int(try row.decode(column: "account_count", as: Int64.self)),
                    total: Money(cents: try row.decode(column: "total_cents", as: Int64.self)),
                    billDate: try row.decode(column: "bill_date", as: String.self),
                    dueDate: try row.decode(column: "due_date", as: String.self))
            }
        }
    }
}

/// A group bill as the tests look at it.
package struct GroupBillRow: Sendable, Hashable {
    package var id: Int64
    package var number: String
    package var clientRef: String
    package var accountCount: Int
    package var total: Money
    package var billDate: String
    package var dueDate: String
}


/// Hands out Account IDs `firstBody`, `firstBody + 1`, … with their check digit, so generated IDs are predictable.
package final class AccountIDSequence: @unchecked Sendable {
    private let lock = NSLock()
    private var body: Int
    private(set) var issued = 0

    package init(firstBody: Int) {
        body = firstBody
    }

    @Sendable package func next() -> AccountID {
        lock.lock()
        defer { lock.unlock() }
        let id = AccountID(body: body)
        body += 1
        issued += 1
        return id
    }
}

/// Hands out the given Client IDs in turn (then repeats the last).
package final class ClientIDSequence: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: [ClientID]

    package init(_ ids: [ClientID]) {
        remaining = ids
    }

    @Sendable package func next() -> ClientID {
        lock.lock()
        defer { lock.unlock() }
        return remaining.count > 1 ? remaining.removeFirst() : remaining[0]
    }
}

/// Fixed instants built with Foundation's own calendar, independent of the code under test.
package enum Instant {
    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    /// An instant given in Mauritius time (UTC+4, no daylight saving).
    package static func mauritius(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
        utcCalendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
            .addingTimeInterval(-4 * 3600)
    }
}

/// Test data shared by the store suites.
package enum StoreFixture {
    package static let migratedAt = Instant.mauritius(2026, 1, 1, 9)
    /// The key the store suites keep Client IDs with.
    package static let clientIDKey = ClientIDKey(secret: "store-tests-client-id-key-0123456789abcdef")
    package static let importedAt = Instant.mauritius(2026, 10, 1, 9)

    /// The plans file: CONTRACT §3's `POST499`, and `TEST10`, whose small allowances a few records exhaust.
    package static let plansJSON = """
        [{"code": "POST499", "name": "Post Pay 499", "monthlyFee": "499.00",
          "allowance": {"voiceMinutes": 100, "sms": 500, "dataMB": 5000},
          "rates": {"voiceOnNetPerMinute": "1.50", "voiceOffNetPerMinute": "2.00",
                    "smsNational": "1.00", "smsInternational": "4.00", "dataPerMB": "0.50",
                    "roamingVoicePerMinute": "35.00", "roamingSms": "10.00", "roamingDataPerMB": "150.00",
                    "internationalPerMinute": {"default": "12.00", "+33": "8.00", "+91": "5.00"}},
          "onNetPrefixes": ["+2305"]},
         {"code": "TEST10", "name": "Test 10", "monthlyFee": "100.00",
          "allowance": {"voiceMinutes": 10, "sms": 2, "dataMB": 10},
          "rates": {"voiceOnNetPerMinute": "1.50", "voiceOffNetPerMinute": "2.00",
                    "smsNational": "1.00", "smsInternational": "4.00", "dataPerMB": "0.50",
                    "roamingVoicePerMinute": "35.00", "roamingSms": "10.00", "roamingDataPerMB": "150.00",
                    "internationalPerMinute": {"default": "12.00", "+33": "8.00", "+91": "5.00"}},
          "onNetPrefixes": ["+2305"]}]
        """

    /// A CSV file: the header, then the rows (fields must not need quoting).
    package static func csv(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// A customers row; an empty `accountID` asks for a generated one.
    package static func customer(
        _ clientRef: String, _ msisdn: String, plan: String = "TEST10", activatedOn: String = "2026-01-15",
        accountID: String = "", kind: String = "individual", name: String? = nil
    ) -> [String] {
        [clientRef, name ?? "Client \(clientRef)", kind, "\(clientRef.lowercased())@example.mu", "", accountID, msisdn, plan, activatedOn]
    }

    package static func voice(_ id: String, _ msisdn: String, at startedAt: String, seconds: Int, to destination: String, roaming: String = "") -> [String] {
        [id, msisdn, "voice", startedAt, String(seconds), "", destination, roaming]
    }

    package static func sms(_ id: String, _ msisdn: String, at startedAt: String, to destination: String, roaming: String = "") -> [String] {
        [id, msisdn, "sms", startedAt, "", "", destination, roaming]
    }

    package static func data(_ id: String, _ msisdn: String, at startedAt: String, bytes: Int64, roaming: String = "") -> [String] {
        [id, msisdn, "data", startedAt, "", String(bytes), "", roaming]
    }
}

package struct TestDatabaseError: Error, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
