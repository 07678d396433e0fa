import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif
import SandboxGateway
import SelfCareServices

/// `selfcare gateway`: the sandbox card gateway alone, with its own store; keys from the environment.
struct Gateway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the sandbox card gateway alone.")

    @Option(name: .long, help: "Address to listen on.") var host = "127.0.0.1"
    @Option(name: .long, help: "Port to listen on.") var port = 8081
    @Option(name: .long, help: "The gateway's own database (default .selfcare/gateway.sqlite).") var database: String?
    @Option(name: .customLong("webhook-url"), help: "Where events are posted (the portal's /webhooks/gateway).") var webhookURL: String
    @Option(name: .customLong("public-url"), help: "The address browsers reach the card page at.") var publicURL: String?
    @Option(name: .customLong("merchant-name"), help: "The merchant the card page names (default OPERATOR_NAME, else SelfCare).")
    var merchantName: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let secretKey = environment["GATEWAY_SECRET_KEY"], !secretKey.isEmpty else { fail("GATEWAY_SECRET_KEY is missing") }
        guard let webhookSecret = environment["GATEWAY_WEBHOOK_SECRET"], !webhookSecret.isEmpty else { fail("GATEWAY_WEBHOOK_SECRET is missing") }
        let store = try GatewayConfiguration.store(database, folder: FileManager.default.currentDirectoryPath + "/.selfcare")
        var logger = Logger(label: "gateway")
        logger.logLevel = .info
        let gateway = try await SandboxGateway.open(
            GatewayConfiguration(host: host, port: port, publicURL: publicURL ?? "http://\(host):\(port)", secretKey: secretKey,
                                 webhookSecret: webhookSecret, webhookURL: webhookURL,
                                 merchantName: merchantName ?? environment["OPERATOR_NAME"] ?? "SelfCare", database: store),
            logger: logger)
        print("Sandbox card gateway at http://\(host):\(port), events to \(webhookURL)")
        try await gateway.application().runService()
    }
}

/// Development only: the sandbox card gateway beside the portal, on the next port (or a free one), with fresh keys.
struct SandboxBeside: Sendable {
    let gateway: SandboxGateway

    /// What runs the gateway beside the portal.
    var service: any Service { gateway.application() }

    /// Closes the gateway's store when the portal will not run after all.
    func close() async {
        await gateway.close()
    }

    static func start(_ configuration: inout AppConfiguration, logger: Logger) async throws -> SandboxBeside {
        let port = freePort(preferring: configuration.port == 0 ? 0 : configuration.port + 1)
        let host = URL(string: configuration.publicURL)?.host ?? "127.0.0.1"
        let secretKey = "sk_test_" + randomToken()
        let webhookSecret = "whsec_" + Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let gateway = try await SandboxGateway.open(
            GatewayConfiguration(host: configuration.host, port: port, publicURL: "http://\(host):\(port)", secretKey: secretKey,
                                 webhookSecret: webhookSecret, webhookURL: configuration.publicURL + "/webhooks/gateway",
                                 merchantName: configuration.branding.operatorName,
                                 database: try GatewayConfiguration.store(nil, folder: configuration.dataFolder)),
            logger: logger)
        configuration.gateway = GatewaySettings(url: "http://127.0.0.1:\(port)", secretKey: secretKey, webhookSecret: webhookSecret)
        logger.info("sandbox card gateway at http://\(host):\(port)")
        return SandboxBeside(gateway: gateway)
    }
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
