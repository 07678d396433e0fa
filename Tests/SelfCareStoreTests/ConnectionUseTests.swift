import SelfCareTestSupport
import Testing
@testable import SelfCareStore

/// What the pool metrics read: connections held at this moment, and the most the database opens.
@Suite("Connection use")
struct ConnectionUseTests {
    @Test("a connection held by a read counts while it is held, and no longer once released", arguments: TestDatabase.engines)
    func heldWhileReading(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrated: false) { test in
            // given
            let database = test.database
            #expect(database.connectionUse.inUse == 0)
            #expect(database.connectionUse.capacity == (engine == .sqlite ? 4 : 16))

            // when a read is under way
            let during = try await database.read { db in
                _ = try await db.raw("SELECT 1 AS one").first()
                return database.connectionUse.inUse
            }

            // then
            #expect(during == 1)
            #expect(database.connectionUse.inUse == 0)
        }
    }
}
