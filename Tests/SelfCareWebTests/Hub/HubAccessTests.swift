import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import SelfCareCore
import SelfCareMessaging
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Issue 21.1 and 21.2: a subscription belongs to the access that made it — a token's ends with the token, every one of
/// a login ends with a password reset or a Client ID re-issue — and carries only the events its maker may read.
@Suite("Event subscriptions and the access that made them")
struct HubAccessTests {
    static let aline = Subscribers.aline.rawValue

    static func token(_ portal: PortalTest, scopes: [String], name: String = "Accounting") async throws -> (id: String, token: String) {
        let session = try await portal.token(Self.aline)
        let created = try await APITokenTests.create(portal, session: session, name: name, scopes: scopes)
        return (try #require(created.json["id"] as? String), try #require(created.json["token"] as? String))
    }

    /// The subscriptions' rows, live or ended, as `id|ended_reason`.
    static func endings(_ portal: PortalTest) async throws -> [String] {
        try await portal.dump("hub_subscriptions", columns: ["id", "ended_reason"]).sorted()
    }

    @Test("a token's subscription is listed on the page with the token, ends when the token is revoked there, which says so, and hears nothing after")
    func endsWithItsToken() async throws {
        try await Billing.withPortal { portal in
            let receiver = AnsweringReceiver()
            try await receiver.serve { port in
                // given
                let callback = "http://127.0.0.1:\(port)/events"
                let (tokenID, token) = try await Self.token(portal, scopes: ["bills:read", "events:write"])
                let subscribed = try await HubTests.subscribe(portal, token, callback: callback, query: nil)
                let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
                let listed = try await browser.get("/api-access")

                // when
                let revoked = try await browser.post("/api-access/\(tokenID)/revoke")
                let after = try await browser.follow(revoked)
                portal.clock.advance(by: 12 * 86_400)
                try await Billing.runBills(portal, period: Billing.november)
                try await HubTests.deliverAll(portal, rounds: 2)

                // then
                #expect(subscribed.status == .created)
                #expect(subscribed.json["query"] as? String == "eventType=CustomerBillCreateEvent")
                #expect(listed.text.contains(callback) && listed.text.contains("Accounting"))
                #expect(revoked.status == .seeOther)
                #expect(after.text.contains("The token “Accounting” is revoked."))
                #expect(after.text.contains("With it ended these event subscriptions:"))
                #expect(after.text.contains("<li class=\"mono\">\(callback)</li>"))
                #expect(await receiver.calls.isEmpty)
                #expect(try await portal.count("hub_deliveries") == 0)
                #expect(try await Self.endings(portal) == ["\(subscribed.json["id"] as? String ?? "")|tokenRevoked"])
            }
        }
    }

    @Test("a password reset ends every subscription of the login, a session's too")
    func endsWithAPasswordReset() async throws {
        try await Billing.withPortal { portal in
            // given
            let session = try await portal.token(Self.aline)
            let (_, token) = try await Self.token(portal, scopes: ["bills:read", "events:write"])
            _ = try await HubTests.subscribe(portal, session, callback: "https://hooks.example.mu/a", query: nil)
            _ = try await HubTests.subscribe(portal, token, callback: "https://hooks.example.mu/b", query: nil)

            // when
            _ = try await portal.resetPassword(Self.aline, number: Subscribers.alineLine, to: "quiet harbour lantern 2031")
            let fresh = try await portal.token(Self.aline, "quiet harbour lantern 2031")
            let listed = try await portal.api(.get, "/api/v1/hub", token: fresh)

            // then
            #expect(BillingAPITests.list(listed).isEmpty)
            #expect(try await Self.endings(portal).map { $0.split(separator: "|").last } == ["passwordReset", "passwordReset"])
        }
    }

    @Test("re-issuing a Client ID ends the subscriptions of the client's login; no usage threshold reaches them after")
    func endsWithAClientIDReissue() async throws {
        try await Billing.withPortal { portal in
            // given
            let company = try await portal.token(Subscribers.companyClientID.grouped)
            let created = try await HubTests.subscribe(portal, company, callback: "https://hooks.example.mu/erp", query: "eventType=UsageThresholdEvent")

            // when
            let key = try await ClientIDKeyring(database: portal.database).key(configured: nil, now: portal.clock.now())
            var random = SeededRandom(seed: 7)
            let fresh = ClientID.random(using: &random)
            _ = try await ClientIDIssuer(database: portal.database, key: key, newClientID: { fresh })
                .issue(clientReference: "C200", now: portal.clock.now())

            // then
            #expect(created.status == .created)
            #expect(try await Self.endings(portal) == ["\(created.json["id"] as? String ?? "")|clientIDReissued"])
            #expect(try await portal.count("hub_subscriptions", where: "deleted_at IS NULL") == 0)
        }
    }

    @Test("a read-only token can neither subscribe nor end its owner's subscriptions")
    func readOnlyTokenManagesNothing() async throws {
        try await Billing.withPortal { portal in
            // given
            let session = try await portal.token(Self.aline)
            let own = try await HubTests.subscribe(portal, session, callback: "https://hooks.example.mu/a", query: nil)
            let (_, readOnly) = try await Self.token(portal, scopes: ["bills:read", "usage:read"])

            // when
            let subscribed = try await HubTests.subscribe(portal, readOnly, callback: "https://hooks.example.mu/b", query: nil)
            let deleted = try await portal.api(.delete, "/api/v1/hub/\(own.json["id"] as? String ?? "")", token: readOnly)
            let listed = try await portal.api(.get, "/api/v1/hub", token: readOnly)

            // then
            for response in [subscribed, deleted, listed] {
                #expect(response.status == .forbidden)
                #expect((response.json["error"] as? [String: Any])?["code"] as? String == "insufficient_scope")
            }
            #expect(BillingAPITests.list(try await portal.api(.get, "/api/v1/hub", token: session)).count == 1)
        }
    }

    @Test("a token's subscription carries only the events its scopes read; asking for more is refused, naming the type")
    func typesFollowScopes() async throws {
        try await Billing.withPortal { portal in
            // given
            let (_, bills) = try await Self.token(portal, scopes: ["bills:read", "events:write"])
            let (_, usage) = try await Self.token(portal, scopes: ["usage:read", "payments:write", "events:write"], name: "Usage")
            let session = try await portal.token(Self.aline)

            // when
            let everything = try await HubTests.subscribe(portal, bills, callback: "https://hooks.example.mu/a", query: nil)
            let payments = try await HubTests.subscribe(portal, bills, callback: "https://hooks.example.mu/b", query: "eventType=PaymentStateChangeEvent")
            let usageAll = try await HubTests.subscribe(portal, usage, callback: "https://hooks.example.mu/c", query: nil)
            let fromSession = try await HubTests.subscribe(portal, session, callback: "https://hooks.example.mu/d", query: nil)

            // then
            #expect(everything.json["query"] as? String == "eventType=CustomerBillCreateEvent")
            #expect(payments.status == .forbidden)
            let error = payments.json["error"] as? [String: Any]
            #expect(error?["code"] as? String == "insufficient_scope")
            #expect((error?["message"] as? String)?.contains("PaymentStateChangeEvent") == true)
            #expect(usageAll.json["query"] as? String == "eventType=PaymentStateChangeEvent,UsageThresholdEvent")
            #expect(fromSession.json["query"] as? String
                == "eventType=CustomerBillCreateEvent,PaymentStateChangeEvent,UsageThresholdEvent")
        }
    }

    @Test("a subscription ended on the page is gone from the list, and the page says which")
    func endedOnThePage() async throws {
        try await Billing.withPortal { portal in
            // given
            let session = try await portal.token(Self.aline)
            let created = try await HubTests.subscribe(portal, session, callback: "https://hooks.example.mu/a", query: nil)
            let id = try #require(created.json["id"] as? String)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "fr")
            try await browser.get("/api-access")

            // when
            let ended = try await browser.post("/api-access/subscriptions/\(id)/end")
            let page = try await browser.follow(ended)
            let again = try await browser.post("/api-access/subscriptions/\(id)/end")

            // then
            #expect(ended.status == .seeOther)
            #expect(page.text.contains("L’abonnement aux événements vers https://hooks.example.mu/a a pris fin."))
            #expect(page.text.contains("Aucun abonnement aux événements."))
            #expect(again.status == .notFound)
        }
    }
}
