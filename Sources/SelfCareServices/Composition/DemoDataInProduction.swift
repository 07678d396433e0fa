import SelfCareStore

/// Production refuses to serve a database holding the demo data set: its logins, Client IDs and password are published,
/// so anyone could sign in. Serving it anyway (a public demonstration) takes a flag that says what it risks.
package struct DemoDataInProduction: Error, Sendable, CustomStringConvertible {
    /// The `serve` flag that serves demo data in production on purpose.
    package static let flag = "--serve-demo-data-in-production"
    /// The same as a setting.
    package static let setting = "SELFCARE_SERVE_DEMO_DATA_IN_PRODUCTION"

    package var description: String {
        "the database holds the demo data set (clients \(DemoDataSet.referencePrefix)…, whose logins and password are published): "
            + "production refuses to serve it; load the operator's data into a database without it, or start with \(Self.flag) "
            + "(\(Self.setting)=true) to serve the demo on purpose"
    }

    /// Throws when `configuration` is production, the database holds demo clients and serving them was not asked for.
    static func check(_ configuration: AppConfiguration, database: Database) async throws {
        guard configuration.mode == .production, !configuration.servesDemoDataInProduction else { return }
        if try await DemoLoader.holdsDemoData(database) { throw DemoDataInProduction() }
    }
}
