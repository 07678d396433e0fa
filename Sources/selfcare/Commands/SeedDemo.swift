import ArgumentParser
import Foundation
import SelfCareServices

/// `selfcare seed-demo`: loads the deterministic demo data set and prints the demo identifiers as JSON.
struct SeedDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed-demo", abstract: "Load the deterministic demo data set.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "Seed of the data set (the same seed gives the same data).") var seed: UInt64 = 1

    func run() async throws {
        if ProcessInfo.processInfo.environment["SELFCARE_MODE"]?.trimmingCharacters(in: .whitespaces) == "production" {
            fail("seed-demo is refused in production (SELFCARE_MODE=production): the demo data set's logins and password are published; "
                + "load it into a development database only")
        }
        let identifiers = try await withBackOffice(database) { office in
            try await office.seedDemo(seed: seed, now: Date()) { line in
                FileHandle.standardError.write(Data("seed-demo: \(line)\n".utf8))
            }
        }
        printJSON(identifiers)
    }
}
