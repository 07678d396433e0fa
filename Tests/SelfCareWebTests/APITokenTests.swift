import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Issue 14: personal API tokens — created from a login session and shown once, stored as digests, scoped (read-only by
/// default), rate-limited with their login, refused once revoked.
@Suite("Personal API tokens")
struct APITokenTests {
    static let aline = Subscribers.aline.rawValue

    /// Creates a token through the API with a login session; returns the answer.
    static func create(_ portal: PortalTest, session: String, name: String = "Accounting", scopes: [String]? = nil) async throws -> TestResponse {
        var body: [String: any Sendable] = ["name": name]
        if let scopes { body["scopes"] = scopes }
        return try await portal.api(.post, "/api/v1/apiToken", body, token: session)
    }

    @Test("a token created in a session reads bills, is listed with its last use but never its secret, and stops at revocation")
    func lifeOfAToken() async throws {
        try await Billing.withPortal { portal in
            // given
            let session = try await portal.token(Self.aline)

            // when
            let created = try await Self.create(portal, session: session)
            let token = try #require(created.json["token"] as? String)
            let id = try #require(created.json["id"] as? String)
            let bills = try await portal.api(.get, "/api/v1/customerBill", token: token)
            let listed = try await portal.api(.get, "/api/v1/apiToken", token: session)
            let revoked = try await portal.api(.delete, "/api/v1/apiToken/\(id)", token: session)
            let after = try await portal.api(.get, "/api/v1/customerBill", token: token)

            // then
            #expect(created.status == .created)
            #expect(token.hasPrefix("sct_") && token.count > 40)
            #expect(created.json["scopes"] as? [String] == ["bills:read", "usage:read"])
            #expect(bills.status == .ok)
            #expect(!BillingAPITests.list(bills).isEmpty)
            let entry = try #require(BillingAPITests.list(listed).first)
            #expect(entry["id"] as? String == id && entry["name"] as? String == "Accounting")
            #expect(entry["token"] == nil)
            #expect(entry["lastUsedAt"] as? String != nil)
            #expect(!listed.text.contains(token))
            #expect(revoked.status == .noContent)
            #expect(after.status == .unauthorized)
            let stored = try await portal.dump("api_tokens", columns: ["id", "name", "scopes", "token_digest"])
            #expect(!stored.joined().contains(token))
            #expect(stored.joined().contains(SecretTokens.digest(token)))
            let actions = try await portal.auditEvents().map(\.action)
            #expect(actions.contains("apiTokenCreated") && actions.contains("apiTokenRevoked"))
        }
    }

    @Test("a token name of 61 code points is refused even when it shows 60 characters")
    func nameInCodePoints() async throws {
        try await Billing.withPortal { portal in
            // given
            let session = try await portal.token(Self.aline)

            // when
            let response = try await Self.create(portal, session: session, name: String(repeating: "a", count: 59) + "e\u{0301}")

            // then
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("invalid_name"))
        }
    }

    @Test("a read-only token may not start a payment; a token with payments:write may")
    func writeScopeForPayments() async throws {
        try await Billing.withPortal { portal in
            // given
            let session = try await portal.token(Self.aline)
            let readOnly = try #require(try await Self.create(portal, session: session).json["token"] as? String)
            let writer = try #require(try await Self.create(portal, session: session, name: "Pay", scopes: ["bills:read", "payments:write"])
                .json["token"] as? String)
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let bills: [[String: any Sendable]] = [["id": bill.billNo, "amount": ["value": "1.00", "unit": "MUR"] as [String: any Sendable]]]

            // when
            let refused = try await portal.startPayment(bills, key: "k1", token: readOnly)
            let allowed = try await portal.startPayment(bills, key: "k2", token: writer)

            // then
            #expect(refused.status == .forbidden)
            #expect((refused.json["error"] as? [String: Any])?["code"] as? String == "insufficient_scope")
            #expect((allowed.json["error"] as? [String: Any])?["code"] as? String != "insufficient_scope")
            #expect(allowed.status != .forbidden)
        }
    }

    @Test("a personal token can neither manage tokens, change settings nor log out a session")
    func sessionOnlyOperations() async throws {
        try await Billing.withPortal { portal in
            // given
            let session = try await portal.token(Self.aline)
            let token = try #require(try await Self.create(portal, session: session, scopes: ["bills:read", "usage:read", "payments:write"])
                .json["token"] as? String)

            // when
            let answers = [
                try await Self.create(portal, session: token),
                try await portal.api(.get, "/api/v1/apiToken", token: token),
                try await portal.api(.put, "/api/v1/billingAccount/\(Self.aline)/usageAlerts", ["thresholds": [50], "channels": ["sms"]], token: token),
                try await portal.api(.delete, "/api/v1/sessions/current", token: token),
            ]

            // then
            for answer in answers {
                #expect(answer.status == .forbidden)
                #expect((answer.json["error"] as? [String: Any])?["code"] as? String == "session_required")
            }
            #expect(try await portal.tokenWorks(session))
            #expect(try await portal.count("api_tokens") == 1)
        }
    }

    @Test("a Client ID login's token sees every line of the client, and nothing else")
    func clientToken() async throws {
        try await Billing.withPortal { portal in
            // given
            let session = try await portal.token(Subscribers.companyClientID.rawValue)
            let token = try #require(try await Self.create(portal, session: session).json["token"] as? String)

            // when
            let accounts = try await portal.api(.get, "/api/v1/billingAccount", token: token)
            let aline = try await portal.api(.get, "/api/v1/billingAccount/\(Self.aline)", token: token)

            // then
            #expect(accounts.headers[HTTPField.Name("X-Total-Count")!] == String(Billing.companyAccountCount))
            #expect(aline.status == .notFound)
        }
    }

    @Test("a login's tokens share one budget a minute: RateLimit headers, then 429 with Retry-After for each of them")
    func tokensShareTheLoginsBudget() async throws {
        try await Billing.withPortal(configure: { $0.apiRequestsPerMinute = 5 }) { portal in
            // given two tokens of one login, made with its session (two requests of the budget)
            let session = try await portal.token(Self.aline)
            let first = try #require(try await Self.create(portal, session: session).json["token"] as? String)
            let second = try #require(try await Self.create(portal, session: session, name: "Other").json["token"] as? String)

            // when the two tokens take turns
            var answers: [TestResponse] = []
            for token in [first, second, first, second] { answers.append(try await portal.api(.get, "/api/v1/customerBill", token: token)) }
            portal.clock.advance(by: 61)
            let later = try await portal.api(.get, "/api/v1/customerBill", token: second)

            // then
            #expect(answers.map(\.status) == [.ok, .ok, .ok, .tooManyRequests])
            #expect(answers.map { $0.headers[HTTPField.Name("RateLimit-Remaining")!] } == ["2", "1", "0", "0"])
            #expect(answers[0].headers[HTTPField.Name("RateLimit-Limit")!] == "5")
            #expect(answers[3].headers[.retryAfter].flatMap(Int.init).map { (1...60).contains($0) } == true)
            #expect(answers[3].errorCode == "rate_limited")
            #expect(later.status == .ok)
        }
    }

    @Test("API calls with the login's session draw on the same budget as its tokens; another login keeps its own")
    func sessionCallsCount() async throws {
        try await Billing.withPortal(configure: { $0.apiRequestsPerMinute = 3 }) { portal in
            // given a token of Aline's login (one request of her budget), and a session of the company's login
            let session = try await portal.token(Self.aline)
            let token = try #require(try await Self.create(portal, session: session).json["token"] as? String)
            let company = try await portal.token(Subscribers.companyClientID.grouped)

            // when her session makes two calls, then her token one
            let sessionCalls = [try await portal.api(.get, "/api/v1/billingAccount", token: session),
                                try await portal.api(.get, "/api/v1/customerBill", token: session)]
            let tokenCall = try await portal.api(.get, "/api/v1/customerBill", token: token)
            let companyCall = try await portal.api(.get, "/api/v1/customerBill", token: company)

            // then
            #expect(sessionCalls.map(\.status) == [.ok, .ok])
            #expect(sessionCalls.map { $0.headers[HTTPField.Name("RateLimit-Remaining")!] } == ["1", "0"])
            #expect(tokenCall.status == .tooManyRequests)
            #expect(tokenCall.headers[.retryAfter] != nil)
            #expect(companyCall.status == .ok)
            #expect(companyCall.headers[HTTPField.Name("RateLimit-Remaining")!] == "2")
        }
    }

    @Test("bad names and scopes answer 422 naming the field", arguments: [
        ("", nil, "name"), (String(repeating: "x", count: 61), nil, "name"), ("ok", ["admin"], "scopes"),
        ("ok", ["bills:read", "bills:read"], "scopes"), ("ok", [], "scopes"),
    ] as [(String, [String]?, String)])
    func refused(name: String, scopes: [String]?, field: String) async throws {
        try await Billing.withPortal { portal in
            // given
            let session = try await portal.token(Self.aline)

            // when
            let answer = try await Self.create(portal, session: session, name: name, scopes: scopes)

            // then
            #expect(answer.status == .unprocessableContent)
            #expect((answer.json["error"] as? [String: Any])?["field"] as? String == field)
            #expect(try await portal.count("api_tokens") == 0)
        }
    }

    @Test("a password reset revokes the login's tokens")
    func resetRevokes() async throws {
        try await Billing.withPortal { portal in
            // given
            let session = try await portal.token(Self.aline)
            let token = try #require(try await Self.create(portal, session: session).json["token"] as? String)

            // when
            _ = try await portal.resetPassword(Self.aline, number: Subscribers.alineLine, to: "quiet harbour lantern 2031")

            // then
            #expect(try await portal.api(.get, "/api/v1/customerBill", token: token).status == .unauthorized)
        }
    }
}
