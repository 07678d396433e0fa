import ArgumentParser
import Foundation
import Logging
import SelfCareCore
import SelfCareServices

/// The `--database` option every command takes.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "sqlite:///path/file.sqlite or postgres://user:pass@host:port/db (default: DATABASE_URL, else .selfcare/selfcare.sqlite)")
    var database: String?
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

/// Opens and migrates the database through the back office, runs `body`, closes it, and turns any error into one
/// stderr line.
func withBackOffice<R: Sendable>(
    _ option: DatabaseOption, migrating: Bool = true, _ body: (BackOffice) async throws -> R
) async throws -> R {
    let office: BackOffice
    do {
        office = try await BackOffice.open(
            database: option.database, environment: ProcessInfo.processInfo.environment, logger: commandLogger(), migrating: migrating)
    } catch {
        fail("cannot open the database: \(error.description)")
    }
    do {
        let result = try await body(office)
        await office.close()
        return result
    } catch {
        await office.close()
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
