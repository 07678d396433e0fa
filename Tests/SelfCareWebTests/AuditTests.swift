import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// The audit trail: logins, failures, lockouts, registrations and resets, with time, identifier and client address —
/// never a password or a code.
@Suite("Audit trail")
struct AuditTests {
    static let aline = Subscribers.aline.rawValue
    static var startSeconds: Int64 { Int64(Subscribers.start.timeIntervalSince1970) }

    @Test("a registration records its start and its completion, with the identifier and the time")
    func registration() async throws {
        try await WebTest.withPortal { portal in
            // given
            portal.clock.advance(by: 5)

            // when
            try await portal.register(Self.aline, number: Subscribers.alineLine)

            // then
            let events = try await portal.auditEvents().filter { $0.action.hasPrefix("registration") }
            #expect(events.map(\.action) == ["registrationStarted", "registrationCompleted"])
            #expect(events.allSatisfy { $0.identifier == Self.aline && $0.occurredAt == Self.startSeconds + 5 })
            #expect(events[0].detail == "new")
            #expect(events[1].userID != nil)
        }
    }

    @Test("unknown and already registered identifiers are recorded as such")
    func registrationOfUnknownAndRegistered() async throws {
        try await WebTest.withPortal { portal in
            // given Aline is registered
            try await portal.register(Self.aline, number: Subscribers.alineLine)

            // when
            _ = try await portal.startRegistration(Subscribers.unknownAccount.rawValue)
            _ = try await portal.startRegistration(Self.aline)

            // then
            let events = try await portal.auditEvents().suffix(3)
            #expect(events.map(\.action) == ["registrationStarted", "registrationAttemptOnRegistered", "registrationStarted"])
            #expect(events.map(\.identifier) == [Subscribers.unknownAccount.rawValue, Self.aline, Self.aline])
            #expect(events.map(\.detail) == ["unknown", nil, "registered"])
        }
    }

    @Test("logins, failures, lockouts and logouts are recorded")
    func logins() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let before = try await portal.auditEvents().count

            // when
            let token = try await portal.token(Self.aline)
            for attempt in 1...5 { _ = try await portal.login(Self.aline, "wrong password \(attempt)") }
            _ = try await portal.login(Self.aline)
            _ = try await portal.login(Subscribers.unknownAccount.rawValue, "wrong password 6")
            _ = try await portal.api(.delete, "/api/v1/sessions/current", token: token)

            // then
            let events = Array(try await portal.auditEvents().dropFirst(before))
            #expect(events.map(\.action) == ["loginSucceeded"] + Array(repeating: "loginFailed", count: 5)
                + ["loginThrottled", "loginFailed", "logout"])
            #expect(events[0].identifier == Self.aline && events[0].userID != nil && events[0].detail == "api")
            #expect(events[1...6].allSatisfy { $0.identifier == Self.aline })
            #expect(events[7].identifier == Subscribers.unknownAccount.rawValue && events[7].userID == nil)
            #expect(events[8].userID == events[0].userID)
            #expect(events.allSatisfy { $0.occurredAt == Int64(portal.clock.now().timeIntervalSince1970) })
            #expect(events[6].detail == "identifier")
        }
    }

    @Test("password resets are recorded, requested and completed")
    func resets() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let before = try await portal.auditEvents().count

            // when
            let request = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Subscribers.aline.grouped])
            let id = try #require(request.json["id"] as? String)
            let code = try await portal.latestCode(to: Subscribers.alineLine)
            let newPassword = "a brand new passphrase 2026"
            _ = try await portal.api(.post, "/api/v1/password-resets/\(id)", ["code": code, "password": newPassword, "passwordConfirmation": newPassword])

            // then
            let events = Array(try await portal.auditEvents().dropFirst(before))
            #expect(events.map(\.action) == ["passwordResetRequested", "passwordResetCompleted"])
            #expect(events.allSatisfy { $0.identifier == Self.aline && $0.userID != nil })
        }
    }

    @Test("no audit event holds a password or a code")
    func noSecrets() async throws {
        try await WebTest.withPortal { portal in
            // given a registration with a wrong code, failed and good logins, a lockout and a reset
            let id = try await portal.startRegistration(Self.aline)
            let activationCode = try await portal.latestCode(to: Subscribers.alineLine)
            let wrongCode = OneTimeCodeTests.wrong(activationCode)
            _ = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": wrongCode])
            _ = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": activationCode])
            _ = try await portal.api(.post, "/api/v1/registrations/\(id)/password",
                                     ["password": Subscribers.password, "passwordConfirmation": Subscribers.password])
            let wrongPasswords = (1...6).map { "wrong password number \($0)" }
            for password in wrongPasswords { _ = try await portal.login(Self.aline, password) }
            portal.clock.advance(by: 61)
            let reset = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Self.aline])
            let resetID = try #require(reset.json["id"] as? String)
            let resetCode = try await portal.latestCode(to: Subscribers.alineLine)
            let newPassword = "a brand new passphrase 2026"
            _ = try await portal.api(.post, "/api/v1/password-resets/\(resetID)",
                                     ["code": resetCode, "password": newPassword, "passwordConfirmation": newPassword])
            _ = try await portal.login(Self.aline, newPassword)

            // when
            let events = try await portal.auditEvents()

            // then every value is one the trail is meant to hold
            #expect(events.count >= 12)
            let actions = Set(events.map(\.action))
            #expect(actions.isSuperset(of: ["registrationStarted", "activationFailed", "registrationCompleted", "loginFailed",
                                            "loginThrottled", "passwordResetRequested", "passwordResetCompleted", "loginSucceeded"]))
            #expect(events.allSatisfy { $0.identifier == nil || $0.identifier == Self.aline || $0.identifier == "C200" })
            #expect(events.allSatisfy { [nil, "new", "web", "api", "identifier"].contains($0.detail) })
            for secret in [Subscribers.password, newPassword] + wrongPasswords {
                #expect(events.allSatisfy { !$0.allText.contains(secret) })
            }
            for code in [activationCode, wrongCode, resetCode] {
                #expect(events.allSatisfy { ![$0.action, $0.identifier ?? "", $0.detail ?? ""].contains(code) })
            }
        }
    }

    @Test("the client address is recorded")
    func clientAddress() async throws {
        try await WebTest.withPortal(framework: .live) { portal in
            // given a real connection over the loopback
            try await portal.register(Self.aline, number: Subscribers.alineLine)

            // when
            _ = try await portal.login(Self.aline, "wrong password")

            // then
            let event = try #require(try await portal.auditEvents().last)
            #expect(event.action == "loginFailed")
            #expect(event.clientAddress == "127.0.0.1")
        }
    }
}
