import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Registration through the JSON API (CONTRACT §6): identifier → SMS code to the number on file → password → login.
@Suite("Registration API")
struct RegistrationAPITests {
    @Test("the whole journey: register, activate, set the password, log in, log out, and the token is dead")
    func fullJourney() async throws {
        try await WebTest.withPortal { portal in
            // given a subscriber with an Account ID
            let identifier = Subscribers.aline.rawValue

            // when
            let started = try await portal.api(.post, "/api/v1/registrations", [
                "identifier": identifier, "fullName": "Aline Ramdin", "email": "aline@example.mu", "acceptTerms": true,
            ])
            let id = try #require(started.json["id"] as? String)
            let code = try await portal.latestCode(to: Subscribers.alineLine)
            let activated = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": code])
            let created = try await portal.api(.post, "/api/v1/registrations/\(id)/password", [
                "password": Subscribers.password, "passwordConfirmation": Subscribers.password,
            ])
            let session = try await portal.login(identifier)
            let token = try #require(session.json["token"] as? String)
            let loggedOut = try await portal.api(.delete, "/api/v1/sessions/current", token: token)
            let replayed = try await portal.api(.delete, "/api/v1/sessions/current", token: token)

            // then
            #expect(started.status == .accepted)
            #expect(Array(started.json.keys) == ["id"])
            #expect(activated.status == .ok)
            #expect(created.status == .created)
            #expect(session.status == .created)
            #expect(!token.isEmpty)
            let expiresAt = try #require(session.json["expiresAt"] as? String)
            #expect(ISO8601DateFormatter().date(from: expiresAt) == Subscribers.start.addingTimeInterval(12 * 3600))
            #expect(loggedOut.status == .noContent)
            #expect(replayed.status == .unauthorized)
            #expect(replayed.errorCode == "unauthorized")
        }
    }

    @Test("completing a registration queues a confirmation SMS to the line and an e-mail to the address given")
    func confirmations() async throws {
        try await WebTest.withPortal { portal in
            // given
            let identifier = Subscribers.aline.rawValue

            // when
            try await portal.register(identifier, number: Subscribers.alineLine)

            // then
            let messages = try await portal.messages()
            #expect(messages.map(\.purpose) == ["activation", "registrationConfirmed", "registrationConfirmed"])
            #expect(messages[1].channel == "sms" && messages[1].recipient == Subscribers.alineLine.e164)
            #expect(messages[2].channel == "email" && messages[2].recipient == "aline@example.mu")
            #expect(try await portal.count("portal_users") == 1)
        }
    }

    @Test("an Account ID's code goes to that line's number, and nowhere else")
    func accountCodeGoesToTheLine() async throws {
        try await WebTest.withPortal { portal in
            // given a form that also carries a number of the caller's choosing
            let body: [String: any Sendable] = [
                "identifier": Subscribers.aline.grouped, "fullName": "Aline Ramdin", "email": "aline@example.mu",
                "acceptTerms": true, "msisdn": Subscribers.kevinLine.e164, "mobile": "+230 5999 9999",
            ]

            // when
            let response = try await portal.api(.post, "/api/v1/registrations", body)

            // then
            #expect(response.status == .accepted)
            let messages = try await portal.messages()
            #expect(messages.count == 1)
            #expect(messages.first?.channel == "sms")
            #expect(messages.first?.recipient == Subscribers.alineLine.e164)
            #expect(messages.first?.code != nil)
        }
    }

    @Test("lengths are counted in code points, as the document counts them: 201 code points of name are too many")
    func nameLengthInCodePoints() async throws {
        try await WebTest.withPortal { portal in
            // given 199 letters and an e with a combining accent: 200 characters on screen, 201 code points
            let name = String(repeating: "a", count: 199) + "e\u{0301}"

            // when
            let response = try await portal.api(.post, "/api/v1/registrations", [
                "identifier": Subscribers.aline.rawValue, "fullName": name, "email": "aline@example.mu", "acceptTerms": true,
            ])

            // then
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("invalid_full_name"))
        }
    }

    @Test("an e-mail address over 254 code points is refused even when it shows fewer characters")
    func emailLengthInCodePoints() async throws {
        try await WebTest.withPortal { portal in
            // given 250 characters on screen, 255 code points
            let email = "a\u{0301}a\u{0301}a\u{0301}a\u{0301}a\u{0301}@" + String(repeating: "b", count: 241) + ".mu"

            // when
            let response = try await portal.api(.post, "/api/v1/registrations", [
                "identifier": Subscribers.aline.rawValue, "fullName": "Aline Dupont", "email": email, "acceptTerms": true,
            ])

            // then
            #expect(email.count <= 254 && email.unicodeScalars.count == 254 + 1)
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("invalid_email"))
        }
    }

    @Test("a Client ID's code goes to the client's contact mobile, not to any of its lines")
    func clientCodeGoesToTheContact() async throws {
        try await WebTest.withPortal { portal in
            // given the company's Client ID, typed in lower case
            let identifier = Subscribers.companyClientID.grouped.lowercased()

            // when
            let response = try await portal.api(.post, "/api/v1/registrations", [
                "identifier": identifier, "fullName": "Riviere Transport", "email": "it@riviere.example.mu", "acceptTerms": true,
            ])

            // then
            #expect(response.status == .accepted)
            let messages = try await portal.messages()
            #expect(messages.count == 1)
            #expect(messages.first?.recipient == Subscribers.companyContact.e164)
            for line in Subscribers.companyLines { #expect(try await portal.sms(to: line).isEmpty) }
        }
    }

    @Test("an unknown identifier gets the same 202 as a real one, and no SMS goes anywhere", arguments: [
        Subscribers.unknownAccount.rawValue, Subscribers.unknownClientID.grouped,
    ])
    func unknownIdentifier(_ identifier: String) async throws {
        try await WebTest.withPortal { portal in
            // given
            let real = try await portal.api(.post, "/api/v1/registrations", [
                "identifier": Subscribers.kevin.rawValue, "fullName": "Kevin Li", "email": "kevin@example.mu", "acceptTerms": true,
            ])
            let sentBefore = try await portal.messages().count

            // when
            let unknown = try await portal.api(.post, "/api/v1/registrations", [
                "identifier": identifier, "fullName": "Kevin Li", "email": "kevin@example.mu", "acceptTerms": true,
            ])

            // then
            #expect(unknown.status == real.status)
            #expect(unknown.status == .accepted)
            #expect(Array(unknown.json.keys) == Array(real.json.keys))
            #expect((unknown.json["id"] as? String)?.count == (real.json["id"] as? String)?.count)
            #expect(unknown.headers[.contentType] == real.headers[.contentType])
            #expect(try await portal.messages().count == sentBefore)
        }
    }

    @Test("an already registered identifier gets the same 202, and its owner an SMS saying someone tried")
    func alreadyRegistered() async throws {
        try await WebTest.withPortal { portal in
            // given Aline is registered
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            let sentBefore = try await portal.sms(to: Subscribers.alineLine).count

            // when someone registers her Account ID again
            let again = try await portal.api(.post, "/api/v1/registrations", [
                "identifier": Subscribers.aline.rawValue, "fullName": "Someone Else", "email": "someone@example.mu", "acceptTerms": true,
            ])

            // then
            #expect(again.status == .accepted)
            #expect(Array(again.json.keys) == ["id"])
            let sent = try await portal.sms(to: Subscribers.alineLine)
            #expect(sent.count == sentBefore + 1)
            let notice = try #require(sent.last)
            #expect(notice.purpose == "registrationAttempt")
            #expect(notice.code == nil)
            #expect(notice.body.contains("8900"))
            #expect(try await portal.messages().allSatisfy { $0.recipient != "someone@example.mu" })
        }
    }

    @Test("the owner gets at most one \"someone tried to register\" SMS an hour, however many tries")
    func registrationWarningOncePerHour() async throws {
        try await WebTest.withPortal { portal in
            // given Aline is registered
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            let warnings = { try await portal.sms(to: Subscribers.alineLine).filter { $0.purpose == "registrationAttempt" }.count }

            // when someone tries her Account ID five times in an hour, then once more after the hour
            var answers: [Int] = []
            for _ in 0..<5 {
                answers.append(try await portal.api(.post, "/api/v1/registrations", [
                    "identifier": Subscribers.aline.rawValue, "fullName": "Someone Else", "email": "someone@example.mu", "acceptTerms": true,
                ]).status.code)
                portal.clock.advance(by: 10 * 60)
            }
            let withinTheHour = try await warnings()
            portal.clock.advance(by: 15 * 60)
            _ = try await portal.startRegistration(Subscribers.aline.rawValue)
            let afterTheHour = try await warnings()

            // then every try is answered alike, and the phone rings once an hour at most
            #expect(answers == [202, 202, 202, 202, 202])
            #expect(withinTheHour == 1)
            #expect(afterTheHour == 2)
            let attempts = try await portal.auditEvents().filter { $0.action == "registrationAttemptOnRegistered" }
            #expect(attempts.count == 6)
        }
    }

    @Test("the hourly warning is per identifier: another identifier's owner is still warned")
    func registrationWarningPerIdentifier() async throws {
        try await WebTest.withPortal { portal in
            // given Aline and the company are registered, and Aline was just warned
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            try await portal.register(Subscribers.companyClientID.grouped, number: Subscribers.companyContact)
            _ = try await portal.startRegistration(Subscribers.aline.rawValue)

            // when someone tries the company's Client ID
            _ = try await portal.startRegistration(Subscribers.companyClientID.rawValue)

            // then
            #expect(try await portal.sms(to: Subscribers.alineLine).filter { $0.purpose == "registrationAttempt" }.count == 1)
            #expect(try await portal.sms(to: Subscribers.companyContact).filter { $0.purpose == "registrationAttempt" }.count == 1)
        }
    }

    @Test("an Account ID with a wrong check digit gets 422 on the identifier field", arguments: [
        Subscribers.mistypedAccount, "12345", Subscribers.mistypedClientID,
    ])
    func mistypedIdentifier(_ identifier: String) async throws {
        try await WebTest.withPortal { portal in
            // given a typing mistake

            // when
            let response = try await portal.api(.post, "/api/v1/registrations", [
                "identifier": identifier, "fullName": "Aline Ramdin", "email": "aline@example.mu", "acceptTerms": true,
            ])

            // then
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "invalid_identifier")
            #expect(response.errorField == "identifier")
            #expect(response.errorMessage?.isEmpty == false)
            #expect(try await portal.messages().isEmpty)
        }
    }

    @Test("the terms must be accepted")
    func termsNotAccepted() async throws {
        try await WebTest.withPortal { portal in
            // given

            // when
            let response = try await portal.api(.post, "/api/v1/registrations", [
                "identifier": Subscribers.aline.rawValue, "fullName": "Aline Ramdin", "email": "aline@example.mu", "acceptTerms": false,
            ])

            // then
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "terms_not_accepted")
            #expect(response.errorField == "acceptTerms")
            #expect(try await portal.messages().isEmpty)
            #expect(try await portal.count("registrations") == 0)
        }
    }

    @Test("the accepted terms version and time are stored with the registration")
    func termsVersionStored() async throws {
        try await WebTest.withPortal { portal in
            // given
            portal.clock.advance(by: 90)

            // when
            _ = try await portal.startRegistration(Subscribers.aline.rawValue)

            // then
            let rows = try await portal.dump("registrations", columns: ["terms_version", "terms_accepted_at"])
            #expect(rows == ["2026-11|\(Int64(Subscribers.start.timeIntervalSince1970) + 90)"])
        }
    }

    @Test("a password the policy refuses gets 422 with the reason, and no login is created", arguments: [
        ("short pass", "password_too_short"), ("qwerty123456", "password_too_common"),
    ])
    func passwordRefused(_ password: String, _ code: String) async throws {
        try await WebTest.withPortal { portal in
            // given a verified registration
            let id = try await portal.startRegistration(Subscribers.aline.rawValue)
            let otp = try await portal.latestCode(to: Subscribers.alineLine)
            _ = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": otp])

            // when
            let response = try await portal.api(.post, "/api/v1/registrations/\(id)/password", [
                "password": password, "passwordConfirmation": password,
            ])

            // then
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == code)
            #expect(response.errorField == "password")
            #expect(try await portal.count("portal_users") == 0)
        }
    }

    @Test("the password step needs the code first")
    func passwordBeforeCode() async throws {
        try await WebTest.withPortal { portal in
            // given a registration whose code was not entered
            let id = try await portal.startRegistration(Subscribers.aline.rawValue)

            // when
            let response = try await portal.api(.post, "/api/v1/registrations/\(id)/password", [
                "password": Subscribers.password, "passwordConfirmation": Subscribers.password,
            ])

            // then
            #expect(response.status == .notFound)
            #expect(try await portal.count("portal_users") == 0)
        }
    }
}
