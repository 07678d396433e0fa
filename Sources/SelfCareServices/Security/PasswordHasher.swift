import Crypto
import CryptoExtras
import Foundation
import NIOCore
import NIOPosix
import SelfCareStore
import Synchronization

/// scrypt parameters; stored with every hash so they can be raised later.
package struct ScryptParameters: Sendable, Equatable {
    /// log2 of N (CPU/memory cost).
    package var logN: Int
    package var r: Int
    package var p: Int

    /// OWASP's recommendation: N = 2^15, r = 8, p = 3 (32 MiB per hash).
    package static let owasp = ScryptParameters(logN: 15, r: 8, p: 3)
}

/// Hashes and verifies passwords with scrypt on its own small thread pool, so a flood of logins can neither
/// exhaust memory (at most one hash per thread at a time) nor starve the event loops or database threads.
package final class PasswordHasher: Sendable {
    package let parameters: ScryptParameters
    private let pool: NIOThreadPool
    private let pending = Mutex(0)
    private let maximumPending: Int

    /// `threads` hashes run at once; beyond `maximumPending` waiting requests the hasher answers busy.
    package init(parameters: ScryptParameters = .owasp, threads: Int = System.coreCount, maximumPending: Int = 512) {
        self.parameters = parameters
        self.maximumPending = maximumPending
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    /// A new hash: `$scrypt$ln=15,r=8,p=3$<salt>$<key>` (base64).
    package func hash(_ password: String) async throws -> String {
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        let parameters = self.parameters
        let key = try await run { try Self.derive(password, salt: salt, parameters) }
        return "$scrypt$ln=\(parameters.logN),r=\(parameters.r),p=\(parameters.p)$\(salt.base64EncodedString())$\(key.base64EncodedString())"
    }

    /// True when `password` matches `stored`; compares in constant time.
    package func verify(_ password: String, against stored: String) async throws -> Bool {
        guard let parsed = Self.parse(stored) else { return false }
        let candidate = try await run { try Self.derive(password, salt: parsed.salt, parsed.parameters) }
        guard candidate.count == parsed.key.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(candidate, parsed.key) { difference |= left ^ right }
        return difference == 0
    }

    /// Spends the same effort as a real verification, so unknown identifiers answer as slowly as known ones.
    package func verifyNothing(_ password: String) async throws {
        _ = try await verify(password, against: decoy)
    }

    /// True when `stored` was made with weaker parameters than the current ones.
    package func needsRehash(_ stored: String) -> Bool {
        Self.parse(stored)?.parameters != parameters
    }

    /// A hash of nothing at the current parameters, for `verifyNothing`.
    private var decoy: String {
        "$scrypt$ln=\(parameters.logN),r=\(parameters.r),p=\(parameters.p)$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = pending.withLock { count in
            guard count < maximumPending else { return false }
            count += 1
            return true
        }
        guard admitted else { throw PasswordHasherError.busy }
        defer { pending.withLock { $0 -= 1 } }
        return try await pool.runIfActive(work)
    }

    private static func derive(_ password: String, salt: Data, _ parameters: ScryptParameters) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Data(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << parameters.logN,
            blockSize: parameters.r, parallelism: parameters.p)
        return key.withUnsafeBytes { Data($0) }
    }

    private static func parse(_ stored: String) -> (parameters: ScryptParameters, salt: Data, key: Data)? {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "scrypt" else { return nil }
        var values: [String: Int] = [:]
        for item in parts[1].split(separator: ",") {
            let pair = item.split(separator: "=")
            guard pair.count == 2, let value = Int(pair[1]) else { return nil }
            values[String(pair[0])] = value
        }
        guard let logN = values["ln"], let r = values["r"], let p = values["p"], (1...20).contains(logN), (1...32).contains(r),
              (1...16).contains(p), let salt = Data(base64Encoded: String(parts[2])), let key = Data(base64Encoded: String(parts[3])) else {
            return nil
        }
        return (ScryptParameters(logN: logN, r: r, p: p), salt, key)
    }
}

package enum PasswordHasherError: Error {
    /// Too many hashes are waiting; the caller should answer "try again shortly".
    case busy
}
