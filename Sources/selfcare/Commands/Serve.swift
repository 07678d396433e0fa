import ArgumentParser
import Foundation
import SelfCareServices
import Hummingbird
import Logging
import SelfCareWeb

/// `selfcare serve` (the default): runs the portal.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the portal (development mode by default).")

    @Option(name: .long, help: "Address to listen on (HOST, default 127.0.0.1).") var host: String?
    @Option(name: .long, help: "Port to listen on (PORT, default 8080).") var port: Int?
    @Option(name: .long, help: "Database URL (DATABASE_URL).") var database: String?
    @Option(name: .long, help: "development or production (SELFCARE_MODE).") var mode: String?
    @Option(name: .customLong("public-url"), help: "The portal's public address (PUBLIC_URL).") var publicURL: String?
    @Flag(name: .customLong("serve-demo-data-in-production"),
          help: "Serve a database holding the demo data set, whose logins are published, in production (SELFCARE_SERVE_DEMO_DATA_IN_PRODUCTION).")
    var serveDemoDataInProduction = false

    func run() async throws {
        var settings = ProcessInfo.processInfo.environment
        settings["HOST"] = host ?? settings["HOST"]
        settings["PORT"] = port.map(String.init) ?? settings["PORT"]
        settings["DATABASE_URL"] = database ?? settings["DATABASE_URL"]
        settings["SELFCARE_MODE"] = mode ?? settings["SELFCARE_MODE"]
        settings["PUBLIC_URL"] = publicURL ?? settings["PUBLIC_URL"]
        if serveDemoDataInProduction { settings[DemoDataInProduction.setting] = "true" }
        var configuration: AppConfiguration
        do { configuration = try AppConfiguration.load(settings) } catch { fail(error.description) }

        // Production logs are JSON lines for collectors; development logs read as plain text.
        if configuration.mode == .production {
            LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        }
        var logger = Logger(label: "selfcare")
        logger.logLevel = configuration.mode == .development ? .info : .notice
        logger.info("SelfCare starting", metadata: ["mode": "\(configuration.mode.rawValue)", "database": "\(configuration.database)"])
        var logins: [DemoHistory.Login]?
        if configuration.mode == .development {
            logins = try await PortalSystem.demoLogins(configuration, logger: logger)
        }
        var dependencies = AppDependencies()
        var sandboxGateway: SandboxBeside?
        if configuration.mode == .development && configuration.gateway == nil {
            let gateway = try await SandboxBeside.start(&configuration, logger: logger)
            dependencies.companionServices.append(gateway.service)
            sandboxGateway = gateway
        }
        let banner = StartBanner(
            portalURL: configuration.publicURL, mode: configuration.mode, logins: logins ?? [], password: DemoHistory.password,
            sandboxGateway: sandboxGateway != nil)
        let app: any ApplicationProtocol
        do {
            let system = try await PortalSystem.start(configuration: configuration, dependencies: dependencies, logger: logger)
            do {
                app = try await buildApplication(
                    system: system, logger: logger,
                    onServerRunning: { _ in FileHandle.standardOutput.write(Data((banner.text + "\n").utf8)) })
            } catch {
                await system.close()
                throw error
            }
        } catch {
            // The portal will not run: what was opened for it is closed, and the reason is said in one line.
            await sandboxGateway?.close()
            fail("\(error)")
        }
        try await app.runService()
    }
}
