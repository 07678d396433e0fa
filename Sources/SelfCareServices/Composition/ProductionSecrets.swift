
/// Production rules that span several settings: every secret is its own (one leaked value must not open what another
/// protects), none still holds the deploy example's placeholder, and the metrics token is long enough to resist guessing.
enum ProductionSecrets {
    /// The secrets that must all differ, by setting name.
    static let distinct = ["SELFCARE_CODE_KEY", "SELFCARE_CLIENT_ID_KEY", "GATEWAY_SECRET_KEY", "GATEWAY_WEBHOOK_SECRET", "METRICS_TOKEN"]
    /// Settings besides the keys that the deploy example fills with a placeholder.
    static let placeholders = ["DATABASE_URL", "GATEWAY_SECRET_KEY", "GATEWAY_WEBHOOK_SECRET", "METRICS_TOKEN", "SMPP_PASSWORD",
                               "SMTP_PASSWORD"]
    /// `METRICS_TOKEN`, when set in production, has at least this many characters.
    static let minimumMetricsTokenLength = 32

    static func check(_ value: (String) -> String?, problems: inout [String]) {
        for name in placeholders where value(name)?.contains(SecretKeys.placeholder) == true {
            problems.append("\(name) still holds the example's \(SecretKeys.placeholder) placeholder: set the real value")
        }
        if let token = value("METRICS_TOKEN"), token.count < minimumMetricsTokenLength {
            problems.append("METRICS_TOKEN must have at least \(minimumMetricsTokenLength) characters in production, not \(token.count) "
                + "(make one with openssl rand -base64 32)")
        }
        for (index, name) in distinct.enumerated() {
            guard let secret = value(name) else { continue }
            for other in distinct[(index + 1)...] where value(other) == secret {
                problems.append("\(name) and \(other) must differ: one leaked secret must not open what another protects")
            }
        }
    }
}
