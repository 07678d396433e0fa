
/// The operator's SMSC (SMPP 3.4).
package struct SMPPSettings: Sendable, Equatable {
    package var host: String
    package var port: Int
    package var systemID: String
    package var password: String
    package var sourceAddress: String
    /// `transceiver` (default: delivery receipts come back on the same link) or `transmitter`.
    package var bindMode: String = "transceiver"
    /// A vendor-specific optional parameter (0x1400–0x3FFF) to carry each message's id, when the SMSC reads one.
    package var referenceTag: UInt16?

    /// Read when `SMPP_HOST` is set (any mode); in production every SMPP setting is required.
    static func load(_ value: (String) -> String?, production: Bool, problems: inout [String]) -> SMPPSettings? {
        guard let host = value("SMPP_HOST") else {
            if production { problems.append("SMPP_HOST is missing (production sends SMS over SMPP)") }
            return nil
        }
        var missing: [String] = []
        let port = Int(value("SMPP_PORT") ?? "2775")
        if port == nil { problems.append("SMPP_PORT must be a number") }
        let systemID = value("SMPP_SYSTEM_ID") ?? { missing.append("SMPP_SYSTEM_ID"); return "" }()
        let password = value("SMPP_PASSWORD") ?? { missing.append("SMPP_PASSWORD"); return "" }()
        let source = value("SMPP_SOURCE_ADDR") ?? { missing.append("SMPP_SOURCE_ADDR"); return "" }()
        problems += missing.map { "\($0) is missing (SMPP_HOST is set)" }
        let bindMode = value("SMPP_BIND_MODE") ?? "transceiver"
        if !["transceiver", "transmitter"].contains(bindMode) { problems.append("SMPP_BIND_MODE must be transceiver or transmitter") }
        var referenceTag: UInt16?
        if let text = value("SMPP_REFERENCE_TLV") {
            let digits = text.lowercased().hasPrefix("0x") ? String(text.dropFirst(2)) : text
            referenceTag = UInt16(digits, radix: 16).flatMap { (0x1400...0x3FFF).contains($0) ? $0 : nil }
            if referenceTag == nil { problems.append("SMPP_REFERENCE_TLV must be a vendor-specific tag from 0x1400 to 0x3FFF") }
        }
        return SMPPSettings(host: host, port: port ?? 2775, systemID: systemID, password: password, sourceAddress: source, bindMode: bindMode,
                            referenceTag: referenceTag)
    }
}

/// The operator's mail relay (SMTP).
package struct SMTPSettings: Sendable, Equatable {
    package var host: String
    package var port: Int
    package var username: String?
    package var password: String?
    package var from: String
    /// Whether STARTTLS is required; when false it is still used whenever the relay offers it.
    package var startTLS: Bool
    /// PEM file of the certificate authorities trusted for the relay (a private CA), else the system's.
    package var trustedCertificatesFile: String?

    /// Read when `SMTP_HOST` is set (any mode); in production the relay and sender are required.
    static func load(_ value: (String) -> String?, production: Bool, problems: inout [String]) -> SMTPSettings? {
        guard let host = value("SMTP_HOST") else {
            if production { problems.append("SMTP_HOST is missing (production sends e-mail over SMTP)") }
            return nil
        }
        let port = Int(value("SMTP_PORT") ?? "587")
        if port == nil { problems.append("SMTP_PORT must be a number") }
        let from = value("SMTP_FROM")
        if from == nil { problems.append("SMTP_FROM is missing (SMTP_HOST is set)") }
        let startTLS = (value("SMTP_STARTTLS") ?? "true").lowercased()
        guard ["true", "false", "1", "0", "yes", "no"].contains(startTLS) else {
            problems.append("SMTP_STARTTLS must be true or false")
            return nil
        }
        return SMTPSettings(
            host: host, port: port ?? 587, username: value("SMTP_USERNAME"), password: value("SMTP_PASSWORD"),
            from: from ?? "", startTLS: ["true", "1", "yes"].contains(startTLS), trustedCertificatesFile: value("SMTP_CA_FILE"))
    }
}

/// The card gateway the portal sends payers to.
package struct GatewaySettings: Sendable, Equatable {
    package var url: String
    package var secretKey: String
    package var webhookSecret: String

    package init(url: String, secretKey: String, webhookSecret: String) {
        self.url = url
        self.secretKey = secretKey
        self.webhookSecret = webhookSecret
    }

    /// Read when `GATEWAY_URL` is set; otherwise development starts the sandbox gateway beside the portal.
    static func load(_ value: (String) -> String?, production: Bool, problems: inout [String]) -> GatewaySettings? {
        guard let url = value("GATEWAY_URL") else {
            if production { problems.append("GATEWAY_URL is missing") }
            return nil
        }
        let key = value("GATEWAY_SECRET_KEY")
        let secret = value("GATEWAY_WEBHOOK_SECRET")
        if key == nil { problems.append("GATEWAY_SECRET_KEY is missing (GATEWAY_URL is set)") }
        if secret == nil { problems.append("GATEWAY_WEBHOOK_SECRET is missing (GATEWAY_URL is set)") }
        if WebOrigin(url) == nil { problems.append("GATEWAY_URL must be an http:// or https:// address, not '\(url)'") }
        if production {
            // Test keys, a gateway in clear or a guessable webhook secret would let money or forged events through.
            if !url.hasPrefix("https://") { problems.append("GATEWAY_URL must start with https:// in production") }
            if let key, key.hasPrefix("sk_test_") || key.count < minimumSecretLength {
                problems.append("GATEWAY_SECRET_KEY must be a live key (not sk_test_…) of at least \(minimumSecretLength) characters in production")
            }
            if let secret, secret.count < minimumSecretLength {
                problems.append("GATEWAY_WEBHOOK_SECRET must have at least \(minimumSecretLength) characters in production")
            }
        }
        return GatewaySettings(url: url, secretKey: key ?? "", webhookSecret: secret ?? "")
    }

    /// Secrets shorter than this are refused in production.
    static let minimumSecretLength = SecretKeys.minimumLength
}

/// Keys of the deployment that protect what is stored: one-time codes and Client IDs are kept only as keyed hashes.
package struct SecretKeySettings: Sendable, Equatable {
    /// `SELFCARE_CODE_KEY`: the key one-time codes are hashed with.
    package var codeKey: String?
    /// `SELFCARE_CLIENT_ID_KEY`: the key Client IDs are hashed with; changing it makes every issued Client ID stop working.
    package var clientIDKey: String?

    package init(codeKey: String? = nil, clientIDKey: String? = nil) {
        self.codeKey = codeKey
        self.clientIDKey = clientIDKey
    }

    /// Keys shorter than this are refused in any mode rather than silently replaced.
    package static let minimumLength = SecretKeys.minimumLength

    /// Production requires both keys, each of at least 256 bits (`SecretKeys.productionProblem`); development takes
    /// any of at least 32 characters, or none.
    static func load(_ value: (String) -> String?, production: Bool, problems: inout [String]) -> SecretKeySettings {
        func key(_ name: String) -> String? {
            guard let text = value(name) else {
                if production {
                    problems.append("\(name) is missing (at least \(SecretKeys.productionBits) random bits: \(SecretKeys.howToMake))")
                }
                return nil
            }
            if production, let problem = SecretKeys.productionProblem(name: name, key: text) {
                problems.append(problem)
                return nil
            }
            guard text.count >= minimumLength else {
                problems.append("\(name) must have at least \(minimumLength) characters, not \(text.count)")
                return nil
            }
            return text
        }
        return SecretKeySettings(codeKey: key("SELFCARE_CODE_KEY"), clientIDKey: key("SELFCARE_CLIENT_ID_KEY"))
    }
}
