import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Money is never dropped: a payment the gateway says was paid after this side gave up on it settles what its bills
/// still owe, and what they no longer owe is kept as the payer's credit, audited and shown.
@Suite("Late payments")
struct LatePaymentTests {
    static let aline = Subscribers.aline.rawValue
    static let visa = FakeCardGateway.Outcome.paid(brand: "visa", last4: "4242")

    @Test("a payment given up on, whose bill was paid meanwhile, becomes a credit when the gateway says it was paid",
          arguments: TestDatabase.engines)
    func lateSuccessBecomesCredit(engine: DatabaseEngine) async throws {
        try await Payments.withPortal(engine: engine) { portal, gateway in
            // given a first payment of Aline's bill that this side ended unpaid (its card page was not opened in time)
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.aline)
            let first = try #require(try await portal.startPayment([["id": bill.billNo]], key: "first", token: token).json["id"] as? String)
            let firstCheckout = try gateway.checkout(forPayment: first)
            try await portal.database.transaction { db in
                try await PaymentRepository().fail(first, code: "checkout_not_opened", brand: nil, last4: nil, now: portal.clock.now(), on: db)
            }
            // and a second payment that settled the bill
            let second = try #require(try await portal.startPayment([["id": bill.billNo]], key: "second", token: token).json["id"] as? String)
            gateway.complete(try gateway.checkout(forPayment: second).id, Self.visa)
            _ = try await portal.services.payments.confirm(second)

            // when the first checkout's card page took the money after all, and the gateway's event arrives
            gateway.complete(firstCheckout.id, Self.visa)
            let event = try await portal.webhook(id: "evt_late", body: Payments.eventBody(session: firstCheckout.id), timestamp: portal.clock.now())

            // then the bill is paid once, the first payment succeeded, and its money is Aline's credit
            #expect(event.status == .ok || event.status == .noContent)
            let stored = try await portal.bill(number: bill.billNo)
            #expect(stored.paid == stored.total)
            #expect(try await portal.payment(first).status == "succeeded")
            let credits = try await portal.database.read { db in
                try await db.raw("SELECT payment_id, amount_cents FROM account_credits").all().map {
                    "\(try $0.decode(column: "payment_id", as: String.self))|\(try $0.decode(column: "amount_cents", as: Int64.self))"
                }
            }
            #expect(credits == ["\(first)|\(bill.remaining.cents)"])
            #expect(try await portal.count("audit_events", where: "action = 'paymentCredited'") == 1)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let page = try await browser.get("/payments/\(first)")
            #expect(page.text.contains("kept as a credit in your name"))
            #expect(try await browser.get("/account").text.contains("You have a credit of \(bill.remaining.formatted(.english))"))
            let api = try await portal.api(.get, "/api/v1/payment/\(first)", token: token)
            #expect(api.json["status"] as? String == "succeeded")
        }
    }
}
