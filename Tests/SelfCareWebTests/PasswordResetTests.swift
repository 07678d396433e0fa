import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Password reset by SMS code to the number on file (CONTRACT §6).
@Suite("Password reset")
struct PasswordResetTests {
    static let aline = Subscribers.aline.rawValue
    static let newPassword = "a brand new passphrase 2026"

    @Test("through the API: 202, a code to the line, 200, and the new password replaces the old one")
    func apiJourney() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)

            // when
            let request = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Self.aline])
            let id = try #require(request.json["id"] as? String)
            let sms = try #require(try await portal.sms(to: Subscribers.alineLine).last)
            let code = try #require(sms.code)
            let completed = try await portal.api(.post, "/api/v1/password-resets/\(id)", [
                "code": code, "password": Self.newPassword, "passwordConfirmation": Self.newPassword,
            ])

            // then
            #expect(request.status == .accepted)
            #expect(Array(request.json.keys) == ["id"])
            #expect(sms.purpose == "passwordReset")
            #expect(completed.status == .ok)
            #expect(completed.json["status"] as? String == "passwordChanged")
            #expect(try await portal.login(Self.aline, Self.newPassword).status == .created)
            #expect(try await portal.login(Self.aline, Subscribers.password).status == .unauthorized)
            let changed = try #require(try await portal.sms(to: Subscribers.alineLine).last)
            #expect(changed.purpose == "passwordChanged")
            #expect(changed.code == nil)
        }
    }

    @Test("a Client ID's reset code goes to the client's contact mobile only")
    func clientIDCodeGoesToContact() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Subscribers.companyClientID.grouped, number: Subscribers.companyContact)
            let before = try await portal.messages().count

            // when
            let request = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Subscribers.companyClientID.rawValue])

            // then
            #expect(request.status == .accepted)
            let sent = Array(try await portal.messages().dropFirst(before))
            #expect(sent.count == 1)
            #expect(sent.first?.recipient == Subscribers.companyContact.e164)
            #expect(sent.first?.purpose == "passwordReset")
        }
    }

    @Test("an identifier without a login gets the same 202 and no SMS is sent", arguments: [
        Subscribers.kevin.rawValue, Subscribers.unknownAccount.rawValue, Subscribers.unknownClientID.grouped,
    ])
    func noLogin(_ identifier: String) async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let real = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Self.aline])
            let before = try await portal.messages().count

            // when
            let response = try await portal.api(.post, "/api/v1/password-resets", ["identifier": identifier])

            // then
            #expect(response.status == real.status)
            #expect(Array(response.json.keys) == Array(real.json.keys))
            #expect((response.json["id"] as? String)?.count == (real.json["id"] as? String)?.count)
            #expect(try await portal.messages().count == before)
        }
    }

    @Test("a wrong code changes nothing")
    func wrongCode() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let request = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Self.aline])
            let id = try #require(request.json["id"] as? String)
            let code = try await portal.latestCode(to: Subscribers.alineLine)

            // when
            let response = try await portal.api(.post, "/api/v1/password-resets/\(id)", [
                "code": OneTimeCodeTests.wrong(code), "password": Self.newPassword, "passwordConfirmation": Self.newPassword,
            ])

            // then
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "invalid_code")
            #expect(try await portal.login(Self.aline, Subscribers.password).status == .created)
        }
    }

    @Test("the new password follows the policy")
    func policyApplies() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let request = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Self.aline])
            let id = try #require(request.json["id"] as? String)
            let code = try await portal.latestCode(to: Subscribers.alineLine)

            // when
            let common = try await portal.api(.post, "/api/v1/password-resets/\(id)", [
                "code": code, "password": "1qaz2wsx3edc", "passwordConfirmation": "1qaz2wsx3edc",
            ])
            let mismatch = try await portal.api(.post, "/api/v1/password-resets/\(id)", [
                "code": code, "password": Self.newPassword, "passwordConfirmation": Self.newPassword + "!",
            ])
            let good = try await portal.api(.post, "/api/v1/password-resets/\(id)", [
                "code": code, "password": Self.newPassword, "passwordConfirmation": Self.newPassword,
            ])

            // then
            #expect(common.status == .unprocessableContent)
            #expect(common.errorCode == "password_too_common")
            #expect(mismatch.errorCode == "password_mismatch")
            #expect(mismatch.errorField == "passwordConfirmation")
            #expect(good.status == .ok)
        }
    }

    @Test("a completed reset cannot be used again")
    func singleUse() async throws {
        try await WebTest.withPortal { portal in
            // given a completed reset
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let request = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Self.aline])
            let id = try #require(request.json["id"] as? String)
            let code = try await portal.latestCode(to: Subscribers.alineLine)
            _ = try await portal.api(.post, "/api/v1/password-resets/\(id)", [
                "code": code, "password": Self.newPassword, "passwordConfirmation": Self.newPassword,
            ])

            // when
            let again = try await portal.api(.post, "/api/v1/password-resets/\(id)", [
                "code": code, "password": "yet another passphrase", "passwordConfirmation": "yet another passphrase",
            ])

            // then
            #expect(again.status == .notFound)
            #expect(try await portal.login(Self.aline, Self.newPassword).status == .created)
        }
    }

    @Test("the reset code expires after 10 minutes")
    func expiry() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let request = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Self.aline])
            let id = try #require(request.json["id"] as? String)
            let code = try await portal.latestCode(to: Subscribers.alineLine)

            // when
            portal.clock.advance(by: 601)
            let response = try await portal.api(.post, "/api/v1/password-resets/\(id)", [
                "code": code, "password": Self.newPassword, "passwordConfirmation": Self.newPassword,
            ])

            // then
            #expect(response.errorCode == "code_expired")
            #expect(try await portal.login(Self.aline, Subscribers.password).status == .created)
        }
    }

    @Test("the code goes out in the language the user registered in")
    func userLanguage() async throws {
        try await WebTest.withPortal { portal in
            // given Aline registered from an English browser
            let started = try await portal.api(.post, "/api/v1/registrations", [
                "identifier": Self.aline, "fullName": "Aline Ramdin", "email": "aline@example.mu", "acceptTerms": true,
            ], headers: [.acceptLanguage: "en"])
            let id = try #require(started.json["id"] as? String)
            let code = try await portal.latestCode(to: Subscribers.alineLine)
            _ = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": code])
            _ = try await portal.api(.post, "/api/v1/registrations/\(id)/password",
                                     ["password": Subscribers.password, "passwordConfirmation": Subscribers.password])

            // when she asks for a reset from a French page, once the minute between two codes has passed
            portal.clock.advance(by: 61)
            _ = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Self.aline], headers: [.acceptLanguage: "fr"])

            // then
            let sms = try #require(try await portal.sms(to: Subscribers.alineLine).last)
            #expect(sms.language == "en")
            #expect(sms.body.contains("your password reset code is"))
        }
    }

    @Test("in the browser: ask, receive the code, choose a new password, log in with it")
    func browserJourney() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let browser = portal.browser(acceptLanguage: "en")

            // when
            try await browser.get("/password-reset")
            let asked = try await browser.post("/password-reset", ["identifier": Self.aline])
            let page = try await browser.follow(asked)
            let code = try await portal.latestCode(to: Subscribers.alineLine)
            let done = try await browser.post(try #require(asked.headers[.location]), [
                "code": code, "password": Self.newPassword, "passwordConfirmation": Self.newPassword,
            ])
            let login = try await browser.follow(done)
            let loggedIn = try await browser.post("/login", ["identifier": Self.aline, "password": Self.newPassword])

            // then
            #expect(asked.status == .seeOther)
            #expect(page.status == .ok)
            #expect(done.status == .seeOther)
            #expect(done.headers[.location] == "/login?reset=1")
            #expect(login.text.contains("Your password was changed: log in with the new one."))
            #expect(loggedIn.status == .seeOther)
            #expect(loggedIn.headers[.location] == "/account")
        }
    }
}
