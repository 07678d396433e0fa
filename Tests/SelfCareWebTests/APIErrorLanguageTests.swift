import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import Testing
@testable import SelfCareWeb

/// Issue 23.4: an API refusal speaks the caller's language, as its `Content-Language` says, whoever wrote it (a use
/// case, a controller or a middleware).
@Suite("API errors in the caller's language")
struct APIErrorLanguageTests {
    static func message(_ response: TestResponse) -> String? {
        (response.json["error"] as? [String: Any])?["message"] as? String
    }

    @Test("a call without a token is refused in French or English, as asked", arguments: [
        ("fr", "Un jeton Bearer valide est obligatoire."), ("en", "A valid Bearer token is required."),
    ])
    func unauthorized(language: String, expected: String) async throws {
        try await WebTest.withPortal { portal in
            // when
            let response = try await portal.api(.get, "/api/v1/billingAccount", headers: [.acceptLanguage: language])

            // then
            #expect(response.status == .unauthorized)
            #expect(response.headers[.contentLanguage] == language)
            #expect(Self.message(response) == expected)
        }
    }

    @Test("a bad parameter, a body that is not JSON and a scope a token lacks are refused in French")
    func refusalsInFrench() async throws {
        try await Billing.withPortal { portal in
            // given
            let session = try await portal.token(Subscribers.aline.rawValue)
            let created = try await APITokenTests.create(portal, session: session, scopes: ["usage:read"])
            let token = try #require(created.json["token"] as? String)
            let french: HTTPFields = [.acceptLanguage: "fr"]

            // when
            let paging = try await portal.api(.get, "/api/v1/customerBill?limit=0", token: session, headers: french)
            let scope = try await portal.api(.get, "/api/v1/customerBill", token: token, headers: french)
            let range = try await portal.api(.get, "/api/v1/usage?from=2026-11-30&to=2026-11-01", token: session, headers: french)

            // then
            #expect(paging.status == .badRequest)
            #expect(Self.message(paging) == "limit doit être un nombre entier de 1 à 1000, et non « 0 ».")
            #expect(scope.status == .forbidden)
            #expect(Self.message(scope) == "Ce jeton a besoin du droit bills:read.")
            #expect(range.status == .badRequest)
            #expect(Self.message(range) == "from ne doit pas être après to.")
        }
    }
}
