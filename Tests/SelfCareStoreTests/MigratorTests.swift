import Foundation
import SelfCareServices
import SelfCareTestSupport
import Testing
@testable import SelfCareStore

@Suite("Migrator")
struct MigratorTests {
    static let expectedTables: Set<String> = [
        "schema_migrations", "tariff_plans", "clients", "accounts", "usage_records", "billing_periods", "group_bills", "bills",
        "bill_lines", "portal_users", "registrations", "password_resets", "one_time_codes", "sessions", "outbox_messages",
        "payments", "payment_items", "payment_allocations", "receipts", "webhook_events", "audit_events", "counters",
    ]

    @Test("an empty database gets every migration once, in order", arguments: TestDatabase.engines)
    func migratesEmptyDatabase(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrated: false) { test in
            // given an empty database
            let migrator = Migrator(database: test.database)

            // when
            let applied = try await migrator.migrate(now: StoreFixture.migratedAt)

            // then
            #expect(applied.map(\.version) == Migrator.all.map(\.version))
            #expect(applied.map(\.version) == Array(1...Migrator.all.count))
            #expect(try await test.count("schema_migrations") == Migrator.all.count)
        }
    }

    @Test("running again applies nothing and changes nothing", arguments: TestDatabase.engines)
    func secondRunAppliesNothing(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrated: false) { test in
            // given a migrated database
            let migrator = Migrator(database: test.database)
            try await migrator.migrate(now: StoreFixture.migratedAt)
            let tablesBefore = try await test.tableNames()

            // when
            let applied = try await migrator.migrate(now: StoreFixture.importedAt)

            // then
            #expect(applied.isEmpty)
            #expect(try await test.count("schema_migrations") == Migrator.all.count)
            #expect(try await test.tableNames() == tablesBefore)
        }
    }

    @Test("the expected tables exist", arguments: TestDatabase.engines)
    func expectedTablesExist(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrated: false) { test in
            // given an empty database
            let migrator = Migrator(database: test.database)

            // when
            try await migrator.migrate(now: StoreFixture.migratedAt)

            // then
            let tables = try await test.tableNames()
            #expect(Self.expectedTables.subtracting(tables).isEmpty, "missing: \(Self.expectedTables.subtracting(tables).sorted())")
            for table in Self.expectedTables where table != "schema_migrations" {
                #expect(try await test.count(table) == 0, "\(table) should start empty")
            }
        }
    }

    @Test("a database that has the first migrations gets only the rest", arguments: TestDatabase.engines)
    func appliesOnlyPending(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrated: false) { test in
            // given a database migrated by an older release that knew the first five migrations
            try await Migrator(database: test.database, migrations: Array(Migrator.all.prefix(5))).migrate(now: StoreFixture.migratedAt)

            // when
            let applied = try await Migrator(database: test.database).migrate(now: StoreFixture.importedAt)

            // then
            #expect(applied.map(\.version) == Array(6...Migrator.all.count))
            #expect(try await test.count("schema_migrations") == Migrator.all.count)
        }
    }
}
