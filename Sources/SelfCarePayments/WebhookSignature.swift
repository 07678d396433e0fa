import Crypto
import Foundation

/// Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the shared secret
/// (a `whsec_` prefix means the rest is the key in base64).
public enum WebhookSignature {
    public static func key(from secret: String) -> SymmetricKey {
        if secret.hasPrefix("whsec_"), let data = Data(base64Encoded: String(secret.dropFirst(6))) {
            return SymmetricKey(data: data)
        }
        return SymmetricKey(data: Data(secret.utf8))
    }

    public static func sign(id: String, timestamp: Int64, body: Data, secret: String) -> String {
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key(from: secret))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// Checks a `webhook-signature` header (space-separated signatures, any may match) and the timestamp's freshness.
    public static func verify(
        id: String, timestamp: String, signatures: String, body: Data, secret: String, now: Date, tolerance: TimeInterval = 300
    ) -> Bool {
        guard let seconds = Int64(timestamp), abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else { return false }
        var message = Data("\(id).\(seconds).".utf8)
        message.append(body)
        let key = key(from: secret)
        for candidate in signatures.split(separator: " ") where candidate.hasPrefix("v1,") {
            guard let mac = Data(base64Encoded: String(candidate.dropFirst(3))) else { continue }
            if HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: key) { return true }
        }
        return false
    }
}
