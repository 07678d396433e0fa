import Foundation
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// The demo data set's logins and password are published: production refuses a database holding it unless the operator
/// says, with a flag naming the risk, that serving it is meant; `seed-demo` refuses production outright.
@Suite("Demo data in production")
struct DemoDataInProductionTests {
    /// A production environment for `selfcare serve` on `database`; its SMSC, relay and gateway are never reached before
    /// the refusal.
    static func productionEnvironment(database: DatabaseURL) -> [String: String] {
        let url: String = switch database {
        case .sqlite(let path): "sqlite://" + path
        case .postgres(let url): url
        }
        return [
            "SELFCARE_MODE": "production", "HOST": "127.0.0.1", "PORT": "0", "PUBLIC_URL": "https://selfcare.example.mu",
            "DATABASE_URL": url,
            "SELFCARE_CODE_KEY": "Qm9Ou3rJ0m7yZb6mT1u8kq2Vx0Lw3cR5sE9dF4gH7jK2nP6tY1aZ8xC3vB5nM0qW",
            "SELFCARE_CLIENT_ID_KEY": "c2VWm4Hq8Rz1Tn6Lp3Xk9Dj2Bf5Gs7Yw0Ua4Ei1Oo8Nc6Mv3Zb9Qr2Tt5Ly7Ph0",
            "GATEWAY_URL": "https://127.0.0.1:9", "GATEWAY_SECRET_KEY": "sk_live_8f3b1c9d2e7a4f6b0c5d8e1f3a9b7c2d4e6f8a0b",
            "GATEWAY_WEBHOOK_SECRET": "whsec_Yk2Lm8Pq4Rs6Tu0Vw3Xy5Za7Bc9De1Fg",
            "SMPP_HOST": "127.0.0.1", "SMPP_PORT": "9", "SMPP_SYSTEM_ID": "selfcare", "SMPP_PASSWORD": "smsc-secret",
            "SMPP_SOURCE_ADDR": "SelfCare", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "9", "SMTP_FROM": "selfcare@example.mu",
        ]
    }

    /// A migrated database of `engine` (SQLite under `folder`) holding one client, by default one of the demo data set
    /// (`DEMO-IND-001`), and how to remove it.
    static func demoDatabase(
        _ engine: DatabaseEngine = .sqlite, in folder: URL, reference: String = "DEMO-IND-001"
    ) async throws -> (DatabaseURL, @Sendable () async -> Void) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let (url, drop) = try await TestDatabase.fresh(engine, in: folder)
        let database: Database
        do { database = try await Database.open(url, logger: WebTest.logger) } catch {
            await drop()
            throw error
        }
        do {
            try await Migrator(database: database).migrate(now: Subscribers.start)
            let plans = folder.appendingPathComponent("plans.json")
            try Data(Subscribers.plansJSON.utf8).write(to: plans)
            _ = try await PlanImporter(database: database).importFile(at: plans.path, now: Subscribers.start)
            let customers = folder.appendingPathComponent("customers.csv")
            let row = [reference, "Aarav Ramgoolam", "individual", "aarav.1@example.mu", "", Subscribers.aline.rawValue,
                       Subscribers.alineLine.e164, "POST499", "2026-01-15"]
            try Data(([CustomerRow.header, row].map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").utf8).write(to: customers)
            let report = try await CustomerImporter(database: database, newAccountID: { Subscribers.unknownAccount })
                .importFile(at: customers.path, now: Subscribers.start)
            #expect(report.rejected.isEmpty)
        } catch {
            await database.close()
            await drop()
            throw error
        }
        await database.close()
        return (url, drop)
    }

    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("selfcare-demo-production-\(UUID().uuidString)")
    }

    @Test("the portal in production on a database holding demo clients refuses to start, naming the problem and the flag",
          arguments: TestDatabase.engines)
    func refused(engine: DatabaseEngine) async throws {
        // given
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (url, drop) = try await Self.demoDatabase(engine, in: folder)
        let configuration = try AppConfiguration.load(Self.productionEnvironment(database: url))

        // when
        let error = await #expect(throws: DemoDataInProduction.self) {
            _ = try await buildApplication(configuration: configuration, logger: WebTest.logger)
        }
        await drop()

        // then
        let message = try #require(error).description
        #expect(message.contains("demo data set"))
        #expect(message.contains("--serve-demo-data-in-production"))
        #expect(!message.contains("\n"))
    }

    @Test("production serves a database whose client references only look like the demo's",
          arguments: TestDatabase.engines, ["demo-IND-001", "XDEMO-IND-001", "DEMO"])
    func lookAlikeServed(engine: DatabaseEngine, reference: String) async throws {
        // given
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (url, drop) = try await Self.demoDatabase(engine, in: folder, reference: reference)
        let configuration = try AppConfiguration.load(Self.productionEnvironment(database: url))

        // when
        let app = try await buildApplication(
            configuration: configuration, logger: WebTest.logger, dependencies: AppDependencies(runsOutboxWorker: false))

        // then
        try await app.test(.router) { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
        }
        await drop()
    }

    @Test("with the flag's setting, production serves the demo database")
    func servedOnPurpose() async throws {
        // given
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (url, _) = try await Self.demoDatabase(in: folder)
        var settings = Self.productionEnvironment(database: url)
        settings["SELFCARE_SERVE_DEMO_DATA_IN_PRODUCTION"] = "true"
        let configuration = try AppConfiguration.load(settings)

        // when
        let app = try await buildApplication(
            configuration: configuration, logger: WebTest.logger, dependencies: AppDependencies(runsOutboxWorker: false))

        // then
        #expect(configuration.servesDemoDataInProduction)
        try await app.test(.router) { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
        }
    }

    @Test("SELFCARE_SERVE_DEMO_DATA_IN_PRODUCTION takes true or false, and is off unless set")
    func setting() throws {
        // when
        let standard = try AppConfiguration.load([:])
        let problems = try ConfigurationTests.problems(["SELFCARE_SERVE_DEMO_DATA_IN_PRODUCTION": "maybe"])

        // then
        #expect(!standard.servesDemoDataInProduction)
        #expect(problems.contains("SELFCARE_SERVE_DEMO_DATA_IN_PRODUCTION must be true or false"))
    }

    @Test("selfcare serve in production exits 1 on the demo database with one line naming the flag; with the flag it starts")
    func serveCommand() async throws {
        // given
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (url, _) = try await Self.demoDatabase(in: folder)
        let environment = Self.productionEnvironment(database: url)
        let running = "SelfCare is running at"

        // when
        let refused = try await CommandRun(["serve"], environment: environment).run(until: running)
        let flagged = try await CommandRun(["serve", "--serve-demo-data-in-production"], environment: environment).run(until: running)

        // then
        #expect(refused.status == 1)
        let line = refused.standardError.split(separator: "\n").last.map(String.init) ?? ""
        #expect(line.hasPrefix("selfcare: the database holds the demo data set"), "\(refused.standardError)")
        #expect(line.contains("--serve-demo-data-in-production"))
        #expect(!refused.standardOutput.contains(running))
        #expect(flagged.status == nil, "killed while it ran: \(flagged.standardError)")
        #expect(flagged.standardOutput.contains(running))
    }

    @Test("selfcare seed-demo in production exits 1 with one line on stderr and leaves the database alone")
    func seedDemoCommand() async throws {
        // given
        let folder = Self.folder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("portal.sqlite")

        // when
        let outcome = try await CommandRun(["seed-demo", "--database", "sqlite://" + file.path], environment: ["SELFCARE_MODE": "production"])
            .run()

        // then
        #expect(outcome.status == 1)
        #expect(outcome.standardError.split(separator: "\n").count == 1)
        #expect(outcome.standardError.hasPrefix("selfcare: seed-demo is refused in production"))
        #expect(outcome.standardOutput.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }
}
