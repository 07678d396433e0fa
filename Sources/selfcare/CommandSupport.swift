import ArgumentParser
import Foundation
import Logging
import SelfCareCore
import SelfCareServices
import SelfCareStore

/// The `--database` option every command takes.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "sqlite:///path/file.sqlite or postgres://user:pass@host:port/db (default: DATABASE_URL, else .selfcare/selfcare.sqlite)")
    var database: String?

    /// The database to use: the option, else `DATABASE_URL`, else the development file.
    func resolved() throws -> DatabaseURL {
        guard let text = database ?? ProcessInfo.processInfo.environment["DATABASE_URL"], !text.isEmpty else {
            return DatabaseURL.development()
        }
        do { return try DatabaseURL(text) } catch { throw CommandFailure("--database: \(error.description)") }
    }
}

/// The key Client IDs are stored with: `SELFCARE_CLIENT_ID_KEY` (the portal's), else the database's own (development).
/// With `SELFCARE_MODE=production` the key must pass the portal's production rule.
func clientIDKey(for database: Database) async throws -> ClientIDKey {
    let environment = ProcessInfo.processInfo.environment
    let configured = environment["SELFCARE_CLIENT_ID_KEY"].flatMap { $0.isEmpty ? nil : $0 }
    if environment["SELFCARE_MODE"] == "production" {
        guard let configured else {
            throw CommandFailure("SELFCARE_CLIENT_ID_KEY is missing: production keeps Client IDs under the portal's key, give the CLI the same")
        }
        if let problem = SecretKeys.productionProblem(name: "SELFCARE_CLIENT_ID_KEY", key: configured) { throw CommandFailure(problem) }
    }
    if let configured, configured.count < SecretKeys.minimumLength {
        throw CommandFailure("SELFCARE_CLIENT_ID_KEY must have at least \(SecretKeys.minimumLength) characters")
    }
    return try await ClientIDKeyring(database: database).key(configured: configured, now: Date())
}

/// A failure reported as one line on stderr and a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Batch commands log warnings only, to stderr, so stdout stays clean JSON or CSV.
func commandLogger() -> Logger {
    var logger = Logger(label: "selfcare") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = .warning
    return logger
}

/// Opens and migrates the database, runs `body`, closes the database, and turns any error into one stderr line.
func withDatabase<R: Sendable>(_ option: DatabaseOption, _ body: (Database) async throws -> R) async throws -> R {
    let database: Database
    do {
        database = try await Database.open(try option.resolved(), logger: commandLogger())
        try await Migrator(database: database).migrate()
    } catch {
        fail("cannot open the database: \(String(describing: error))")
    }
    do {
        let result = try await body(database)
        await database.close()
        return result
    } catch {
        await database.close()
        fail(String(describing: error))
    }
}

/// Prints `message` on stderr and exits with status 1.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("selfcare: \(message)\n".utf8))
    exit(1)
}

/// Prints a value as JSON on stdout, keys sorted.
func printJSON(_ value: some Encodable) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// A generator of system randomness that can be shared across tasks.
struct SystemRandom: Sendable {
    func accountID() -> SelfCareCore.AccountID {
        var generator = SystemRandomNumberGenerator()
        return .random(using: &generator)
    }

    func clientID() -> SelfCareCore.ClientID {
        var generator = SystemRandomNumberGenerator()
        return .random(using: &generator)
    }
}
