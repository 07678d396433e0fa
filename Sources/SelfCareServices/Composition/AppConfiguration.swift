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
    /// Bearer token `/metrics` asks for (32 characters at least in production); without one the metrics are open in
    /// development and off in production.
    package var metricsToken: String?
    /// Keys that protect codes and Client IDs at rest; without them development keeps generated ones in the database.
    package var keys = SecretKeySettings()
    /// Origins besides the portal's own that an API payment may send the payer back to (`PAYMENT_RETURN_ORIGINS`).
    package var paymentReturnOrigins: [String] = []
    /// Proxies whose `X-Forwarded-For` names the client (`TRUSTED_PROXIES`).
    package var trustedProxies = TrustedProxies()
    /// How long a connection may stay silent before the server closes it (`HTTP_IDLE_TIMEOUT`, seconds).
    package var idleTimeout: Int = AppConfiguration.defaultIdleTimeout
    /// API requests a login may make per minute, its session and all its personal tokens together (`API_TOKEN_RATE_LIMIT`).
    package var apiRequestsPerMinute = 120
    /// Where spans go; nil keeps tracing off.
    package var tracing: TracingSettings?
    /// Ports besides 443 that event callbacks may use in production (`HUB_CALLBACK_PORTS`).
    package var callbackPorts: Set<Int> = []
    /// Production serves a database holding the demo data set only when this says so
    /// (`--serve-demo-data-in-production`, `SELFCARE_SERVE_DEMO_DATA_IN_PRODUCTION=true`).
    package var servesDemoDataInProduction = false

    /// Slow clients holding connections open are cut after this many silent seconds.
    package static let defaultIdleTimeout = 30

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

    /// The portal's own origin (`scheme://host[:port]`), the one place payers always may return to.
    package var publicOrigin: String { WebOrigin(publicURL)?.text ?? publicURL }

    /// The development SQLite file under `.selfcare/` in the working directory.
    package static func defaultDatabase(workingDirectory: String = FileManager.default.currentDirectoryPath) -> DatabaseURL {
        .development(workingDirectory: workingDirectory)
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
        let explicitMode = value("SELFCARE_MODE")
        switch explicitMode ?? "development" {
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
        if explicitMode == nil && !Self.isLoopback(host) {
            // Development hands out codes at /dev/messages: never on an address other machines reach by mistake.
            throw ConfigurationError(problems: [
                "HOST \(host) is not a loopback address: development mode (the default) listens on 127.0.0.1 or ::1 only; "
                    + "set SELFCARE_MODE=production, or SELFCARE_MODE=development to expose development mode on purpose",
            ])
        }
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
        var publicURL = "http://\(Self.isLoopback(host) ? host.replacingOccurrences(of: "localhost", with: "127.0.0.1") : "127.0.0.1"):\(port)"
        if host == "::1" { publicURL = "http://[::1]:\(port)" }
        if let text = required("PUBLIC_URL") {
            if production && !text.hasPrefix("https://") {
                problems.append("PUBLIC_URL must start with https:// in production")
            } else if WebOrigin(text) == nil {
                problems.append("PUBLIC_URL must be an http:// or https:// address with a host, not '\(text)'")
            }
            publicURL = text.hasSuffix("/") ? String(text.dropLast()) : text
        }

        let smpp = SMPPSettings.load(value, production: production, problems: &problems)
        let smtp = SMTPSettings.load(value, production: production, problems: &problems)
        let gateway = GatewaySettings.load(value, production: production, problems: &problems)
        let keys = SecretKeySettings.load(value, production: production, problems: &problems)
        if production { ProductionSecrets.check(value, problems: &problems) }
        let tracing = TracingSettings.load(value, problems: &problems)
        let origins = Self.returnOrigins(value("PAYMENT_RETURN_ORIGINS"), production: production, problems: &problems)
        var trustedProxies = TrustedProxies()
        if let text = value("TRUSTED_PROXIES") {
            do { trustedProxies = try TrustedProxies(text) } catch { problems.append("TRUSTED_PROXIES: \(error.description)") }
        }
        var idleTimeout = defaultIdleTimeout
        if let text = value("HTTP_IDLE_TIMEOUT") {
            if let seconds = Int(text), (1...3600).contains(seconds) { idleTimeout = seconds } else {
                problems.append("HTTP_IDLE_TIMEOUT must be a number of seconds from 1 to 3600, not '\(text)'")
            }
        }
        var apiTokenRate = 120
        if let text = value("API_TOKEN_RATE_LIMIT") {
            if let requests = Int(text), (1...100_000).contains(requests) { apiTokenRate = requests } else {
                problems.append("API_TOKEN_RATE_LIMIT must be a number of requests per minute from 1 to 100000, not '\(text)'")
            }
        }
        let callbackPorts = Self.callbackPorts(value("HUB_CALLBACK_PORTS"), problems: &problems)

        var servesDemoData = false
        if let text = value(DemoDataInProduction.setting)?.lowercased() {
            if ["true", "1", "yes"].contains(text) { servesDemoData = true } else if !["false", "0", "no"].contains(text) {
                problems.append("\(DemoDataInProduction.setting) must be true or false, not '\(text)'")
            }
        }

        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        var configuration = AppConfiguration(
            mode: mode, host: host, port: port, publicURL: publicURL, database: database,
            smpp: smpp, smtp: smtp, gateway: gateway, branding: Branding.load(value))
        configuration.metricsToken = value("METRICS_TOKEN")
        configuration.keys = keys
        configuration.paymentReturnOrigins = origins
        configuration.trustedProxies = trustedProxies
        configuration.idleTimeout = idleTimeout
        configuration.apiRequestsPerMinute = apiTokenRate
        configuration.tracing = tracing
        configuration.callbackPorts = callbackPorts
        configuration.servesDemoDataInProduction = servesDemoData
        return configuration
    }

    /// `HUB_CALLBACK_PORTS`: a comma-separated list of ports from 1 to 65535.
    static func callbackPorts(_ text: String?, problems: inout [String]) -> Set<Int> {
        guard let text else { return [] }
        var ports: Set<Int> = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let port = Int(item), (1...65_535).contains(port) else {
                problems.append("HUB_CALLBACK_PORTS must list ports from 1 to 65535 separated by commas, not '\(text)'")
                return []
            }
            ports.insert(port)
        }
        return ports
    }

    /// True for the addresses only this machine reaches: 127.0.0.0/8, ::1 and `localhost`.
    package static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// `PAYMENT_RETURN_ORIGINS`: comma-separated origins (`https://shop.example.mu`), https only in production.
    private static func returnOrigins(_ text: String?, production: Bool, problems: inout [String]) -> [String] {
        guard let text else { return [] }
        var origins: [String] = []
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            guard let origin = WebOrigin(entry), origin.text == entry.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/")) else {
                problems.append("PAYMENT_RETURN_ORIGINS: '\(entry)' is not an origin like https://shop.example.mu (no path, query or user)")
                continue
            }
            if production && origin.scheme != "https" {
                problems.append("PAYMENT_RETURN_ORIGINS: '\(entry)' must be https:// in production")
                continue
            }
            origins.append(origin.text)
        }
        return origins
    }
}

/// What is wrong with the configuration; every problem names its setting.
package struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    package var problems: [String]

    package var description: String { "configuration: " + problems.joined(separator: "; ") }
}
