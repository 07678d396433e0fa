import Foundation
import Logging
import SelfCareStore

/// The database engines the suites run on, and fresh databases on them: SQLite always (a temporary file), PostgreSQL
/// when `TEST_DATABASE_URL` names a server (a database created for the test and dropped after it).
package enum TestDatabases {
    /// The PostgreSQL server to test against, when the environment names one.
    package static let postgresURL: String? = {
        guard let text = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !text.isEmpty else { return nil }
        return text
    }()

    /// SQLite, and PostgreSQL when `TEST_DATABASE_URL` is set. Under CI a PostgreSQL case never goes missing quietly:
    /// without a server the run stops.
    package static var engines: [DatabaseEngine] {
        if postgresURL == nil, ProcessInfo.processInfo.environment["CI"] != nil {
            fatalError("CI runs every suite on PostgreSQL too, and TEST_DATABASE_URL is not set")
        }
        return postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    package static let logger: Logger = {
        var logger = Logger(label: "selfcare.tests")
        logger.logLevel = .critical
        return logger
    }()

    /// A new, empty database of `engine` (SQLite in `folder`), and how to remove it afterwards.
    package static func fresh(_ engine: DatabaseEngine, in folder: URL) async throws -> (url: DatabaseURL, drop: @Sendable () async -> Void) {
        switch engine {
        case .sqlite:
            return (.sqlite(path: folder.appendingPathComponent("test.sqlite").path), {})
        case .postgres:
            let (url, drop) = try await createPostgresDatabase()
            return (.postgres(url: url), drop)
        }
    }

    /// Creates `t_<random>` on the test server; returns its URL and how to drop it.
    private static func createPostgresDatabase() async throws -> (String, @Sendable () async -> Void) {
        guard let adminURL = postgresURL, var components = URLComponents(string: adminURL) else {
            throw TestDatabaseError("TEST_DATABASE_URL is not set")
        }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try await Database.open(.postgres(url: adminURL), logger: logger)
        do {
            // CREATE DATABASE cannot run inside a transaction: use a plain connection.
            try await admin.read { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        components.path = "/" + name
        guard let url = components.string else { throw TestDatabaseError("cannot build a URL from TEST_DATABASE_URL") }
        let drop: @Sendable () async -> Void = {
            guard let admin = try? await Database.open(.postgres(url: adminURL), logger: logger) else { return }
            _ = try? await admin.read { db in try await db.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
            await admin.close()
        }
        return (url, drop)
    }
}

package struct TestDatabaseError: Error, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
