import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SelfCareCore
import SelfCareMessaging
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// SMS codes: random, hashed at rest, valid 10 minutes, single use, 5 wrong tries kill the code, at most 5 codes
/// per identifier per hour, a minute between two sends.
@Suite("One-time codes")
struct OneTimeCodeTests {
    static let identifier = Subscribers.aline.rawValue
    static let line = Subscribers.alineLine

    /// A six-digit code that is not `code`.
    static func wrong(_ code: String, _ offset: Int = 1) -> String {
        String(format: "%06d", (Int(code)! + offset) % 1_000_000)
    }

    @Test("a wrong code gets 422 invalid_code and the right code still works after 4 wrong tries")
    func wrongThenRight() async throws {
        try await WebTest.withPortal { portal in
            // given
            let id = try await portal.startRegistration(Self.identifier)
            let code = try await portal.latestCode(to: Self.line)

            // when
            var wrongAnswers: [TestResponse] = []
            for offset in 1...4 {
                wrongAnswers.append(try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": Self.wrong(code, offset)]))
            }
            let right = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": code])

            // then
            #expect(wrongAnswers.map(\.status) == Array(repeating: .unprocessableContent, count: 4))
            #expect(wrongAnswers.map(\.errorCode) == Array(repeating: "invalid_code", count: 4))
            #expect(wrongAnswers.allSatisfy { $0.errorField == "code" })
            #expect(right.status == .ok)
        }
    }

    @Test("after 5 wrong tries even the right code fails")
    func fiveWrongTriesKillTheCode() async throws {
        try await WebTest.withPortal { portal in
            // given
            let id = try await portal.startRegistration(Self.identifier)
            let code = try await portal.latestCode(to: Self.line)

            // when
            var codes: [String?] = []
            for offset in 1...5 {
                codes.append(try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": Self.wrong(code, offset)]).errorCode)
            }
            let right = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": code])

            // then
            #expect(codes == ["invalid_code", "invalid_code", "invalid_code", "invalid_code", "too_many_attempts"])
            #expect(right.status == .unprocessableContent)
            #expect(right.errorCode == "too_many_attempts")
            #expect(try await portal.count("registrations", where: "status = 'verified'") == 0)
        }
    }

    @Test("a code works until 10 minutes have passed")
    func validForTenMinutes() async throws {
        try await WebTest.withPortal { portal in
            // given
            let id = try await portal.startRegistration(Self.identifier)
            let code = try await portal.latestCode(to: Self.line)

            // when
            portal.clock.advance(by: 599)
            let response = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": code])

            // then
            #expect(response.status == .ok)
        }
    }

    @Test("a code has expired after 10 minutes")
    func expiresAfterTenMinutes() async throws {
        try await WebTest.withPortal { portal in
            // given
            let id = try await portal.startRegistration(Self.identifier)
            let code = try await portal.latestCode(to: Self.line)

            // when
            portal.clock.advance(by: 601)
            let response = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": code])

            // then
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "code_expired")
            #expect(try await portal.count("registrations", where: "status = 'verified'") == 0)
        }
    }

    @Test("a used code opens nothing again: re-activating a completed registration creates no second login")
    func singleUseThroughTheAPI() async throws {
        try await WebTest.withPortal { portal in
            // given a completed registration
            let id = try await portal.startRegistration(Self.identifier)
            let code = try await portal.latestCode(to: Self.line)
            _ = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": code])
            _ = try await portal.api(.post, "/api/v1/registrations/\(id)/password",
                                     ["password": Subscribers.password, "passwordConfirmation": Subscribers.password])

            // when the same code and a new password are sent again
            let again = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": code])
            let secondPassword = try await portal.api(.post, "/api/v1/registrations/\(id)/password",
                                                      ["password": "another long passphrase", "passwordConfirmation": "another long passphrase"])

            // then
            #expect(again.status == .notFound)
            #expect(secondPassword.status == .notFound)
            #expect(try await portal.count("portal_users") == 1)
            #expect(try await portal.login(Self.identifier, "another long passphrase").status == .unauthorized)
        }
    }

    @Test("a code verifies once; the second time it is refused")
    func singleUse() async throws {
        try await WebTest.withPortal { portal in
            // given a code issued for a flow
            let codes = portal.services.registrations.codes
            let now = portal.clock.now()
            try await portal.database.transaction { db in
                try await codes.issue(purpose: .activation, flowID: "flow-single-use", subject: "S1", to: Self.line, language: .english,
                                      clientAddress: nil, now: now, on: db)
            }
            let code = try await portal.latestCode(to: Self.line)

            // when
            let first = try await portal.database.transaction { db in try await codes.verify(code, flowID: "flow-single-use", now: now, on: db) }
            let second = try await portal.database.transaction { db in try await codes.verify(code, flowID: "flow-single-use", now: now, on: db) }

            // then
            #expect((try? first.get()) != nil)
            #expect(second.failure == ServiceError.field("code", "error.code.invalid", code: "invalid_code"))
        }
    }

    @Test("codes are six random digits, stored only as a keyed hash")
    func randomAndHashedAtRest() async throws {
        try await WebTest.withPortal { portal in
            // given
            let codes = portal.services.registrations.codes
            let now = portal.clock.now()

            // when twenty codes are issued for twenty subjects
            try await portal.database.transaction { db in
                for index in 0..<20 {
                    try await codes.issue(purpose: .activation, flowID: "flow-\(index)", subject: "S\(index)", to: Self.line,
                                          language: .french, clientAddress: nil, now: now, on: db)
                }
            }

            // then
            let sent = try await portal.sms(to: Self.line).compactMap(\.code)
            #expect(sent.count == 20)
            #expect(sent.allSatisfy { $0.count == 6 && $0.allSatisfy { $0.isASCII && $0.isNumber } })
            #expect(Set(sent).count > 15)
            let stored = try await portal.dump("one_time_codes", columns: ["flow_id", "subject", "code_hash", "attempts", "created_at", "expires_at"])
            #expect(stored.count == 20)
            for code in sent { #expect(stored.allSatisfy { !$0.contains(code) }) }
        }
    }

    @Test("at most 5 codes per identifier per hour; the sixth registration sends nothing until the hour has passed")
    func fiveCodesPerHour() async throws {
        try await WebTest.withPortal { portal in
            // given five registrations within the hour
            for _ in 0..<5 {
                _ = try await portal.startRegistration(Self.identifier)
                portal.clock.advance(by: 60)
            }
            let afterFive = try await portal.sms(to: Self.line).count

            // when
            let sixth = try await portal.api(.post, "/api/v1/registrations", [
                "identifier": Self.identifier, "fullName": "Aline Ramdin", "email": "aline@example.mu", "acceptTerms": true,
            ])
            let afterSix = try await portal.sms(to: Self.line).count
            portal.clock.advance(by: 3600 - 5 * 60 + 1)
            _ = try await portal.startRegistration(Self.identifier)
            let afterTheHour = try await portal.sms(to: Self.line).count

            // then
            #expect(afterFive == 5)
            #expect(sixth.status == .accepted)
            #expect(afterSix == 5)
            #expect(afterTheHour == 6)
        }
    }

    @Test("the hourly limit is per purpose: five registration codes leave the password-reset codes untouched")
    func hourlyLimitPerPurpose() async throws {
        try await WebTest.withPortal { portal in
            // given five registration codes within the hour, the fifth one completing the registration
            for _ in 0..<4 {
                _ = try await portal.startRegistration(Self.identifier)
                portal.clock.advance(by: 60)
            }
            try await portal.register(Self.identifier, number: Self.line)
            let activationCodes = try await portal.sms(to: Self.line).filter { $0.purpose == "activation" }.count

            // when she asks for a password reset in the same hour
            let request = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Self.identifier])
            let id = try #require(request.json["id"] as? String)
            let reset = try await portal.sms(to: Self.line).filter { $0.purpose == "passwordReset" }
            let code = try #require(reset.last?.code)
            let completed = try await portal.api(.post, "/api/v1/password-resets/\(id)", [
                "code": code, "password": "a brand new passphrase 2026", "passwordConfirmation": "a brand new passphrase 2026",
            ])

            // then
            #expect(activationCodes == 5)
            #expect(reset.count == 1)
            #expect(completed.status == .ok)
            #expect(try await portal.login(Self.identifier, "a brand new passphrase 2026").status == .created)
        }
    }

    @Test("each purpose still has its own limit: a sixth reset code in the hour is not sent")
    func resetCodesHaveTheirOwnLimit() async throws {
        try await WebTest.withPortal { portal in
            // given a registered login and five reset codes within the hour
            try await portal.register(Self.identifier, number: Self.line)
            for _ in 0..<5 {
                _ = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Self.identifier])
                portal.clock.advance(by: 60)
            }

            // when
            let sixth = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Self.identifier])
            let resets = try await portal.sms(to: Self.line).filter { $0.purpose == "passwordReset" }.count

            // then
            #expect(sixth.status == .accepted)
            #expect(resets == 5)
        }
    }

    @Test("the resend button waits a minute, and says so")
    func resendWaitsAMinute() async throws {
        try await WebTest.withPortal { portal in
            // given a registration started in the browser (English)
            let browser = portal.browser(acceptLanguage: "en")
            try await browser.get("/register")
            let started = try await browser.post("/register", [
                "identifier": Self.identifier, "fullName": "Aline Ramdin", "email": "aline@example.mu", "acceptTerms": "on",
            ])
            let activatePath = try #require(started.headers[.location])
            let resendPath = activatePath.replacingOccurrences(of: "/activate", with: "/resend")
            let page = try await browser.get(activatePath)

            // when the button is pressed at once
            let early = try await browser.post(resendPath)
            let earlyPage = try await browser.follow(early)
            let afterEarly = try await portal.sms(to: Self.line).count

            // then nothing is sent, the page shows the wait and does not claim a new code went out
            #expect(page.text.contains("You can ask for a new code in 60 seconds."))
            #expect(page.text.contains(#"disabled aria-disabled="true""#))
            #expect(afterEarly == 1)
            #expect(!earlyPage.text.contains("A new code has been sent."))

            // when a minute has passed
            portal.clock.advance(by: 61)
            let ready = try await browser.get(activatePath)
            let resent = try await browser.post(resendPath)
            let resentPage = try await browser.follow(resent)
            let newCode = try await portal.latestCode(to: Self.line)
            let activated = try await browser.post(activatePath, ["code": newCode])

            // then a new code was sent and works
            #expect(!ready.text.contains("disabled"))
            #expect(resent.status == .seeOther)
            #expect(resentPage.text.contains("A new code has been sent."))
            #expect(try await portal.sms(to: Self.line).count == 2)
            #expect(activated.status == .seeOther)
            #expect(activated.headers[.location]?.hasSuffix("/password") == true)
        }
    }

    @Test("after 15 wrong codes in a day even the right code is refused until the next day, then codes work again",
          arguments: TestDatabase.engines)
    func dailyLimitOfWrongCodes(engine: DatabaseEngine) async throws {
        try await WebTest.withPortal(engine: engine) { portal in
            // given the owner's registration with its code on her phone, and an attacker who then started three more for
            // her identifier and used all five tries of each
            let owners = try await portal.startRegistration(Self.identifier)
            let ownersCode = try await portal.latestCode(to: Self.line)
            var refusals: [String: Int] = [:]
            for _ in 0..<3 {
                portal.clock.advance(by: 61)
                let id = try await portal.startRegistration(Self.identifier)
                let real = try await portal.latestCode(to: Self.line)
                for guess in 0..<5 {
                    let wrong = String(format: "%06d", (Int(real)! + 1 + guess) % 1_000_000)
                    let answer = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": wrong])
                    refusals[answer.errorCode ?? "accepted", default: 0] += 1
                }
            }

            // when the owner types her right code the same day, and starts again the next day
            let sameDay = try await portal.api(.post, "/api/v1/registrations/\(owners)/activation", ["code": ownersCode])
            portal.clock.advance(by: 61)
            _ = try await portal.startRegistration(Self.identifier)
            let codesSentThatDay = try await portal.sms(to: Self.line).count
            portal.clock.advance(by: 24 * 3600)
            let nextDay = try await portal.startRegistration(Self.identifier)
            let nextDayCode = try await portal.latestCode(to: Self.line)
            let nextDayAnswer = try await portal.api(.post, "/api/v1/registrations/\(nextDay)/activation", ["code": nextDayCode])

            // then
            #expect(refusals == ["invalid_code": 12, "too_many_attempts": 2, "codes_locked": 1])
            #expect(sameDay.status == .forbidden)
            #expect(sameDay.errorCode == "codes_locked")
            #expect(sameDay.errorMessage?.contains("8900") == true)
            #expect(codesSentThatDay == 4, "no code is sent while the identifier's codes are blocked")
            #expect(nextDayAnswer.status == .ok)
            #expect(try await portal.count("audit_events", where: "action = 'codesLocked'") == 1)
        }
    }

    @Test("the daily cap of codes per client address counts an IPv6 client by its /64")
    func dailyCapPerIPv6Network() async throws {
        try await WebTest.withPortal(
            framework: .live, configure: { $0.trustedProxies = try! TrustedProxies("127.0.0.1, ::1") },
            dependencies: { $0.codePolicy.maximumCodesPerAddressPerDay = 3 }
        ) { portal in
            // given the cap lowered to 3, and 3 registrations from 3 addresses of 2001:db8:7:7::/64, each for another identifier
            func register(_ identifier: String, from address: String) async throws -> TestResponse {
                let body = try JSONSerialization.data(withJSONObject: [
                    "identifier": identifier, "fullName": "Aline Ramdin", "email": "aline@example.mu", "acceptTerms": true,
                ])
                return try await portal.client.execute(
                    uri: "/api/v1/registrations", method: .post,
                    headers: [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: "\(address), 127.0.0.1"],
                    body: ByteBuffer(bytes: body))
            }
            for index in 0..<3 {
                _ = try await register(AccountID(body: 500_000_000 + index).rawValue, from: "2001:db8:7:7::\(index + 1)")
            }

            // when Aline registers from a 4th address of that /64, then from the next /64
            let sameNetwork = try await register(Self.identifier, from: "2001:db8:7:7:abcd::1")
            let sentFromSameNetwork = try await portal.sms(to: Self.line).count
            let nextNetwork = try await register(Self.identifier, from: "2001:db8:7:8::1")
            let sentFromNextNetwork = try await portal.sms(to: Self.line).count

            // then
            #expect(sameNetwork.status == .accepted)
            #expect(sentFromSameNetwork == 0)
            #expect(nextNetwork.status == .accepted)
            #expect(sentFromNextNetwork == 1)
        }
    }
}
