import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// A Client ID is kept only as a keyed hash: never in clear in flows, codes, throttles, the audit trail or a message,
/// and re-issuing it ends the sessions and tokens of the client's login.
@Suite("Client IDs at rest")
struct ClientIDAtRestTests {
    static let company = Subscribers.companyClientID

    @Test("after a registration, failed logins and a reset with a Client ID, no table and no message holds it", arguments: TestDatabase.engines)
    func neverInClear(engine: DatabaseEngine) async throws {
        try await WebTest.withPortal(engine: engine) { portal in
            // given
            try await portal.register(Self.company.grouped, number: Subscribers.companyContact)
            for attempt in 0..<6 { _ = try await portal.login(Self.company.rawValue.lowercased(), "wrong password \(attempt)") }
            _ = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Self.company.grouped])

            // when every stored value is read
            var stored: [String] = []
            let tables: [(String, [String])] = [
                ("clients", ["client_ref", "client_id_digest"]), ("registrations", ["identifier"]), ("password_resets", ["identifier"]),
                ("one_time_codes", ["subject"]), ("login_throttles", ["identifier"]), ("audit_events", ["identifier", "detail"]),
                ("outbox_messages", ["recipient", "subject", "body"]), ("rate_limits", ["key"]),
            ]
            for (table, columns) in tables { stored += try await portal.dump(table, columns: columns) }
            let bareDigest = SecretTokens.digest(Self.company.rawValue)

            // then
            #expect(stored.count > 10)
            for text in stored.map({ $0.uppercased() }) {
                #expect(!text.contains(Self.company.rawValue) && !text.contains(Self.company.grouped), "\(text)")
            }
            #expect(!stored.contains { $0.contains(bareDigest) }, "a bare SHA-256 of 55 bits is not kept either")
            let confirmation = try #require(try await portal.messages().first { $0.purpose == "registrationConfirmed" })
            #expect(confirmation.body.contains("Identifiant Client"))
            #expect(try await portal.login(Self.company.grouped).status == .tooManyRequests, "the throttle still knows the login")
        }
    }

    @Test("re-issuing a Client ID ends the sessions and tokens of the client's login, and the old Client ID stops working")
    func reissueEndsSessions() async throws {
        try await WebTest.withPortal { portal in
            // given the company logged in to the pages and through the API
            try await portal.register(Self.company.grouped, number: Subscribers.companyContact)
            let token = try await portal.token(Self.company.grouped)
            let personal = try #require(try await portal.api(.post, "/api/v1/apiToken", ["name": "ERP"], token: token).json["token"] as? String)
            let browser = portal.browser()
            try await browser.get("/login")
            _ = try await browser.post("/login", ["identifier": Self.company.grouped, "password": Subscribers.password])
            #expect(try await browser.get("/account").status == .ok)

            // when staff issue a new Client ID
            let key = try await ClientIDKeyring(database: portal.database).key(configured: nil, now: portal.clock.now())
            var random = SeededRandom(seed: 99)
            let fresh = ClientID.random(using: &random)
            _ = try await ClientIDIssuer(database: portal.database, key: key, newClientID: { fresh })
                .issue(clientReference: "C200", now: portal.clock.now())

            // then
            #expect(try await portal.tokenWorks(token) == false)
            #expect(try await portal.api(.get, "/api/v1/billingAccount", token: personal).status == .unauthorized)
            #expect(try await browser.get("/account").status == .seeOther)
            #expect(try await portal.login(Self.company.grouped).status == .unauthorized)
            #expect(try await portal.login(fresh.grouped).status == .created)
        }
    }

    @Test("a database whose Client IDs were stored as bare SHA-256 is converted once to keyed digests, and logins go on working")
    func legacyDigestsConverted() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let database = test.database
            // given a client stored the old way, and an audit event naming its Client ID in clear
            let clientID = Subscribers.companyClientID
            try await database.transaction { db in
                try await db.raw("""
                    INSERT INTO clients (client_ref, name, kind, created_at, updated_at, client_id_digest)
                    VALUES ('C1', 'Old Client', 'company', 0, 0, \(bind: SecretTokens.digest(clientID.rawValue)))
                    """).run()
                try await db.raw("INSERT INTO audit_events (occurred_at, action, identifier) VALUES (0, 'loginFailed', \(bind: clientID.rawValue))").run()
            }

            // when the database is opened with a key, twice
            let key = try await ClientIDKeyring(database: database).key(configured: "a configured key for the Client IDs, 48 chars..", now: Date())
            _ = try await ClientIDKeyring(database: database).key(configured: "a configured key for the Client IDs, 48 chars..", now: Date())
            let other = await #expect(throws: ClientIDKeyError.self) {
                _ = try await ClientIDKeyring(database: database).key(configured: "another key altogether, long enough to be used", now: Date())
            }

            // then
            let found = try await database.read { db in try await CustomerRepository().client(clientID: clientID, key: key, on: db) }
            #expect(found?.client.reference == "C1")
            let identifier = try await database.read { db in
                try await db.raw("SELECT identifier FROM audit_events").first()?.decode(column: "identifier", as: String.self)
            }
            #expect(identifier == key.subject(clientID))
            #expect(other != nil)
        }
    }
}
