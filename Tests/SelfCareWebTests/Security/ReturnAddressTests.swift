import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// An API payment sends the payer back only to the portal's own origin or one the operator allows
/// (`PAYMENT_RETURN_ORIGINS`), and the return page sends only the payer on.
@Suite("Payment return addresses")
struct ReturnAddressTests {
    static let aline = Subscribers.aline.rawValue
    static let allowed = "https://app.example.mu"

    static func body(_ bill: String) -> [[String: any Sendable]] { [["id": bill]] }

    @Test("a returnUrl on another site is refused with 422 naming returnUrl", arguments: [
        "https://evil.example/x", "https://app.example.mu.evil.example/", "https://evil.example@app.example.mu/",
        "http://app.example.mu/", "javascript:alert(1)", "//evil.example/x", "/relative", "https://app.example.mu:8443/",
    ])
    func foreignOriginRefused(returnURL: String) async throws {
        try await Payments.withPortal(configure: { $0.paymentReturnOrigins = [Self.allowed] }) { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.aline)

            // when
            let answer = try await portal.startPayment(Self.body(bill.billNo), key: "foreign", token: token, returnURL: returnURL)

            // then
            #expect(answer.status == .unprocessableContent)
            #expect(answer.errorCode == "invalid_return_url")
            #expect(answer.errorField == "returnUrl")
            #expect(gateway.checkouts.isEmpty)
            #expect(try await portal.payments().isEmpty)
        }
    }

    @Test("the portal's own origin and a configured one are accepted", arguments: [
        "http://127.0.0.1:0/payments/done", "https://app.example.mu/paid?from=portal", "HTTPS://APP.EXAMPLE.MU:443/x",
    ])
    func allowedOrigins(returnURL: String) async throws {
        try await Payments.withPortal(configure: { $0.paymentReturnOrigins = [Self.allowed] }) { portal, _ in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.aline)

            // when
            let answer = try await portal.startPayment(Self.body(bill.billNo), key: "own", token: token, returnURL: returnURL)

            // then
            #expect(answer.status == .created)
        }
    }

    @Test("the return page sends on only the payer: the browser back from the gateway, or the payment's login")
    func onlyThePayerGoesOn() async throws {
        try await Payments.withPortal(configure: { $0.paymentReturnOrigins = [Self.allowed] }) { portal, gateway in
            // given a paid API payment with a return address
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.aline)
            let started = try await portal.startPayment(Self.body(bill.billNo), key: "return", token: token,
                                                        returnURL: "https://app.example.mu/paid")
            let paymentID = try #require(started.json["id"] as? String)
            let checkout = try gateway.checkout(forPayment: paymentID)
            gateway.complete(checkout.id, .paid(brand: "visa", last4: "4242"))

            // when the link is opened by someone else, by the payer's browser, and by the payer logged in to the pages
            let stranger = try await portal.client.execute(uri: "/payments/\(paymentID)/return", method: .get)
            let forged = try await portal.client.execute(uri: "/payments/\(paymentID)/return?rt=0123456789abcdef0123456789abcdef", method: .get)
            let payer = try await portal.browser().comeBack(from: checkout)
            let owner = try await portal.signedInBrowser(Self.aline).get("/payments/\(paymentID)/return")

            // then
            #expect(stranger.status == .seeOther)
            #expect(stranger.headers[.location] == "/login")
            #expect(forged.headers[.location] == "/login")
            #expect(payer.headers[.location] == "https://app.example.mu/paid?payment_id=\(paymentID)&status=succeeded")
            #expect(owner.headers[.location] == "https://app.example.mu/paid?payment_id=\(paymentID)&status=succeeded")
        }
    }

    @Test("PAYMENT_RETURN_ORIGINS takes origins only, and https only in production")
    func configuredOrigins() throws {
        // given
        var production = ConfigurationTests.production
        production["PAYMENT_RETURN_ORIGINS"] = "https://app.example.mu, http://shop.example.mu"

        // when
        let listed = try AppConfiguration.load(["PAYMENT_RETURN_ORIGINS": "https://app.example.mu, http://localhost:3000"])
        let withPath = try ConfigurationTests.problems(["PAYMENT_RETURN_ORIGINS": "https://app.example.mu/paid"])
        let inClear = try ConfigurationTests.problems(production)

        // then
        #expect(listed.paymentReturnOrigins == ["https://app.example.mu", "http://localhost:3000"])
        #expect(withPath.contains("PAYMENT_RETURN_ORIGINS"))
        #expect(inClear.contains("'http://shop.example.mu' must be https://"))
    }
}
