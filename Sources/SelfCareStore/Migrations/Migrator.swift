import Foundation
import SQLKit

/// Applies pending migrations in order, each in its own transaction, and records them in `schema_migrations`.
package struct Migrator: Sendable {
    /// Every migration, in order. Append only.
    package static let all: [Migration] = [
        .createTariffPlans, .createClients, .createAccounts, .createUsageRecords, .createBillingPeriods,
        .createGroupBills, .createBills, .createPortalUsers, .createRegistrations, .createOneTimeCodes,
        .createSessions, .createOutboxMessages, .createPayments, .createReceipts, .createAuditEvents,
        .createCounters, .createLoginThrottles, .createDeliveryReceipts, .createPaymentItemIndexes, .createRateLimits,
        .createAccountCredits, .createTariffPlanVersions, .updateBillsAddPlanVersion, .createBillUsage,
        .freezeBilledUsage, .createPeriodClosings, .updateOutboxMessagesAddPriorityAndClaims, .createUsageAlerts,
        .createAPITokens, .createHub, .addBillRunDuration, .updateHubSubscriptionsAddOwnerAndState,
    ]

    private let database: Database
    private let migrations: [Migration]

    package init(database: Database, migrations: [Migration] = Migrator.all) {
        self.database = database
        self.migrations = migrations
    }

    /// The versions this build knows that the database has not applied (all of them on a database never migrated).
    package func pending() async throws -> [Int] {
        let applied = try await database.read { db -> Set<Int> in
            guard let rows = try? await db.raw("SELECT version FROM schema_migrations").all() else { return [] }
            return Set(try rows.map { Int(try $0.decode(column: "version", as: Int64.self)) })
        }
        return migrations.map(\.version).filter { !applied.contains($0) }
    }

    /// Applies what is pending and returns the migrations it applied.
    @discardableResult
    package func migrate(now: Date = Date()) async throws -> [Migration] {
        try await database.transaction { db in
            try await db.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """).run()
        }
        let engine = database.engine
        var applied: [Migration] = []
        for migration in migrations {
            let didApply = try await database.transaction { db in
                if engine == .postgres {
                    // Two instances starting together apply each migration once.
                    try await db.raw("LOCK TABLE schema_migrations IN EXCLUSIVE MODE").run()
                }
                let existing = try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)")
                    .first()
                guard existing == nil else { return false }
                for statement in migration.sql(for: engine) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await migration.data?(db)
                try await db.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Int64(now.timeIntervalSince1970)))
                    """).run()
                return true
            }
            if didApply { applied.append(migration) }
        }
        return applied
    }
}
