import Foundation
import Logging
import SelfCareCore
import SelfCareStore

/// The composition root of the command line: one database opened (and migrated), the settings the commands share
/// read once from the environment, and every batch operation over them. Commands parse arguments and call these.
package struct BackOffice: Sendable {
    /// Why the database could not be used.
    package enum OpenError: Error, CustomStringConvertible {
        case invalidAddress(String)
        case unreachable(String)

        package var description: String {
            switch self {
            case .invalidAddress(let problem): "--database: \(problem)"
            case .unreachable(let problem): problem
            }
        }
    }

    let database: Database
    let environment: [String: String]
    /// The database's address, for the other processes of a bill run.
    package let connectionString: String

    /// Opens the database `option` names (else `DATABASE_URL`, else the development file) and, unless told otherwise,
    /// brings it to this build's schema.
    package static func open(
        database option: String?, environment: [String: String], logger: Logger, migrating: Bool = true
    ) async throws(OpenError) -> BackOffice {
        let address: DatabaseURL
        if let text = option ?? environment["DATABASE_URL"], !text.isEmpty {
            do { address = try DatabaseURL(text) } catch { throw .invalidAddress(error.description) }
        } else {
            address = .development()
        }
        let database: Database
        do { database = try await Database.open(address, logger: logger) } catch { throw .unreachable(String(describing: error)) }
        if migrating {
            do { try await Migrator(database: database).migrate() } catch {
                await database.close()
                throw .unreachable(String(describing: error))
            }
        }
        return BackOffice(database: database, environment: environment, connectionString: address.connectionString)
    }

    package func close() async {
        await database.close()
    }

    /// True when `SELFCARE_MODE=production`.
    package var isProduction: Bool {
        environment["SELFCARE_MODE"]?.trimmingCharacters(in: .whitespaces) == "production"
    }

    // MARK: - Schema

    /// Applies the migrations the database lacks; returns each one applied.
    package func migrate() async throws -> [(version: Int, name: String)] {
        try await Migrator(database: database).migrate().map { ($0.version, $0.name) }
    }

    /// How many migrations this build knows.
    package static var migrationCount: Int { Migrator.all.count }

    // MARK: - Billing

    /// How a bill run asked for `workers` uses this database's engine.
    package func billRunPlan(workers: Int?) -> BillRunPlan {
        database.billRunPlan(workers: workers)
    }

    /// Closes `period` (or this process's share of it, beside the others of a multi-process run).
    package func billRun(
        period: BillingPeriod, now: Date, plan: BillRunPlan, share: BillRunShare, progress: @escaping @Sendable (Double) -> Void
    ) async throws -> BillRunner.Outcome {
        try await BillRunner(database: database).run(period: period, now: now, workers: plan.batchesAhead, share: share, progress: progress)
    }

    /// The finance export of `period`'s bills, CSV written piece by piece.
    package func exportBills(period: BillingPeriod, write: @escaping @Sendable (String) -> Void) async throws {
        try await FinanceExport(database: database).write(period: period, write)
    }

    /// The lines over their spend limit in `period`, as CSV.
    package func exportOverLimit(period: BillingPeriod) async throws -> String {
        try await OverLimitExport(database: database).csv(period: period)
    }

    // MARK: - Imports

    /// Creates or updates clients, accounts and lines; new accounts get Account IDs drawn from the system's randomness.
    package func importCustomers(file: String, now: Date) async throws -> CustomerImporter.Report {
        try await CustomerImporter(database: database, newAccountID: Self.randomAccountID).importFile(at: file, now: now)
    }

    package func importPlans(file: String, now: Date) async throws -> [PlanImporter.ImportedVersion] {
        try await PlanImporter(database: database).importFile(at: file, now: now)
    }

    /// Imports a usage file, then checks the lines it touched against their alerts (messages name `OPERATOR_NAME` and
    /// link to `PUBLIC_URL`).
    package func importUsage(file: String, progress: @escaping @Sendable (Double) -> Void) async throws -> UsageImporter.Report {
        let alerts = UsageAlertEvaluator(
            database: database, operatorName: Branding.load { environment[$0] }.operatorName,
            portalURL: environment["PUBLIC_URL"] ?? "http://127.0.0.1:8080")
        return try await UsageImporter(database: database, alerts: alerts).importFile(at: file, progress: progress)
    }

    // MARK: - Clients

    /// Issues (or re-issues) the Client ID of the client `reference`; the previous one stops working.
    package func issueClientID(client reference: String, now: Date) async throws -> ClientID {
        try await ClientIDIssuer(database: database, key: try await clientIDKey(now: now), newClientID: Self.randomClientID)
            .issue(clientReference: reference, now: now)
    }

    /// Loads the deterministic demo data set.
    package func seedDemo(seed: UInt64, now: Date, progress: @escaping @Sendable (String) -> Void) async throws -> DemoLoader.Identifiers {
        try await DemoLoader(database: database, clientIDKey: try await clientIDKey(now: now)).load(seed: seed, now: now, log: progress)
    }

    @Sendable private static func randomAccountID() -> AccountID {
        var generator = SystemRandomNumberGenerator()
        return .random(using: &generator)
    }

    @Sendable private static func randomClientID() -> ClientID {
        var generator = SystemRandomNumberGenerator()
        return .random(using: &generator)
    }

    /// The key Client IDs are stored with: `SELFCARE_CLIENT_ID_KEY` (the portal's), else the database's own
    /// (development). In production the key must be given and pass the portal's rule.
    private func clientIDKey(now: Date) async throws -> ClientIDKey {
        let configured = environment["SELFCARE_CLIENT_ID_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if environment["SELFCARE_MODE"] == "production" {
            guard let configured else {
                throw BackOfficeError("SELFCARE_CLIENT_ID_KEY is missing: production keeps Client IDs under the portal's key, give the CLI the same")
            }
            if let problem = SecretKeys.productionProblem(name: "SELFCARE_CLIENT_ID_KEY", key: configured) { throw BackOfficeError(problem) }
        }
        if let configured, configured.count < SecretKeys.minimumLength {
            throw BackOfficeError("SELFCARE_CLIENT_ID_KEY must have at least \(SecretKeys.minimumLength) characters")
        }
        return try await ClientIDKeyring(database: database).key(configured: configured, now: now)
    }
}

/// A refusal of a batch operation, said in one line.
package struct BackOfficeError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}
