/// Rules for the deployment's keys (`SELFCARE_CODE_KEY`, `SELFCARE_CLIENT_ID_KEY`, the gateway's secrets).
package enum SecretKeys {
    /// Keys and secrets shorter than this are refused.
    package static let minimumLength = 32
    /// Key material a production key must carry: 43 or more base64 characters, or 64 or more hex digits.
    package static let productionBits = 256
    /// How the deploy example's values that must be replaced begin (`deploy/selfcare.env.example`).
    package static let placeholder = "CHANGE-ME"
    /// How to make a key that passes.
    package static let howToMake = "make one with openssl rand -base64 48"

    /// What is wrong with `key` as the production value of the setting `name`, nil when nothing is.
    package static func productionProblem(name: String, key: String) -> String? {
        if key.hasPrefix(placeholder) { return "\(name) still holds the example's \(placeholder) placeholder: \(howToMake)" }
        guard encodedBits(key) >= productionBits else {
            return "\(name) must carry at least \(productionBits) bits, as 43 or more base64 characters or 64 hex digits: \(howToMake)"
        }
        return nil
    }

    /// The bits of key material `text` holds as written: 4 a digit when it is all hex digits, else the whole bytes it
    /// decodes to as base64 (standard or URL-safe alphabet, padding optional); 0 when it is neither.
    package static func encodedBits(_ text: String) -> Int {
        let hexDigits = "0123456789abcdefABCDEF"
        if !text.isEmpty && text.allSatisfy(hexDigits.contains) { return text.count * 4 }
        var body = Substring(text)
        while body.hasSuffix("="), text.count - body.count < 2 { body = body.dropLast() }
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"
        guard !body.isEmpty, body.allSatisfy(alphabet.contains), body.count % 4 != 1,
              body.count == text.count || text.count % 4 == 0 else { return 0 }
        return body.count * 6 / 8 * 8
    }
}
