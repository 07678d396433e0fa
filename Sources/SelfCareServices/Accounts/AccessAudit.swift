import SelfCareCore
import SelfCareStore

/// Leaves an `accessDenied` audit event each time a login asks for something outside what it may see.
struct AccessAudit: Sendable {
    let database: Database
    let clock: any WallClock

    func denied(_ identity: AuthenticatedUser, _ what: String) async throws {
        let now = clock.now()
        try await database.transaction { db in
            try await AuditRepository().record(AuditEvent(action: .accessDenied, userID: identity.user.id, detail: what, occurredAt: now), on: db)
        }
    }
}
