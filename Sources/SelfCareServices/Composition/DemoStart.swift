import Foundation
import Logging
import SelfCareStore

extension PortalSystem {
    /// Development only: loads the demo data set, with two logins ready and their history, into an empty database;
    /// returns the demo logins (also on later starts, while they exist).
    package static func demoLogins(_ configuration: AppConfiguration, logger: Logger) async throws -> [DemoHistory.Login]? {
        let database = try await Database.open(configuration.database, logger: logger)
        defer { Task { await database.close() } }
        try await Migrator(database: database).migrate()
        guard try await DemoLoader.isEmpty(database) else {
            return try await DemoLoader.readyLogins(seed: 1, in: database)
        }
        logger.info("Empty database: loading the demo data set (takes a moment)")
        let key = try await ClientIDKeyring(database: database).key(configured: configuration.keys.clientIDKey, now: Date())
        let history = DemoHistory(
            database: database, hasher: PasswordHasher(), branding: configuration.branding, publicURL: configuration.publicURL)
        let identifiers = try await DemoLoader(database: database, clientIDKey: key).load(seed: 1, now: Date(), history: history) {
            logger.info("\($0)")
        }
        logger.info("every demo identifier: swift run selfcare seed-demo (prints them as JSON)")
        return identifiers.logins
    }
}

extension AppConfiguration {
    /// The folder the portal keeps its local files in: beside its SQLite file, else `.selfcare` in the working directory.
    package var dataFolder: String {
        database.folder ?? FileManager.default.currentDirectoryPath + "/.selfcare"
    }
}
