import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SelfCareMessaging
import SelfCareStore
import SelfCareWeb

/// `selfcare serve` (the default): runs the portal.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the portal (development mode by default).")

    @Option(name: .long, help: "Address to listen on (HOST, default 127.0.0.1).") var host: String?
    @Option(name: .long, help: "Port to listen on (PORT, default 8080).") var port: Int?
    @Option(name: .long, help: "Database URL (DATABASE_URL).") var database: String?
    @Option(name: .long, help: "development or production (SELFCARE_MODE).") var mode: String?
    @Option(name: .customLong("public-url"), help: "The portal's public address (PUBLIC_URL).") var publicURL: String?

    func run() async throws {
        var settings = ProcessInfo.processInfo.environment
        settings["HOST"] = host ?? settings["HOST"]
        settings["PORT"] = port.map(String.init) ?? settings["PORT"]
        settings["DATABASE_URL"] = database ?? settings["DATABASE_URL"]
        settings["SELFCARE_MODE"] = mode ?? settings["SELFCARE_MODE"]
        settings["PUBLIC_URL"] = publicURL ?? settings["PUBLIC_URL"]
        let configuration: AppConfiguration
        do { configuration = try AppConfiguration.load(settings) } catch { fail(error.description) }

        var logger = Logger(label: "selfcare")
        logger.logLevel = configuration.mode == .development ? .info : .notice
        logger.info("SelfCare starting", metadata: ["mode": "\(configuration.mode.rawValue)", "database": "\(configuration.database)"])
        if configuration.mode == .development {
            try await seedDemoDataOnFirstStart(configuration, logger: logger)
        }
        let app = try await buildApplication(configuration: configuration, logger: logger)
        print("SelfCare portal (\(configuration.mode.rawValue)) at \(configuration.publicURL)")
        try await app.runService()
    }
}

/// Development only: loads the demo data set into an empty database and prints a few demo identifiers.
private func seedDemoDataOnFirstStart(_ configuration: AppConfiguration, logger: Logger) async throws {
    let database = try await Database.open(configuration.database, logger: logger)
    defer { Task { await database.close() } }
    try await Migrator(database: database).migrate()
    let hasClients = try await database.read { db in try await db.raw("SELECT id FROM clients LIMIT 1").first() != nil }
    guard !hasClients else { return }
    logger.info("Empty database: loading the demo data set (takes a moment)")
    let identifiers = try await DemoLoader(database: database, notices: { Notices.billReady($0) }).load(seed: 1, now: Date()) {
        logger.info("\($0)")
    }
    print("Demo Account IDs (individual lines):")
    for account in identifiers.accounts.prefix(3) { print("  \(account.accountId)  \(account.msisdn)  \(account.clientRef)") }
    print("Demo Client IDs:")
    for client in identifiers.clients { print("  \(client.clientId)  \(client.clientRef)") }
    print("All demo identifiers: swift run selfcare seed-demo (prints them as JSON)")
}
