import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Anti-forgery on every state-changing form; GET never changes state.
@Suite("CSRF protection")
struct CSRFTests {
    static let registration: KeyValuePairs<String, String> = [
        "identifier": Subscribers.aline.rawValue, "fullName": "Aline Ramdin", "email": "aline@example.mu", "acceptTerms": "on",
    ]

    @Test("a form sent without the _csrf field is refused with 403 and changes nothing")
    func missingField() async throws {
        try await WebTest.withPortal { portal in
            // given a browser that has the cookie from the form page
            let browser = portal.browser(acceptLanguage: "en")
            try await browser.get("/register")

            // when
            let response = try await browser.post("/register", Self.registration, csrf: .some(nil))

            // then
            #expect(response.status == .forbidden)
            #expect(response.text.contains("The form expired or was not sent from this site."))
            #expect(try await portal.count("registrations") == 0)
            #expect(try await portal.messages().isEmpty)
        }
    }

    @Test("a form sent with a wrong _csrf field is refused with 403")
    func wrongField() async throws {
        try await WebTest.withPortal { portal in
            // given
            let browser = portal.browser()
            try await browser.get("/register")

            // when
            let response = try await browser.post("/register", Self.registration, csrf: "forged-token-forged-token-forged-token")

            // then
            #expect(response.status == .forbidden)
            #expect(try await portal.count("registrations") == 0)
        }
    }

    @Test("a form sent from another site (field but no cookie) is refused with 403")
    func missingCookie() async throws {
        try await WebTest.withPortal { portal in
            // given a field copied from a page, but a browser that never had the cookie
            let victim = portal.browser()
            try await victim.get("/register")
            let field = try #require(victim.csrfField)
            let attacker = portal.browser()

            // when
            let response = try await attacker.post("/register", Self.registration, csrf: field)

            // then
            #expect(response.status == .forbidden)
            #expect(try await portal.count("registrations") == 0)
        }
    }

    @Test("the form page sets a strict, HttpOnly anti-forgery cookie matching its hidden field")
    func cookieAndField() async throws {
        try await WebTest.withPortal { portal in
            // given
            let browser = portal.browser()

            // when
            let page = try await browser.get("/register")

            // then
            let cookie = try #require(page.setCookies.first { $0.hasPrefix("selfcare_csrf=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(browser.csrfField != nil)
            #expect(browser.cookies["selfcare_csrf"] == browser.csrfField)
        }
    }

    @Test("with the cookie and the matching field, the form proceeds")
    func validToken() async throws {
        try await WebTest.withPortal { portal in
            // given
            let browser = portal.browser()
            try await browser.get("/register")

            // when
            let response = try await browser.post("/register", Self.registration)

            // then
            #expect(response.status == .seeOther)
            #expect(response.headers[.location]?.hasPrefix("/register/") == true)
            #expect(try await portal.count("registrations") == 1)
        }
    }

    @Test("every form the pages post is protected", arguments: [
        "/login", "/logout", "/password-reset", "/password-reset/x", "/register", "/register/x/activate", "/register/x/password",
        "/register/x/resend", "/payments", "/accounts/1234567897/alerts", "/accounts/1234567897/alerts/consent", "/api-access",
        "/api-access/tok_x/revoke", "/api-access/subscriptions/sub_x/end", "/api-access/subscriptions/sub_x/resume",
    ])
    func everyForm(_ path: String) async throws {
        try await WebTest.withPortal { portal in
            // given
            let browser = portal.browser()
            try await browser.get("/login")

            // when
            let response = try await browser.post(path, ["identifier": Subscribers.aline.rawValue, "password": "anything at all"], csrf: .some(nil))

            // then
            #expect(response.status == .forbidden)
        }
    }

    @Test("logout by GET does not exist, and the session still works afterwards")
    func getDoesNotLogOut() async throws {
        try await WebTest.withPortal { portal in
            // given a logged-in browser
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            let browser = portal.browser()
            try await browser.get("/login")
            _ = try await browser.post("/login", ["identifier": Subscribers.aline.rawValue, "password": Subscribers.password])

            // when
            let logout = try await browser.get("/logout")
            let account = try await browser.get("/account")

            // then
            #expect([.notFound, .methodNotAllowed].contains(logout.status))
            #expect(account.status == .ok)
            #expect(try await portal.count("sessions") == 1)
        }
    }

    @Test("GET on the form pages changes no state", arguments: ["/register", "/login", "/password-reset", "/register/unknown/activate"])
    func getChangesNothing(_ path: String) async throws {
        try await WebTest.withPortal { portal in
            // given
            let browser = portal.browser()
            let tables = ["registrations", "password_resets", "one_time_codes", "sessions", "outbox_messages", "audit_events", "portal_users"]
            var before: [Int] = []
            for table in tables { before.append(try await portal.count(table)) }

            // when
            try await browser.get(path + "?identifier=\(Subscribers.aline.rawValue)&acceptTerms=on")

            // then
            var after: [Int] = []
            for table in tables { after.append(try await portal.count(table)) }
            #expect(after == before)
        }
    }

    @Test("the JSON API needs no form token: it takes no cookies, only Bearer tokens")
    func apiIsExempt() async throws {
        try await WebTest.withPortal { portal in
            // given a logged-in browser's session cookie
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            let browser = portal.browser()
            try await browser.get("/login")
            _ = try await browser.post("/login", ["identifier": Subscribers.aline.rawValue, "password": Subscribers.password])
            let cookie = try #require(browser.cookies["selfcare_session"])

            // when a cross-site request carries only the cookie
            let response = try await portal.api(.delete, "/api/v1/sessions/current", headers: [.cookie: "selfcare_session=\(cookie)"])

            // then the cookie is ignored
            #expect(response.status == .unauthorized)
            #expect(try await portal.count("sessions") == 1)
        }
    }
}
