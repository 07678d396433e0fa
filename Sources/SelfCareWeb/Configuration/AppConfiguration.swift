import Foundation
import SelfCareStore

/// Everything the portal needs to start, read once at start-up (command line > environment > defaults).
package struct AppConfiguration: Sendable {
    /// Development runs with demo data and the dev message sink; production refuses both.
    package enum Mode: String, Sendable {
        case development
        case production
    }

    package var mode: Mode
    package var host: String
    package var port: Int
    /// The address users reach the portal at; links in messages and gateway return URLs use it.
    package var publicURL: String
    package var database: DatabaseURL
    package var smpp: SMPPSettings?
    package var smtp: SMTPSettings?
    package var gateway: GatewaySettings?
    package var branding: Branding
    /// Bearer token `/metrics` asks for; without one the metrics are open in development and off in production.
    package var metricsToken: String?

    package init(
        mode: Mode, host: String, port: Int, publicURL: String, database: DatabaseURL,
        smpp: SMPPSettings? = nil, smtp: SMTPSettings? = nil, gateway: GatewaySettings? = nil, branding: Branding = Branding()
    ) {
        self.mode = mode
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.database = database
        self.smpp = smpp
        self.smtp = smtp
        self.gateway = gateway
        self.branding = branding
    }

    /// True when cookies must carry `Secure` (the portal is reached over HTTPS).
    package var usesHTTPS: Bool { publicURL.hasPrefix("https://") }

    /// The development SQLite file under `.selfcare/` in the working directory.
    package static func defaultDatabase(workingDirectory: String = FileManager.default.currentDirectoryPath) -> DatabaseURL {
        .sqlite(path: workingDirectory + "/.selfcare/selfcare.sqlite")
    }

    /// Builds the configuration from settings by their CONTRACT §7 names (`PORT`, `DATABASE_URL`, …).
    /// Production names every missing or invalid setting in one error.
    package static func load(_ settings: [String: String]) throws(ConfigurationError) -> AppConfiguration {
        var problems: [String] = []
        func value(_ name: String) -> String? {
            guard let text = settings[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        let mode: Mode
        switch value("SELFCARE_MODE") ?? "development" {
        case "development": mode = .development
        case "production": mode = .production
        case let other:
            throw ConfigurationError(problems: ["SELFCARE_MODE must be development or production, not '\(other)'"])
        }
        let production = mode == .production
        func required(_ name: String) -> String? {
            let text = value(name)
            if text == nil && production { problems.append("\(name) is missing") }
            return text
        }

        let host = value("HOST") ?? "127.0.0.1"
        var port = 8080
        if let text = value("PORT") {
            if let parsed = Int(text), (0...65_535).contains(parsed) { port = parsed } else {
                problems.append("PORT must be a number from 0 to 65535, not '\(text)'")
            }
        }
        var database = defaultDatabase()
        if let text = required("DATABASE_URL") {
            do { database = try DatabaseURL(text) } catch { problems.append("DATABASE_URL: \(error.description)") }
        }
        var publicURL = "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        if let text = required("PUBLIC_URL") {
            if production && !text.hasPrefix("https://") {
                problems.append("PUBLIC_URL must start with https:// in production")
            } else if !text.hasPrefix("http://") && !text.hasPrefix("https://") {
                problems.append("PUBLIC_URL must start with http:// or https://")
            }
            publicURL = text.hasSuffix("/") ? String(text.dropLast()) : text
        }

        let smpp = SMPPSettings.load(value, production: production, problems: &problems)
        let smtp = SMTPSettings.load(value, production: production, problems: &problems)
        let gateway = GatewaySettings.load(value, production: production, problems: &problems)

        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
            var configuration = AppConfiguration(
            mode: mode, host: host, port: port, publicURL: publicURL, database: database,
            smpp: smpp, smtp: smtp, gateway: gateway, branding: Branding.load(value))
        configuration.metricsToken = value("METRICS_TOKEN")
        return configuration
    }
}

/// What is wrong with the configuration; every problem names its setting.
package struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    package var problems: [String]

    package var description: String { "configuration: " + problems.joined(separator: "; ") }
}
