import ArgumentParser
import Foundation
import SelfCareServices
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import Logging
import SandboxGateway
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
            logins = try await demoLogins(configuration, logger: logger)
        }
        var dependencies = AppDependencies()
        var sandboxGateway: SandboxGateway?
        if configuration.mode == .development && configuration.gateway == nil {
            let gateway = try await startSandboxGateway(&configuration, logger: logger)
            dependencies.companionServices.append(gateway.application())
            sandboxGateway = gateway
        }
        let banner = StartBanner(
            portalURL: configuration.publicURL, mode: configuration.mode, logins: logins ?? [], password: DemoHistory.password,
            sandboxGateway: sandboxGateway != nil)
        dependencies.onServerRunning = { _ in FileHandle.standardOutput.write(Data((banner.text + "\n").utf8)) }
        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(configuration: configuration, logger: logger, dependencies: dependencies)
        } catch {
            // The portal will not run: what was opened for it is closed, and the reason is said in one line.
            await sandboxGateway?.close()
            fail("\(error)")
        }
        try await app.runService()
    }
}

/// Development only: the sandbox card gateway beside the portal, on the next port (or a free one), with fresh keys.
private func startSandboxGateway(_ configuration: inout AppConfiguration, logger: Logger) async throws -> SandboxGateway {
    let port = freePort(preferring: configuration.port == 0 ? 0 : configuration.port + 1)
    let host = URL(string: configuration.publicURL)?.host ?? "127.0.0.1"
    let secretKey = "sk_test_" + randomToken()
    let webhookSecret = "whsec_" + Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    let folder: String = if case .sqlite(let path) = configuration.database { (path as NSString).deletingLastPathComponent }
        else { FileManager.default.currentDirectoryPath + "/.selfcare" }
    let gateway = try await SandboxGateway.open(
        GatewayConfiguration(host: configuration.host, port: port, publicURL: "http://\(host):\(port)", secretKey: secretKey,
                             webhookSecret: webhookSecret, webhookURL: configuration.publicURL + "/webhooks/gateway",
                             merchantName: configuration.branding.operatorName, database: .sqlite(path: folder + "/gateway.sqlite")),
        logger: logger)
    configuration.gateway = GatewaySettings(url: "http://127.0.0.1:\(port)", secretKey: secretKey, webhookSecret: webhookSecret)
    logger.info("sandbox card gateway at http://\(host):\(port)")
    return gateway
}

private func randomToken() -> String {
    (0..<24).map { _ in String("abcdefghijklmnopqrstuvwxyz0123456789".randomElement()!) }.joined()
}

/// `preferred` when nothing listens there, else a port the system picks.
private func freePort(preferring preferred: Int) -> Int {
    func bind(_ port: Int) -> Int? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
    if preferred > 0, let port = bind(preferred) { return port }
    return bind(0) ?? preferred
}

/// Development only: loads the demo data set, with two logins ready and their history, into an empty database; returns
/// the demo logins (also on later starts, while they exist).
private func demoLogins(_ configuration: AppConfiguration, logger: Logger) async throws -> [DemoHistory.Login]? {
    let database = try await Database.open(configuration.database, logger: logger)
    defer { Task { await database.close() } }
    try await Migrator(database: database).migrate()
    guard try await DemoLoader.isEmpty(database) else {
        return try await DemoLoader.readyLogins(seed: 1, in: database)
    }
    logger.info("Empty database: loading the demo data set (takes a moment)")
    let key = try await ClientIDKeyring(database: database).key(configured: configuration.keys.clientIDKey, now: Date())
    let history = DemoHistory(database: database, hasher: PasswordHasher(), branding: configuration.branding, publicURL: configuration.publicURL)
    let identifiers = try await DemoLoader(database: database, clientIDKey: key).load(seed: 1, now: Date(), history: history) {
        logger.info("\($0)")
    }
    logger.info("every demo identifier: swift run selfcare seed-demo (prints them as JSON)")
    return identifiers.logins
}
