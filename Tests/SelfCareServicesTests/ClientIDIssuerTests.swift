import Foundation
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices

/// `issue-client-id`: a staff action; the previous Client ID stops working.
@Suite("ClientIDIssuer")
struct ClientIDIssuerTests {
    static let first = seeded(1)
    static let second = seeded(2)

    static func seeded(_ seed: UInt64) -> ClientID {
        var random = SeededRandom(seed: seed)
        return ClientID.random(using: &random)
    }

    static func givenClient(_ test: TestDatabase) async throws {
        try await test.importPlans()
        try await test.importCustomers([
            StoreFixture.customer("BIZ", "+23057000002", kind: "company"),
            StoreFixture.customer("BIZ", "+23057000003", kind: "company"),
            StoreFixture.customer("IND", "+23057000004"),
        ])
    }

    static func client(_ clientID: ClientID, _ test: TestDatabase) async throws -> StoredClient? {
        try await test.database.read { db in try await CustomerRepository().client(clientID: clientID, key: StoreFixture.clientIDKey, on: db) }
    }

    @Test("the issued Client ID finds its client", arguments: TestDatabase.engines)
    func issuedIDFindsClient(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenClient(test)

            // when
            let issued = try await ClientIDIssuer(database: test.database, key: StoreFixture.clientIDKey, newClientID: { Self.first })
                .issue(clientReference: "BIZ", now: StoreFixture.importedAt)

            // then
            #expect(issued == Self.first)
            let client = try #require(try await Self.client(try ClientID(issued.grouped.lowercased()), test))
            #expect(client.client.reference == "BIZ")
            #expect(client.hasClientID)
            #expect(try await test.count("clients", where: "client_id_digest IS NOT NULL") == 1)
            #expect(try await test.count("clients", where: "client_id_digest = '\(issued.rawValue)'") == 0, "only a digest is kept")
            #expect(try await test.count("audit_events", where: "action = 'clientIDIssued' AND identifier = 'BIZ'") == 1)
        }
    }

    @Test("re-issuing makes the previous Client ID stop working", arguments: TestDatabase.engines)
    func reissueRevokesPrevious(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a Client ID already issued
            try await Self.givenClient(test)
            let ids = ClientIDSequence([Self.first, Self.second])
            let issuer = ClientIDIssuer(database: test.database, key: StoreFixture.clientIDKey, newClientID: ids.next)
            let previous = try await issuer.issue(clientReference: "BIZ", now: StoreFixture.importedAt)

            // when
            let current = try await issuer.issue(clientReference: "BIZ", now: Instant.mauritius(2026, 10, 2, 9))

            // then
            #expect(previous != current)
            #expect(try await Self.client(previous, test) == nil)
            #expect(try await Self.client(current, test)?.client.reference == "BIZ")
        }
    }

    @Test("a Client ID already held by another client is never handed out twice", arguments: TestDatabase.engines)
    func collisionDrawsAgain(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given BIZ holds the first ID, and the generator offers it again before a fresh one
            try await Self.givenClient(test)
            _ = try await ClientIDIssuer(database: test.database, key: StoreFixture.clientIDKey, newClientID: { Self.first })
                .issue(clientReference: "BIZ", now: StoreFixture.importedAt)
            let ids = ClientIDSequence([Self.first, Self.second])

            // when
            let issued = try await ClientIDIssuer(database: test.database, key: StoreFixture.clientIDKey, newClientID: ids.next)
                .issue(clientReference: "IND", now: StoreFixture.importedAt)

            // then
            #expect(issued == Self.second)
            #expect(try await Self.client(Self.first, test)?.client.reference == "BIZ")
            #expect(try await Self.client(Self.second, test)?.client.reference == "IND")
        }
    }

    @Test("an unknown client reference is refused", arguments: TestDatabase.engines)
    func unknownClient(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenClient(test)

            // when
            let error = await #expect(throws: ClientIDIssuerError.self) {
                try await ClientIDIssuer(database: test.database, key: StoreFixture.clientIDKey, newClientID: { Self.first })
                    .issue(clientReference: "NOBODY", now: StoreFixture.importedAt)
            }

            // then
            #expect(String(describing: try #require(error)) == "no client has the reference 'NOBODY'")
            #expect(try await test.count("clients", where: "client_id_digest IS NOT NULL") == 0)
            #expect(try await test.count("audit_events") == 0)
        }
    }
}
