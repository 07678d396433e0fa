import SelfCareStore

/// Whether the portal can serve: the database answers, and holds every migration this build knows.
package struct HealthCheck: Sendable {
    /// What readiness found.
    package enum Readiness: Sendable, Equatable {
        case ready
        case databaseUnreachable
        case databaseUnreadable
        case migrationsPending(Int)
    }

    let database: Database

    /// True when the database answers a query.
    package func isDatabaseReachable() async -> Bool {
        (try? await database.isReachable()) == true
    }

    package func readiness() async -> Readiness {
        guard await isDatabaseReachable() else { return .databaseUnreachable }
        guard let pending = try? await Migrator(database: database).pending() else { return .databaseUnreadable }
        return pending.isEmpty ? .ready : .migrationsPending(pending.count)
    }
}
