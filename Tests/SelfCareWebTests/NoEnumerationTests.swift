import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Nobody can tell from the portal's answers whether an identifier exists or is registered: unknown and already
/// registered identifiers go through the same steps, with the same answers, as a real one.
@Suite("No enumeration of identifiers")
struct NoEnumerationTests {
    /// Which identifier plays which part: a real unregistered one, one that belongs to nobody, one already registered.
    enum Kind: String, CaseIterable, Sendable {
        case real
        case unknown
        case registered
    }

    /// Registers Kevin first, so `.registered` has a login.
    static func prepare(_ portal: PortalTest) async throws {
        try await portal.register(Subscribers.kevin.rawValue, number: Subscribers.kevinLine)
    }

    static func identifier(_ kind: Kind) -> String {
        switch kind {
        case .real: Subscribers.aline.rawValue
        case .unknown: Subscribers.unknownAccount.rawValue
        case .registered: Subscribers.kevin.rawValue
        }
    }

    /// Five codes sure to be wrong for the real identifier (and, trivially, for the others).
    static func wrongCodes(_ portal: PortalTest) async throws -> [String] {
        let real = try? await portal.latestCode(to: Subscribers.alineLine)
        return (1...6).map { String(format: "%06d", $0) }.filter { $0 != real }.prefix(5).map { $0 }
    }

    @Test("the activation step answers five wrong codes the same way for every kind of identifier")
    func activationAttemptsAlike() async throws {
        try await WebTest.withPortal { portal in
            // given a registration started for each kind
            try await Self.prepare(portal)
            var answers: [Kind: [String]] = [:]

            // when five wrong codes are sent to each
            for kind in Kind.allCases {
                let id = try await portal.startRegistration(Self.identifier(kind))
                for code in try await Self.wrongCodes(portal) {
                    let response = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": code])
                    answers[kind, default: []].append("\(response.status.code) \(response.errorCode ?? "-")")
                }
            }

            // then
            #expect(answers[.real] == ["422 invalid_code", "422 invalid_code", "422 invalid_code", "422 invalid_code", "422 too_many_attempts"])
            #expect(answers[.unknown] == answers[.real])
            #expect(answers[.registered] == answers[.real])
        }
    }

    @Test("the activation page looks the same for every kind of identifier, resend wait included")
    func activationPageAlike() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await Self.prepare(portal)
            var pages: [Kind: String] = [:]

            // when each kind is registered in the browser
            for kind in Kind.allCases {
                let browser = portal.browser(acceptLanguage: "en")
                try await browser.get("/register")
                let started = try await browser.post("/register", [
                    "identifier": Self.identifier(kind), "fullName": "Mallory", "email": "mallory@example.mu", "acceptTerms": "on",
                ])
                #expect(started.status == .seeOther)
                pages[kind] = try await browser.follow(started).comparableText
            }

            // then
            #expect(pages[.real]?.contains("You can ask for a new code in 60 seconds.") == true)
            #expect(pages[.unknown] == pages[.real])
            #expect(pages[.registered] == pages[.real])
        }
    }

    @Test("the resend button answers the same way for every kind of identifier, hourly limit included")
    func resendAlike() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await Self.prepare(portal)
            portal.clock.advance(by: 3601)
            var answers: [Kind: [String]] = [:]

            // when each kind is registered, then the resend button pressed after each minute until the hourly limit bites
            for kind in Kind.allCases {
                let browser = portal.browser(acceptLanguage: "en")
                try await browser.get("/register")
                let started = try await browser.post("/register", [
                    "identifier": Self.identifier(kind), "fullName": "Mallory", "email": "mallory@example.mu", "acceptTerms": "on",
                ])
                let activatePath = try #require(started.headers[.location])
                try await browser.follow(started)
                for _ in 0..<5 {
                    portal.clock.advance(by: 61)
                    let resent = try await browser.post(activatePath.replacingOccurrences(of: "/activate", with: "/resend"))
                    let location = resent.headers[.location]?.replacing(/\/register\/[A-Za-z0-9_-]+\//, with: "/register/ID/") ?? "-"
                    answers[kind, default: []].append("\(resent.status.code) \(location)")
                }
            }

            // then
            let sent = "303 /register/ID/activate?resent=1"
            #expect(answers[.real] == [sent, sent, sent, sent, "429 -"])
            #expect(answers[.unknown] == answers[.real])
            #expect(answers[.registered] == answers[.real])
        }
    }

    @Test("a password reset answers five wrong codes the same way whether or not the identifier has a login")
    func resetAttemptsAlike() async throws {
        try await WebTest.withPortal { portal in
            // given Kevin has a login; Aline's account exists without one; the third identifier belongs to nobody
            try await Self.prepare(portal)
            let identifiers = [Subscribers.kevin.rawValue, Subscribers.aline.rawValue, Subscribers.unknownAccount.rawValue]
            var answers: [[String]] = []

            // when
            for identifier in identifiers {
                let request = try await portal.api(.post, "/api/v1/password-resets", ["identifier": identifier])
                let id = try #require(request.json["id"] as? String)
                let real = try await portal.latestCode(to: Subscribers.kevinLine)
                var tries: [String] = ["\(request.status.code)"]
                for code in (1...6).map({ String(format: "%06d", $0) }).filter({ $0 != real }).prefix(5) {
                    let response = try await portal.api(.post, "/api/v1/password-resets/\(id)", [
                        "code": code, "password": "a brand new passphrase", "passwordConfirmation": "a brand new passphrase",
                    ])
                    tries.append("\(response.status.code) \(response.errorCode ?? "-")")
                }
                answers.append(tries)
            }

            // then
            #expect(answers[0] == ["202", "422 invalid_code", "422 invalid_code", "422 invalid_code", "422 invalid_code", "422 too_many_attempts"])
            #expect(answers[1] == answers[0])
            #expect(answers[2] == answers[0])
        }
    }

    @Test("the reset pages look the same whether or not the identifier has a login")
    func resetPageAlike() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await Self.prepare(portal)
            var pages: [String] = []

            // when
            for identifier in [Subscribers.kevin.rawValue, Subscribers.unknownAccount.rawValue] {
                let browser = portal.browser(acceptLanguage: "en")
                try await browser.get("/password-reset")
                let asked = try await browser.post("/password-reset", ["identifier": identifier])
                #expect(asked.status == .seeOther)
                pages.append(try await browser.follow(asked).comparableText)
            }

            // then
            #expect(pages[0] == pages[1])
        }
    }

    @Test("an unknown identifier is throttled like a known one")
    func throttleAlike() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await Self.prepare(portal)
            var answers: [[String]] = []

            // when six wrong passwords are tried on each
            for identifier in [Subscribers.kevin.rawValue, Subscribers.unknownAccount.rawValue, Subscribers.aline.rawValue] {
                var statuses: [String] = []
                for attempt in 1...6 {
                    let response = try await portal.login(identifier, "wrong password \(attempt)")
                    statuses.append("\(response.status.code) \(response.headers[.retryAfter] ?? "-") \(response.errorMessage ?? "")")
                }
                answers.append(statuses)
            }

            // then
            #expect(answers[0].last?.hasPrefix("429 30 ") == true)
            #expect(answers[1] == answers[0])
            #expect(answers[2] == answers[0])
        }
    }
}
