import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Who is logged in is decided by the route that matched, not the raw path: page routes read the session cookie, API
/// routes the Bearer token, and a session of one kind is never accepted as the other.
@Suite("Route authentication")
struct RouteAuthenticationTests {
    static let aline = Subscribers.aline.rawValue

    @Test("//api/v1/customerBill with the page session cookie is 401, not the subscriber's bills", arguments: TestDatabase.engines)
    func doubleSlashWithCookie(engine: DatabaseEngine) async throws {
        try await Billing.withPortal(engine: engine) { portal in
            // given a browser logged in to the pages
            let browser = try await portal.signedInBrowser(Self.aline)

            // when it asks the API by odd paths, with its cookie only
            let paths = ["//api/v1/customerBill", "/api//v1/customerBill", "//api//v1//billingAccount", "/api/v1/customerBill"]
            var answers: [TestResponse] = []
            for path in paths { answers.append(try await browser.get(path)) }

            // then the API routes answered, and refused the cookie
            for (path, answer) in zip(paths, answers) {
                #expect(answer.status == .unauthorized, "\(path)")
                #expect(answer.errorCode == "unauthorized", "\(path)")
                #expect(!answer.text.contains("billNo"), "\(path)")
            }
        }
    }

    @Test("the same odd paths with a Bearer token reach the API handler")
    func doubleSlashWithBearer() async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)

            // when
            let answer = try await portal.api(.get, "//api/v1/customerBill", token: token)

            // then
            #expect(answer.status == .ok)
            #expect(answer.text.contains("\"billNo\""))
        }
    }

    @Test("an API token is not a page session, and a page session is not an API token", arguments: TestDatabase.engines)
    func kindsAreKept(engine: DatabaseEngine) async throws {
        try await Billing.withPortal(engine: engine) { portal in
            // given one token of each kind for the same login
            let apiToken = try await portal.token(Self.aline)
            let browser = try await portal.signedInBrowser(Self.aline)
            let pageToken = try #require(browser.cookies["selfcare_session"])

            // when each is used as the other
            let asCookie = portal.browser()
            asCookie.setCookie("selfcare_session", apiToken)
            let page = try await asCookie.get("/account")
            let asBearer = try await portal.api(.get, "/api/v1/customerBill", token: pageToken)

            // then
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/login")
            #expect(asBearer.status == .unauthorized)
            #expect(try await portal.api(.get, "/api/v1/customerBill", token: apiToken).status == .ok)
            #expect(try await browser.get("/account").status == .ok)
        }
    }

    @Test("the 404 page for //evil.example/x links only to this site", arguments: ["//evil.example/x", "///evil.example/x", "/\\evil.example/x"])
    func languageLinkStaysHere(path: String) async throws {
        try await WebTest.withPortal { portal in
            // given
            let browser = portal.browser(acceptLanguage: "fr")

            // when
            let page = try await browser.get(path)

            // then
            #expect(page.status == .notFound)
            let link = try #require(Page.first(page.text, /class="lang-switch" href="([^"]*)"/))
            #expect(link.hasPrefix("/"))
            #expect(!link.hasPrefix("//") && !link.hasPrefix("/\\"), "\(link)")
            #expect(link.hasSuffix("lang=en"))
            #expect(!page.text.contains("href=\"//evil.example"))
        }
    }
}
