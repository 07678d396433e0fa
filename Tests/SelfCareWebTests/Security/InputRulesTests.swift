import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// What a form or an API call sends is read as written or refused, never guessed: an amount that is not one, a
/// password a guesser finds quickly, a second code within a minute.
@Suite("Input rules")
struct InputRulesTests {
    static let aline = Subscribers.aline.rawValue

    @Test("an amount on the pay form that is not an amount is refused with 422, never read as everything",
          arguments: ["12,50,00", "abc", "1e3", "12.345", "--5"])
    func unreadableAmount(amount: String) async throws {
        try await Payments.withPortal { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")

            // when
            let (answer, _) = try await browser.payBill(bill.billNo, amount: amount)

            // then
            #expect(answer.status == .unprocessableContent)
            #expect(answer.text.contains("is not an amount"))
            #expect(gateway.checkouts.isEmpty)
            #expect(try await portal.payments().isEmpty)
        }
    }

    @Test("passwords a guesser finds in under 10^10 guesses are refused with 422 saying why", arguments: [
        ("123456789012", "password_too_common"), ("aaaaaaaaaaaa", "password_too_guessable"), ("password1234", "password_too_guessable"),
        ("qwertyuiop12", "password_too_guessable"), ("azertyuiop12", "password_too_guessable"), ("Sunshine2024!", "password_too_guessable"),
        ("1234567806 secret", "password_too_guessable"), ("Mobile Operator 2026", "password_too_guessable"),
    ])
    func guessablePasswords(password: String, code: String) async throws {
        try await WebTest.withPortal { portal in
            // given a verified registration
            let id = try await portal.startRegistration(Self.aline)
            let code0 = try await portal.latestCode(to: Subscribers.alineLine)
            _ = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": code0])

            // when
            let answer = try await portal.api(.post, "/api/v1/registrations/\(id)/password",
                                              ["password": password, "passwordConfirmation": password], headers: [.acceptLanguage: "en"])

            // then
            #expect(answer.status == .unprocessableContent)
            #expect(answer.errorField == "password")
            if code == "password_too_common" {
                #expect(["password_too_common", "password_too_guessable"].contains(answer.errorCode ?? ""))
            } else {
                #expect(answer.errorCode == code)
            }
            #expect(answer.errorMessage?.contains("attackers") == true)
            #expect(try await portal.count("portal_users") == 0)
        }
    }

    @Test("every code waits a minute after the last one for its identifier, whichever flow asks")
    func minuteBetweenCodes() async throws {
        try await WebTest.withPortal { portal in
            // given a registration's code just sent
            _ = try await portal.startRegistration(Self.aline)

            // when another registration is started at once (not the resend button), and again a minute later
            _ = try await portal.startRegistration(Self.aline)
            let atOnce = try await portal.sms(to: Subscribers.alineLine).count
            portal.clock.advance(by: 60)
            _ = try await portal.startRegistration(Self.aline)
            let aMinuteLater = try await portal.sms(to: Subscribers.alineLine).count

            // then
            #expect(atOnce == 1)
            #expect(aMinuteLater == 2)
        }
    }
}
