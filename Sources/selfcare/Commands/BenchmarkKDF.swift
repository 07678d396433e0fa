import ArgumentParser
import Foundation
import SelfCareServices

/// `selfcare benchmark-kdf`: the password hasher's own rate, the reference for the login benchmark.
struct BenchmarkKDF: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark-kdf", abstract: "Measure password hashes per second at the portal's scrypt parameters.",
        shouldDisplay: false)

    @Option(help: "How many hashes to compute.") var count = 64
    @Option(help: "How many run at once.") var concurrency = 8

    func run() async throws {
        let hasher = PasswordHasher()
        let stored = try await hasher.hash("benchmark password 123")
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var started = 0
            for _ in 0..<min(concurrency, count) {
                group.addTask { _ = try await hasher.verify("benchmark password 123", against: stored) }
                started += 1
            }
            while try await group.next() != nil {
                if started < count {
                    group.addTask { _ = try await hasher.verify("benchmark password 123", against: stored) }
                    started += 1
                }
            }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "%.2f", Double(count) / seconds))
    }
}
