import Crypto
import Foundation
import SelfCareCore

/// The deployment's key for Client IDs at rest: a Client ID is stored only as a keyed hash, so a copy of the database
/// alone cannot be searched for the 2^55 possible Client IDs.
package struct ClientIDKey: Sendable {
    private let key: SymmetricKey

    package init(secret: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data(secret.utf8)))
    }

    /// What `clients.client_id_digest` holds: HMAC-SHA256 of the Client ID's SHA-256 digest (the form stored before
    /// keys were used, which lets those rows be converted in place), in hex.
    package func digest(_ clientID: ClientID) -> String {
        digest(ofSHA256: Data(SHA256.hash(data: Data(clientID.rawValue.utf8))))
    }

    /// The keyed digest of a Client ID known only by its bare SHA-256 digest in hex; nil if `hex` is not one.
    package func digest(ofSHA256Hex hex: String) -> String? {
        guard hex.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return digest(ofSHA256: Data(bytes))
    }

    /// What registrations, resets, codes, login throttles and the audit trail keep instead of a Client ID.
    package func subject(_ clientID: ClientID) -> String {
        "client:" + digest(clientID).prefix(32)
    }

    /// Identifies the key without revealing it, so a process started with another key is refused.
    package var fingerprint: String {
        hex(HMAC<SHA256>.authenticationCode(for: Data("selfcare client-id key fingerprint".utf8), using: key)).prefix(16).description
    }

    private func digest(ofSHA256 bytes: Data) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: bytes, using: key))
    }

    private func hex(_ code: HashedAuthenticationCode<SHA256>) -> String {
        code.map { String(format: "%02x", $0) }.joined()
    }
}
