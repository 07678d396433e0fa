import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SandboxGateway
import SelfCareServices
import SelfCareStore

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
        let store: DatabaseURL
        do {
            store = try database.map { try DatabaseURL($0) } ?? .sqlite(path: FileManager.default.currentDirectoryPath + "/.selfcare/gateway.sqlite")
        } catch { fail("--database: \(error)") }
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
