import ArgumentParser
import Logging
import SelfCareServices
import SelfCareStore

/// `selfcare migrate`: applies pending migrations and prints what it applied.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var database: DatabaseOption

    func run() async throws {
        let url = try database.resolved()
        let opened: Database
        do { opened = try await Database.open(url, logger: commandLogger()) } catch {
            fail("cannot open the database: \(error)")
        }
        do {
            let applied = try await Migrator(database: opened).migrate()
            await opened.close()
            if applied.isEmpty {
                print("Database is up to date (\(Migrator.all.count) migrations).")
            } else {
                for migration in applied { print("applied \(migration.version) \(migration.name)") }
            }
        } catch {
            await opened.close()
            fail("migration failed: \(error)")
        }
    }
}
