import ArgumentParser
import Logging
import SelfCareServices

/// `selfcare migrate`: applies pending migrations and prints what it applied.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var database: DatabaseOption

    func run() async throws {
        let applied = try await withBackOffice(database, migrating: false) { office in
            do { return try await office.migrate() } catch { throw MigrationFailure(underlying: error) }
        }
        if applied.isEmpty {
            print("Database is up to date (\(BackOffice.migrationCount) migrations).")
        } else {
            for migration in applied { print("applied \(migration.version) \(migration.name)") }
        }
    }
}

/// A migration that failed, said as such.
private struct MigrationFailure: Error, CustomStringConvertible {
    let underlying: any Error
    var description: String { "migration failed: \(underlying)" }
}
