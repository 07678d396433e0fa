import Crypto
import Foundation
import SelfCareStore
import SelfCareTestSupport
import SQLKit
import Testing

/// Landed migrations are never edited: a database migrated before an edit would never get it. Each migration's text is
/// pinned by its digest; a change is a new migration.
@Suite("Landed migrations")
struct LandedMigrationsTests {
    /// SHA-256 of each migration's version, name and statements, as they landed.
    static let landed: [Int: String] = [
        1: "2158ae2691bee8866c524d734b4f674615935155f31ab7294732adb746586db6",
        2: "b555657a98260b8d4a3d07e78fb65cb8e7d7bcfa30550b1b3bd769f1f8e0c44d",
        3: "a5fec4cbb3e0f6385ee32338e66c595bd0463bd383182747bd42083f3de6fe4a",
        4: "c6ab907e4f213bed65be7fb9695f0b0476e68c2f542d387224817bdb33bf2796",
        5: "927db1a86ccd37322751477f6a71feb96b69a5be54e38cb47280feeff432f56b",
        6: "85559da3fa888877286c3c3a914e06bbf765a89cd388f23906a95d47c564e605",
        7: "d16ef165595c9c85cda83da4593aebcee5a40b59155c51cea23755ee1b595cae",
        8: "fd4d4f3cb92156bc0c029690dd0f1855e4516797c19e7a019d7f43ec4673cac7",
        9: "78d72cb44af911dfb27d28186bbdc27d31a18f894e4c2897ba7e4f45b1b79929",
        10: "7d9c7b5dc6f0811fdf33d6611c3cbbbf13f5078b9e0c7a321a49fc7196fc988b",
        11: "b45563553bdcbcb6ef5a6b6cd375aec5d4c3c55e9a3a732baf109ed3831cef32",
        12: "81f9f503c2b3e31dd71f91c47eb244c4b6fd29ecc9962df6f18af61bca3ffa59",
        13: "32c2adcaf135c300b4f913a4fb17a35c63a401af3d32327b3d5a2cecfa90c929",
        14: "abdb7c821b7b54fc50542a0447b54add1c1f9f43b052d2bd830e57f0e3a5665c",
        15: "7ee1d2fe44f3e9f8778f7c20f882b226fb25e1c2bdf812ae2aa8d30fcb56520b",
        16: "7168911a342d22abd7dfe600f670654868430bf325535bb893853cdc64aa55ee",
        17: "61d998a645770e3165a8adc5de8b45d4ecf4d0b8838ab4e9067f0a10c25a13c1",
        18: "aba89e1b06e5a758a264bf5311daf194d94fdb51ba3b59786e714f4fd254f90e",
        19: "7793735f91b803c051fafef6e53baaea51cc287f8ca06240db2ab4f5b3949a90",
        20: "1e65fa34e0d0b9a70360a712977961e0741167d396d35e7ffcbbac1cb49cc38c",
        21: "f8a91cb458916cb94c90784dbc5281f787cd84e0db2b3dccb2cf4cbee6a3592c",
        22: "8ac608adb2678e8148914b1d30679947178dffba0de58a9a13ff1c39c0a261c9",
        23: "032b585d971ece6b2df2cb074bc6e22c5084d8c864e1eb9cccf0534556202f6f",
        24: "b9a4e42bcab43931e9801d20868b45000eab0a2a1f258faa1f9d1d353df1683c",
        25: "f65b30f3f61a7f30ebbff23b0ec97466fdb668ca6408bf89e1573fd57753556b",
        26: "2df103c9902cd7fdec8718ccbe4cb5025400ee68c9e473d2a170cfe0da25bc01",
        27: "b907ac5e15ceb60c5662dcd1d32f8b869638660516aa9a74cc6a9e33950956df",
        28: "d826fdcd225e1a0c20b2c884cc9966f559576808e5040b7622d2036434aca0cb",
        29: "c9b07f198db46a47e95515cccd2426df08f9071789d1145f7b9152dd0f11c8f9",
        30: "15c93a2c1706119238d28122f09f05458ec2b77087a0e5d9a64de0647b79bcdb",
        31: "b4dc1f49a103c757ccc5768dff6e38d9d7c8a5fe1f2d47bb3655132052c2d440",
        32: "cae29a2dff39c945cf09cc5bb0896809b0e5da55b86b1f3e542944b4596986b6",
    ]

    static func digest(_ migration: Migration) -> String {
        let text = "\(migration.version)\n\(migration.name)\n" + migration.statements.joined(separator: "\n;\n")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    @Test("no landed migration's text has changed, and versions follow each other")
    func unchanged() {
        // given every migration of the store
        let migrations = Migrator.all

        // when
        let digests = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, Self.digest($0)) })

        // then
        #expect(migrations.map(\.version) == Array(1...migrations.count))
        for (version, expected) in Self.landed.sorted(by: { $0.key < $1.key }) {
            #expect(digests[version] == expected, "migration \(version) changed: add a new migration instead")
        }
        #expect(Set(Self.landed.keys) == Set(digests.keys), "pin every new migration: \(digests.sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"" })")
    }
}

/// Migration 27 carries what migrations 12 and 18 gained after they were first applied, whichever text a database got.
@Suite("Outbox columns added after landing")
struct OutboxColumnsMigrationTests {
    @Test("a database migrated with the first texts gets priority, claim token and their indexes; one that had them keeps them",
          arguments: TestDatabase.engines)
    func bothHistories(engine: DatabaseEngine) async throws {
        for hadLaterTexts in [false, true] {
            try await TestDatabase.with(engine, migrated: false) { test in
                // given a database migrated up to 26, with or without the columns the later texts of 12 and 18 made
                _ = try await Migrator(database: test.database, migrations: Array(Migrator.all.prefix(26))).migrate(now: StoreFixture.migratedAt)
                if hadLaterTexts {
                    try await test.database.transaction { db in
                        try await db.raw("ALTER TABLE outbox_messages ADD COLUMN priority BIGINT NOT NULL DEFAULT 5").run()
                        try await db.raw("ALTER TABLE outbox_messages ADD COLUMN claim_token TEXT").run()
                    }
                }

                // when
                let applied = try await Migrator(database: test.database, migrations: Array(Migrator.all.prefix(27)))
                    .migrate(now: StoreFixture.migratedAt)

                // then both columns are there, and the indexes the queues read them with
                #expect(applied.map(\.version) == [27])
                let selected = try await test.database.read { db in
                    try await db.raw("SELECT priority, claim_token FROM outbox_messages WHERE 1 = 0").all().count
                }
                #expect(selected == 0)
                #expect(try await Self.indexColumns("outbox_messages_due", test) == ["status", "priority", "next_attempt_at"])
                #expect(try await Self.indexColumns("outbox_messages_sent", test) == ["sent_at"])
            }
        }
    }

    /// The columns of index `name`, in order (empty when there is no such index).
    static func indexColumns(_ name: String, _ test: TestDatabase) async throws -> [String] {
        try await test.database.read { db in
            let query: SQLQueryString = test.url.engine == .postgres
                ? """
                    SELECT a.attname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                    WHERE c.relname = \(bind: name) ORDER BY array_position(i.indkey::int2[], a.attnum)
                    """
                : "SELECT name FROM pragma_index_info(\(bind: name)) ORDER BY seqno"
            return try await db.raw(query).all().map { try $0.decode(column: "name", as: String.self) }
        }
    }
}
