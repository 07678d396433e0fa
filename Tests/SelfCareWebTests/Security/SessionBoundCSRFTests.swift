import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// A logged-in browser's forms carry its session's own anti-forgery token, new at each login: a token from before the
/// login, or from another session, is refused.
@Suite("Session-bound anti-forgery tokens")
struct SessionBoundCSRFTests {
    static let aline = Subscribers.aline.rawValue

    @Test("the token a browser had before logging in is refused after it, and login sets a new one")
    func rotatedAtLogin() async throws {
        try await WebTest.withPortal { portal in
            // given the token of the login page
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let browser = portal.browser()
            try await browser.get("/login")
            let before = try #require(browser.csrfField)
            let cookieBefore = try #require(browser.cookies["selfcare_csrf"])
            let login = try await browser.post("/login", ["identifier": Self.aline, "password": Subscribers.password])

            // when a form is posted with the old token, then with the one the session's pages carry
            let stale = try await browser.post("/logout", csrf: before)
            let account = try await browser.get("/account")
            let fresh = try #require(browser.csrfField)
            let loggedOut = try await browser.post("/logout")

            // then
            #expect(login.status == .seeOther)
            #expect(browser.cookies["selfcare_csrf"] != cookieBefore, "the login answer replaces the browser's token")
            #expect(stale.status == .forbidden)
            #expect(account.status == .ok)
            #expect(fresh != before)
            #expect(loggedOut.status == .seeOther)
            #expect(try await portal.count("sessions") == 0)
        }
    }

    @Test("another session's token does not work, even with this session's cookie")
    func otherSessionsToken() async throws {
        try await WebTest.withPortal { portal in
            // given two browsers logged in as the same subscriber
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let first = try await portal.signedInBrowser(Self.aline)
            let second = try await portal.signedInBrowser(Self.aline)
            try await first.get("/account")
            try await second.get("/account")
            let secondToken = try #require(second.csrfField)

            // when the first posts with the second's token
            let answer = try await first.post("/logout", csrf: secondToken)

            // then
            #expect(answer.status == .forbidden)
            #expect(try await portal.count("sessions") == 2)
        }
    }
}
