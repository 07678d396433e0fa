import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Logins with an Account ID or a Client ID, sessions in the database, cookies, expiry, logout and throttling.
@Suite("Login and sessions")
struct LoginTests {
    static let aline = Subscribers.aline.rawValue

    /// Logs `browser` in through the login form; returns the answer to the form.
    @discardableResult
    static func logIn(_ browser: Browser, _ identifier: String, _ password: String = Subscribers.password) async throws -> TestResponse {
        try await browser.get("/login")
        return try await browser.post("/login", ["identifier": identifier, "password": password])
    }

    @Test("an Account ID login opens that account only")
    func accountIDLogin() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let browser = portal.browser()

            // when
            let answer = try await Self.logIn(browser, Subscribers.aline.grouped)
            let account = try await browser.get("/account")

            // then
            #expect(answer.status == .seeOther)
            #expect(answer.headers[.location] == "/account")
            #expect(account.status == .ok)
            #expect(account.text.contains(Subscribers.aline.grouped))
            for other in Subscribers.companyAccounts { #expect(!account.text.contains(other.grouped)) }
        }
    }

    @Test("a Client ID login sees every account of the client")
    func clientIDLogin() async throws {
        try await WebTest.withPortal { portal in
            // given the company registered with its Client ID (code sent to its contact mobile)
            try await portal.register(Subscribers.companyClientID.grouped, number: Subscribers.companyContact)
            let browser = portal.browser()

            // when
            let answer = try await Self.logIn(browser, Subscribers.companyClientID.rawValue.lowercased())
            let account = try await browser.get("/account")

            // then
            #expect(answer.status == .seeOther)
            #expect(account.status == .ok)
            for id in Subscribers.companyAccounts { #expect(account.text.contains(id.grouped)) }
            #expect(!account.text.contains(Subscribers.aline.grouped))
            #expect(try await portal.login(Subscribers.companyClientID.grouped).status == .created)
        }
    }

    @Test("a wrong password and an unknown identifier get the very same 401")
    func knownAndUnknownAlike() async throws {
        try await WebTest.withPortal { portal in
            // given Aline is registered, Kevin's account exists without a login, and one Account ID belongs to nobody
            try await portal.register(Self.aline, number: Subscribers.alineLine)

            // when
            let wrongPassword = try await portal.login(Self.aline, "not my password at all")
            let noLogin = try await portal.login(Subscribers.kevin.rawValue, "not my password at all")
            let unknown = try await portal.login(Subscribers.unknownAccount.rawValue, "not my password at all")
            let unknownClient = try await portal.login(Subscribers.unknownClientID.grouped, "not my password at all")

            // then
            #expect(wrongPassword.status == .unauthorized)
            #expect(wrongPassword.errorCode == "invalid_credentials")
            for other in [noLogin, unknown, unknownClient] {
                #expect(other.status == wrongPassword.status)
                #expect(other.text == wrongPassword.text)
                #expect(other.headers[.contentType] == wrongPassword.headers[.contentType])
            }
        }
    }

    @Test("the login page answers a wrong password and an unknown identifier alike")
    func knownAndUnknownAlikeInThePage() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let browser = portal.browser(acceptLanguage: "en")

            // when
            let wrongPassword = try await Self.logIn(browser, Self.aline, "not my password at all")
            let unknown = try await Self.logIn(browser, Subscribers.unknownAccount.rawValue, "not my password at all")

            // then
            #expect(wrongPassword.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrongPassword.text.contains("Wrong identifier or password."))
            let strip = { (page: TestResponse, identifier: String) in page.comparableText.replacingOccurrences(of: identifier, with: "ID") }
            #expect(strip(wrongPassword, Self.aline) == strip(unknown, Subscribers.unknownAccount.rawValue))
        }
    }

    @Test("after 5 failures the next try is refused with 429 and Retry-After, even with the right password, until the delay has passed")
    func throttle() async throws {
        try await WebTest.withPortal { portal in
            // given five wrong passwords in a row
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            for attempt in 1...5 {
                #expect(try await portal.login(Self.aline, "wrong password \(attempt)").status == .unauthorized)
            }

            // when
            let refused = try await portal.api(.post, "/api/v1/sessions", ["identifier": Self.aline, "password": Subscribers.password],
                                               headers: [.acceptLanguage: "en"])
            portal.clock.advance(by: 29)
            let stillRefused = try await portal.login(Self.aline)
            portal.clock.advance(by: 2)
            let accepted = try await portal.login(Self.aline)

            // then
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "30")
            #expect(refused.errorCode == "too_many_attempts")
            #expect(refused.errorMessage == "Too many attempts. Wait 30 seconds before trying again, or reset your password by SMS.")
            #expect(stillRefused.status == .tooManyRequests)
            #expect(stillRefused.headers[.retryAfter] == "1")
            #expect(accepted.status == .created)
        }
    }

    @Test("the login page answers 429 with Retry-After while the login is throttled, and says how long to wait")
    func throttledLoginPage() async throws {
        try await WebTest.withPortal { portal in
            // given five wrong passwords typed in the login form
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let browser = portal.browser(acceptLanguage: "en")
            for attempt in 1...5 {
                #expect(try await Self.logIn(browser, Self.aline, "wrong password \(attempt)").status == .unauthorized)
            }

            // when the right password comes at once, then after the delay
            let refused = try await Self.logIn(browser, Self.aline)
            portal.clock.advance(by: 30)
            let accepted = try await Self.logIn(browser, Self.aline)

            // then
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "30")
            #expect(refused.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(refused.text.contains("Too many attempts. Wait 30 seconds before trying again, or reset your password by SMS."))
            #expect(!refused.setCookies.contains { $0.hasPrefix("selfcare_session=") && !$0.contains("Max-Age=0") })
            #expect(accepted.status == .seeOther)
            #expect(accepted.headers[.retryAfter] == nil)
        }
    }

    @Test("a wrong password in the login page is 401 without Retry-After")
    func wrongPasswordPageHasNoRetryAfter() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)

            // when
            let answer = try await Self.logIn(portal.browser(acceptLanguage: "en"), Self.aline, "not my password at all")

            // then
            #expect(answer.status == .unauthorized)
            #expect(answer.headers[.retryAfter] == nil)
        }
    }

    @Test("the delay grows with each further failure, and a success starts again from zero")
    func growingDelay() async throws {
        try await WebTest.withPortal { portal in
            // given five failures, then a wait and a sixth failure
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            for attempt in 1...5 { _ = try await portal.login(Self.aline, "wrong password \(attempt)") }
            portal.clock.advance(by: 31)
            _ = try await portal.login(Self.aline, "wrong password 6")

            // when
            let afterSix = try await portal.login(Self.aline)
            portal.clock.advance(by: 61)
            let success = try await portal.login(Self.aline)
            let nextFailure = try await portal.login(Self.aline, "wrong password 7")
            let nextTry = try await portal.login(Self.aline)

            // then
            #expect(afterSix.status == .tooManyRequests)
            #expect(afterSix.headers[.retryAfter] == "60")
            #expect(success.status == .created)
            #expect(nextFailure.status == .unauthorized)
            #expect(nextTry.status == .created)
            #expect(LoginThrottlePolicy().delay(afterFailures: 4) == 0)
            #expect(LoginThrottlePolicy().delay(afterFailures: 7) == 120)
            #expect(LoginThrottlePolicy().delay(afterFailures: 40) == 15 * 60)
        }
    }

    @Test("a password reset by SMS works while the login is throttled, clears the throttle and ends every session")
    func resetUnlocksAndEndsSessions() async throws {
        try await WebTest.withPortal { portal in
            // given the owner is logged in, and an attacker has hammered her identifier
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let ownersToken = try await portal.token(Self.aline)
            for attempt in 1...8 { _ = try await portal.login(Self.aline, "guess \(attempt)") }
            #expect(try await portal.login(Self.aline).status == .tooManyRequests)

            // when the owner resets her password by SMS
            let newPassword = "a brand new passphrase 2026"
            let (request, completed) = try await portal.resetPassword(Self.aline, number: Subscribers.alineLine, to: newPassword)
            let login = try await portal.login(Self.aline, newPassword)

            // then
            #expect(request.status == .accepted)
            #expect(completed.status == .ok)
            #expect(login.status == .created)
            #expect(try await portal.tokenWorks(ownersToken) == false)
            #expect(try await portal.api(.delete, "/api/v1/sessions/current", token: ownersToken).status == .unauthorized)
            #expect(try await portal.login(Self.aline, Subscribers.password).status == .unauthorized)
        }
    }

    @Test("near misses never succeed, and after 100 failures in a row the login is locked until a reset by SMS")
    func lockAfterHundredFailures() async throws {
        try await WebTest.withPortal { portal in
            // given a registered login, and an attacker who waits out the delay before every guess
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let authentication = portal.services.authentication
            var refusals: [String: Int] = [:]

            // when a hundred near misses are tried, each once the delay has passed
            for attempt in 0..<100 {
                portal.clock.advance(by: 15 * 60 + 1)
                // Near misses: the password with something appended, or its last digit changed.
                let guess = attempt.isMultiple(of: 2)
                    ? "\(Subscribers.password) \(attempt)" : String(Subscribers.password.dropLast()) + "\(attempt % 10)"
                switch try await authentication.login(identifier: Self.aline, password: guess, kind: .api, clientAddress: "192.0.2.9") {
                case .success: refusals["success", default: 0] += 1
                case .failure(let error): refusals[error.code, default: 0] += 1
                }
            }
            portal.clock.advance(by: 15 * 60 + 1)
            let ownerLocked = try await portal.login(Self.aline)
            let newPassword = "a brand new passphrase 2026"
            let (_, completed) = try await portal.resetPassword(Self.aline, number: Subscribers.alineLine, to: newPassword)
            let afterReset = try await portal.login(Self.aline, newPassword)

            // then
            #expect(refusals == ["invalid_credentials": 100])
            #expect(ownerLocked.status == .forbidden)
            #expect(ownerLocked.errorCode == "login_locked")
            #expect(completed.status == .ok)
            #expect(afterReset.status == .created)
            #expect(try await portal.count("audit_events", where: "action = 'loginLocked'") == 1)
        }
    }

    @Test("the session cookie is HttpOnly, SameSite=Lax, for the whole site, and not Secure on plain-HTTP development")
    func cookieOverHTTP() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let browser = portal.browser()

            // when
            _ = try await Self.logIn(browser, Self.aline)

            // then
            let cookie = try #require(browser.lastSetCookies.first { $0.hasPrefix("selfcare_session=") })
            let attributes = Set(cookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            #expect(attributes.contains("httponly"))
            #expect(attributes.contains("samesite=lax"))
            #expect(attributes.contains("path=/"))
            #expect(!attributes.contains("secure"))
            #expect(!attributes.contains { $0.hasPrefix("domain=") })
        }
    }

    @Test("over HTTPS the session cookie is __Host-selfcare and Secure")
    func cookieOverHTTPS() async throws {
        try await WebTest.withPortal(publicURL: "https://selfcare.example.mu") { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let browser = portal.browser()

            // when
            let answer = try await Self.logIn(browser, Self.aline)
            let account = try await browser.get("/account")

            // then
            #expect(answer.status == .seeOther)
            let cookie = try #require(answer.setCookies.first { $0.hasPrefix("__Host-selfcare=") })
            let attributes = Set(cookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            #expect(attributes.isSuperset(of: ["secure", "httponly", "samesite=lax", "path=/"]))
            #expect(!attributes.contains { $0.hasPrefix("domain=") })
            #expect(browser.cookies["selfcare_session"] == nil)
            #expect(browser.cookies["__Host-csrf"] != nil)
            #expect(account.status == .ok)
        }
    }

    @Test("each login gets a new session id, whatever cookie the browser already had")
    func newSessionIDAtLogin() async throws {
        try await WebTest.withPortal { portal in
            // given a browser carrying a session id chosen by someone else
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let browser = portal.browser()
            browser.setCookie("selfcare_session", "planted-by-an-attacker-0000000000000000")

            // when it logs in twice (the second time from a page of the first session, whose form carries its token)
            _ = try await Self.logIn(browser, Self.aline)
            let first = try #require(browser.cookies["selfcare_session"])
            _ = try await browser.get("/account")
            _ = try await browser.post("/login", ["identifier": Self.aline, "password": Subscribers.password])
            let second = try #require(browser.cookies["selfcare_session"])

            // then
            #expect(first != "planted-by-an-attacker-0000000000000000")
            #expect(first != second)
            #expect(try await portal.services.authentication.authenticate(token: "planted-by-an-attacker-0000000000000000", kind: .web) == nil)
            #expect(try await portal.services.authentication.authenticate(token: second, kind: .web) != nil)
        }
    }

    @Test("only a digest of the session token is stored")
    func tokenNotStored() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)

            // when
            let token = try await portal.token(Self.aline)

            // then
            let rows = try await portal.dump("sessions", columns: ["token_digest", "user_id", "kind", "csrf_token", "client_address"])
            #expect(rows.count == 1)
            #expect(!rows[0].contains(token))
            #expect(rows[0].contains(SecretTokens.digest(token)))
        }
    }

    @Test("sessions live in the database: another portal instance accepts a token, and a logout on one ends it on both")
    func sharedByInstances() async throws {
        try await WebTest.withPortal { portal in
            // given a token from the portal, and a second instance (its own connection, the same database)
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let token = try await portal.token(Self.aline)
            let secondInstance = portal.services.authentication

            // when
            let seenBySecond = try await secondInstance.authenticate(token: token, kind: .api)
            _ = try await portal.api(.delete, "/api/v1/sessions/current", token: token)
            let afterLogout = try await secondInstance.authenticate(token: token, kind: .api)

            // then
            #expect(seenBySecond?.user.fullName == "Aline Ramdin")
            #expect(afterLogout == nil)
        }
    }

    @Test("an API token expires like a page session: 30 minutes idle")
    func apiTokenIdleExpiry() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let kept = try await portal.token(Self.aline)
            let idle = try await portal.token(Self.aline)

            // when one token is used every 20 minutes and the other not at all
            portal.clock.advance(by: 20 * 60)
            let keptAt20 = try await portal.tokenWorks(kept)
            portal.clock.advance(by: 20 * 60)
            let keptAt40 = try await portal.tokenWorks(kept)
            let idleAt40 = try await portal.api(.delete, "/api/v1/sessions/current", token: idle)

            // then
            #expect(keptAt20)
            #expect(keptAt40)
            #expect(idleAt40.status == .unauthorized)
        }
    }

    @Test("a session ends after 30 minutes without a request")
    func idleExpiry() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let browser = portal.browser()
            _ = try await Self.logIn(browser, Self.aline)

            // when
            portal.clock.advance(by: 29 * 60)
            let active = try await browser.get("/account")
            portal.clock.advance(by: 31 * 60)
            let idle = try await browser.get("/account")

            // then
            #expect(active.status == .ok)
            #expect(idle.status == .seeOther)
            #expect(idle.headers[.location] == "/login")
            #expect(try await portal.count("sessions") == 0)
        }
    }

    @Test("a session ends 12 hours after login, however active")
    func absoluteExpiry() async throws {
        try await WebTest.withPortal { portal in
            // given a user who clicks every 20 minutes
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let browser = portal.browser()
            _ = try await Self.logIn(browser, Self.aline)
            var statuses: [HTTPResponse.Status] = []

            // when
            for _ in 1...35 {
                portal.clock.advance(by: 20 * 60)
                statuses.append(try await browser.get("/account").status)
            }
            portal.clock.advance(by: 20 * 60)
            let atTwelveHours = try await browser.get("/account")

            // then
            #expect(statuses == Array(repeating: .ok, count: 35))
            #expect(atTwelveHours.status == .seeOther)
            #expect(atTwelveHours.headers[.location] == "/login")
        }
    }

    @Test("logout ends the session on the server: the old cookie is useless afterwards")
    func logoutEndsTheSession() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let browser = portal.browser()
            _ = try await Self.logIn(browser, Self.aline)
            let oldCookie = try #require(browser.cookies["selfcare_session"])
            try await browser.get("/account")

            // when
            let loggedOut = try await browser.post("/logout")
            let replay = portal.browser()
            replay.setCookie("selfcare_session", oldCookie)
            let replayed = try await replay.get("/account")

            // then
            #expect(loggedOut.status == .seeOther)
            #expect(loggedOut.headers[.location] == "/login?loggedOut=1")
            #expect(browser.cookies["selfcare_session"] == nil)
            #expect(replayed.status == .seeOther)
            #expect(replayed.headers[.location] == "/login")
            #expect(try await portal.count("sessions") == 0)
        }
    }

    @Test("a hash made with older scrypt parameters is replaced at the next login")
    func rehashAtLogin() async throws {
        try await WebTest.withPortal { portal in
            // given a login whose hash has today's cheap test parameters, and a portal whose parameters were raised
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let raised = AuthenticationService(
                database: portal.database, clock: portal.clock, hasher: PasswordHasher(parameters: ScryptParameters(logN: 5, r: 8, p: 1), threads: 1),
                directory: portal.services.authentication.directory, throttling: LoginThrottlePolicy())

            // when
            let result = try await raised.login(identifier: Self.aline, password: Subscribers.password, kind: .web, clientAddress: nil)

            // then
            #expect((try? result.get()) != nil)
            let hashes = try await portal.dump("portal_users", columns: ["password_hash"])
            #expect(hashes.count == 1)
            #expect(hashes[0].hasPrefix("$scrypt$ln=5,r=8,p=1$"))
            #expect(try await portal.login(Self.aline).status == .created)
        }
    }
}
