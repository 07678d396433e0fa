import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCarePayments
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Paying bills by card (issue 6): the portal records a pending payment with an idempotency key, sends the browser to
/// the gateway's hosted page, and settles only on the gateway's own word (return page, signed webhook or reconciler),
/// once, with allocations, a receipt and the receipt SMS and e-mail. The gateway here is a scripted fake.
@Suite("Card payments")
struct PaymentTests {
    static let aline = Subscribers.aline.rawValue
    static var company: String { Subscribers.companyClientID.rawValue }
    static let visa = FakeCardGateway.Outcome.paid(brand: "visa", last4: "4242")

    /// The body as a JSON array of objects.
    static func list(_ value: Any?) -> [[String: Any]] { value as? [[String: Any]] ?? [] }

    // MARK: - Paying

    @Test("paying a whole bill settles it: payment succeeded, one receipt, the receipt SMS and e-mail queued", arguments: TestDatabase.engines)
    func payWholeBill(engine: DatabaseEngine) async throws {
        try await Payments.withPortal(engine: engine) { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")

            // when
            let (submitted, _) = try await browser.payBill(bill.billNo)
            let checkout = try gateway.checkout(atURL: submitted.headers[.location] ?? "")
            let pendingBill = try await portal.bill(number: bill.billNo)
            gateway.complete(checkout.id, Self.visa)
            let back = try await browser.comeBack(from: checkout)
            let page = try await browser.follow(back)

            // then the browser went to the card page for the whole amount, and nothing was paid before the gateway said so
            #expect(submitted.status == .seeOther)
            #expect(checkout.amountCents == bill.remaining.cents)
            #expect(pendingBill.state == bill.state && pendingBill.paid == .zero)
            // and came back to its receipt
            let paymentID = checkout.reference
            #expect(back.status == .seeOther)
            #expect(back.headers[.location] == "/payments/\(paymentID)")
            #expect(page.status == .ok)
            #expect(page.text.contains("Thank you, your payment is confirmed."))
            #expect(page.text.contains("Visa •••• 4242"))
            let receiptNo = try #require(Page.first(page.text, /<span class="mono">(R[0-9]{4}-[0-9]{7})<\/span>/))
            #expect(page.text.contains(#"<a href="/bills/\#(bill.billNo)">"#))
            // and the store says the same
            let stored = try await portal.bill(number: bill.billNo)
            #expect(stored.state == .settled)
            #expect(stored.remaining == .zero)
            let payments = try await portal.payments()
            #expect(payments.count == 1)
            #expect(payments.first?.status == "succeeded")
            #expect(payments.first?.amountCents == bill.remaining.cents)
            #expect(payments.first?.cardBrand == "visa" && payments.first?.cardLast4 == "4242")
            #expect(try await portal.count("receipts") == 1)
            #expect(try await portal.count("payment_allocations") == 1)
            let messages = try await portal.receiptMessages()
            #expect(messages.count == 2)
            #expect(messages.contains { $0.channel == "sms" && $0.recipient == Subscribers.alineLine.e164 && $0.body.contains(receiptNo) })
            #expect(messages.contains { $0.channel == "email" && $0.recipient == "aline@example.mu" && $0.subject?.contains(receiptNo) == true })
            #expect(messages.allSatisfy { $0.status == "queued" })
            // and the receipt is there to print, download and find in the history
            let pdf = try await browser.get("/payments/\(paymentID)/receipt.pdf")
            #expect(pdf.status == .ok)
            #expect(pdf.headers[.contentType] == "application/pdf")
            #expect(pdf.text.hasPrefix("%PDF"))
            let history = try await browser.get("/payments")
            #expect(history.status == .ok)
            #expect(history.text.contains("/payments/\(paymentID)"))
        }
    }

    @Test("paying part of a bill leaves it partiallyPaid with the remaining amount reduced")
    func payPartOfBill() async throws {
        try await Payments.withPortal { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")

            // when
            let (submitted, _) = try await browser.payBill(bill.billNo, amount: "100.00")
            let checkout = try gateway.checkout(atURL: submitted.headers[.location] ?? "")
            gateway.complete(checkout.id, Self.visa)
            try await browser.comeBack(from: checkout)

            // then
            #expect(checkout.amountCents == 10_000)
            let stored = try await portal.bill(number: bill.billNo)
            #expect(stored.state == .partiallyPaid)
            #expect(stored.paid == Money(cents: 10_000))
            #expect(stored.remaining == bill.remaining - Money(cents: 10_000))
            #expect(try await portal.payment(checkout.reference).status == "succeeded")
            #expect(try await portal.count("receipts") == 1)
        }
    }

    @Test("paying a group bill pays its member bills in Account ID order, then settles the group bill", arguments: TestDatabase.engines)
    func payGroupBill(engine: DatabaseEngine) async throws {
        try await Payments.withPortal(engine: engine) { portal, gateway in
            // given the company's October group bill and its members in Account ID order
            let group = try await portal.companyGroupBill()
            let members = try await portal.members(of: group).sorted { $0.accountID < $1.accountID }
            let browser = try await portal.signedInBrowser(Self.company, acceptLanguage: "en")
            let firstPart = members[0].remaining + members[1].remaining + Money(cents: 100)

            // when part of it is paid
            let (first, _) = try await browser.pay(page: "/group-bills/\(group.groupBillNo)", number: group.groupBillNo,
                                                   amount: firstPart.decimalString)
            let firstCheckout = try gateway.checkout(atURL: first.headers[.location] ?? "")
            gateway.complete(firstCheckout.id, Self.visa)
            let back = try await browser.comeBack(from: firstCheckout)
            let receipt = try await browser.follow(back)

            // then the receipt names the group bill paid, then the member bills it went to
            #expect(receipt.text.contains(#"Group bill <a class="mono" href="/group-bills/\#(group.groupBillNo)">\#(group.groupBillNo)</a>"#))
            #expect(receipt.text.contains(members[0].billNo) && receipt.text.contains(members[2].billNo))

            // and the first two members are settled, the third has 1.00, the others nothing
            #expect(firstCheckout.amountCents == firstPart.cents)
            var states = [(BillState, Money)]()
            for member in members { let stored = try await portal.bill(number: member.billNo); states.append((stored.state, stored.paid)) }
            #expect(states[0] == (.settled, members[0].total))
            #expect(states[1] == (.settled, members[1].total))
            #expect(states[2] == (.partiallyPaid, Money(cents: 100)))
            #expect(states.dropFirst(3).allSatisfy { $0.1 == .zero && $0.0 == members[0].state })
            let halfway = try await portal.companyGroupBill()
            #expect(halfway.state == .partiallyPaid)
            #expect(halfway.paid == firstPart)
            #expect(try await portal.count("payment_allocations") == 3)

            // when the rest is paid
            let (second, _) = try await browser.pay(page: "/group-bills/\(group.groupBillNo)", number: group.groupBillNo)
            let secondCheckout = try gateway.checkout(atURL: second.headers[.location] ?? "")
            gateway.complete(secondCheckout.id, Self.visa)
            try await browser.comeBack(from: secondCheckout)

            // then every member and the group bill are settled
            #expect(secondCheckout.amountCents == (group.total - firstPart).cents)
            for member in members { #expect(try await portal.bill(number: member.billNo).state == .settled, "\(member.accountID)") }
            let settled = try await portal.companyGroupBill()
            #expect(settled.state == .settled)
            #expect(settled.remaining == .zero)
            #expect(try await portal.count("receipts") == 2)
        }
    }

    @Test("several bills are paid at once through the API, one payment and one receipt for all")
    func payseveralBills() async throws {
        try await Payments.withPortal(configure: { $0.paymentReturnOrigins = ["https://app.example.mu"] }) { portal, gateway in
            // given two member bills of the company
            let first = try await portal.bill(of: Subscribers.companyAccounts[0], period: Billing.october)
            let second = try await portal.bill(of: Subscribers.companyAccounts[1], period: Billing.october)
            let token = try await portal.token(Self.company)

            // when the first is paid in full and 50.00 of the second
            let started = try await portal.startPayment(
                [["id": first.billNo], ["id": second.billNo, "amount": ["value": "50.00", "unit": "MUR"]]], key: "several-1", token: token,
                returnURL: "https://app.example.mu/paid?from=portal")
            let paymentID = try #require(started.json["id"] as? String)
            let checkout = try gateway.checkout(forPayment: paymentID)
            gateway.complete(checkout.id, Self.visa)
            let way = try #require(URLComponents(string: checkout.successURL))
            let back = try await portal.client.execute(uri: "\(way.path)?\(way.query ?? "")&session_id=\(checkout.id)", method: .get)
            let status = try await portal.api(.get, "/api/v1/payment/\(paymentID)", token: token)

            // then
            #expect(started.status == .created)
            #expect(started.json["status"] as? String == "pending")
            #expect(started.json["redirectUrl"] as? String == FakeCardGateway.pageBase + checkout.id)
            #expect(checkout.amountCents == (first.remaining + Money(cents: 5_000)).cents)
            #expect(back.status == .seeOther)
            #expect(back.headers[.location] == "https://app.example.mu/paid?from=portal&payment_id=\(paymentID)&status=succeeded")
            #expect(try await portal.bill(number: first.billNo).state == .settled)
            let partly = try await portal.bill(number: second.billNo)
            #expect(partly.state == .partiallyPaid && partly.paid == Money(cents: 5_000))
            #expect(try await portal.payments().count == 1)
            #expect(try await portal.count("receipts") == 1)
            #expect(status.status == .ok)
            #expect(status.json["status"] as? String == "succeeded")
            #expect(status.json["redirectUrl"] == nil)
            #expect(Self.list(status.json["allocations"]).count == 2)
            #expect((status.json["receipt"] as? [String: Any])?["receiptNo"] as? String != nil)
            #expect(status.json["card"] as? [String: String] == ["brand": "visa", "last4": "4242"])
        }
    }

    @Test("an amount above what remains, zero, or of an unknown bill is refused and nothing is started")
    func amountAboveRemaining() async throws {
        try await Payments.withPortal { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.aline)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let tooMuch = (bill.remaining + Money(cents: 1)).decimalString

            // when
            let api = try await portal.startPayment([["id": bill.billNo, "amount": tooMuch]], key: "too-much", token: token)
            let zero = try await portal.startPayment([["id": bill.billNo, "amount": "0.00"]], key: "zero", token: token)
            let unknown = try await portal.startPayment([["id": "B000000000", "amount": "1.00"]], key: "unknown", token: token)
            let form = try await browser.payBill(bill.billNo, amount: tooMuch).answer

            // then
            #expect(api.status == .unprocessableContent)
            #expect(api.errorCode == "invalid_amount")
            #expect(api.errorField == "amount")
            #expect(zero.status == .unprocessableContent)
            #expect(unknown.status == .notFound)
            #expect(form.status == .unprocessableContent)
            #expect(form.text.contains("at most Rs \(bill.remaining.decimalString)"))
            #expect(try await portal.payments().isEmpty)
            #expect(gateway.createCalls == 0)
            #expect(try await portal.bill(number: bill.billNo).paid == .zero)
        }
    }

    @Test("naming the same bill twice cannot charge more than the bill owes; lines within it add up")
    func sameBillTwice() async throws {
        try await Payments.withPortal { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.aline)

            // when the bill is listed twice, each line for everything that remains, then twice for a part
            let twice = try await portal.startPayment([["id": bill.billNo], ["id": bill.billNo]], key: "twice", token: token)
            let split = try await portal.startPayment([["id": bill.billNo, "amount": "10.00"], ["id": bill.billNo, "amount": "20.00"]],
                                                      key: "split", token: token)
            let splitID = try #require(split.json["id"] as? String)
            gateway.complete(try gateway.checkout(forPayment: splitID).id, Self.visa)
            _ = try await portal.client.execute(uri: "/payments/\(splitID)/return", method: .get)

            // then
            #expect(twice.status == .unprocessableContent)
            #expect(twice.errorCode == "invalid_amount")
            #expect(split.status == .created)
            #expect(gateway.checkouts.map(\.amountCents) == [3_000])
            #expect(try await portal.payments().count == 1)
            let stored = try await portal.bill(number: bill.billNo)
            #expect(stored.paid == Money(cents: 3_000) && stored.state == .partiallyPaid)
        }
    }

    @Test("a group bill and one of its member bills cannot be paid in one payment")
    func groupAndMemberTogether() async throws {
        try await Payments.withPortal { portal, gateway in
            // given
            let group = try await portal.companyGroupBill()
            let member = try await portal.bill(of: Subscribers.companyAccounts[0], period: Billing.october)
            let token = try await portal.token(Self.company)

            // when
            let answer = try await portal.startPayment([["id": group.groupBillNo], ["id": member.billNo]], key: "overlap", token: token)

            // then
            #expect(answer.status == .unprocessableContent)
            #expect(answer.errorCode == "overlapping_bills")
            #expect(answer.errorMessage?.contains(member.billNo) == true)
            #expect(try await portal.payments().isEmpty)
            #expect(gateway.createCalls == 0)
        }
    }

    // MARK: - Idempotency

    @Test("a double-clicked pay form makes one payment and one checkout", arguments: TestDatabase.engines)
    func doubleClick(engine: DatabaseEngine) async throws {
        try await Payments.withPortal(engine: engine) { portal, gateway in
            // given the bill page, with its form's idempotency key
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let page = try await browser.get("/bills/\(bill.billNo)")
            let key = try #require(Page.first(page.text, /name="idempotencyKey" value="([^"]+)"/))
            let fields: KeyValuePairs<String, String> = ["idempotencyKey": key, "pay_\(bill.billNo)": "on", "amount_\(bill.billNo)": bill.remaining.decimalString]

            // when the form is posted twice
            let first = try await browser.post("/payments", fields)
            let second = try await browser.post("/payments", fields)

            // then
            #expect(first.status == .seeOther)
            #expect(second.status == .seeOther)
            #expect(first.headers[.location] == second.headers[.location])
            #expect(try await portal.payments().count == 1)
            #expect(gateway.checkouts.count == 1)
        }
    }

    @Test("50 concurrent identical POST /api/v1/payment with one Idempotency-Key make one payment, the same answer for all", arguments: TestDatabase.engines)
    func concurrentRequests(engine: DatabaseEngine) async throws {
        try await Payments.withPortal(engine: engine) { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.aline)
            let lines: [[String: any Sendable]] = [["id": bill.billNo, "amount": "120.00"]]

            // when
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await portal.startPayment(lines, key: "one-key-for-fifty", token: token) }
                }
                var answers: [TestResponse] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }

            // then
            #expect(answers.count == 50)
            #expect(answers.allSatisfy { $0.status == .created }, "\(Set(answers.map { "\($0.status)" }))")
            let ids = Set(answers.compactMap { $0.json["id"] as? String })
            #expect(ids.count == 1)
            let redirects = Set(answers.map { $0.json["redirectUrl"] as? String })
            #expect(redirects.count == 1 && redirects.first! != nil, "every answer sends to the same card page: \(redirects)")
            #expect(try await portal.count("payments") == 1)
            #expect(try await portal.count("payment_items") == 1)
            #expect(gateway.checkouts.count == 1)
            #expect(try await portal.payments().first?.id == ids.first)
        }
    }

    @Test("the same Idempotency-Key with another body is refused with 422")
    func sameKeyOtherBody() async throws {
        try await Payments.withPortal { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.aline)
            let first = try await portal.startPayment([["id": bill.billNo, "amount": "10.00"]], key: "reused", token: token)

            // when
            let otherAmount = try await portal.startPayment([["id": bill.billNo, "amount": "11.00"]], key: "reused", token: token)
            let otherReturn = try await portal.startPayment([["id": bill.billNo, "amount": "10.00"]], key: "reused", token: token,
                                                            returnURL: "https://app.example.mu/back")

            // then
            #expect(first.status == .created)
            #expect(otherAmount.status == .unprocessableContent)
            #expect(otherAmount.errorCode == "idempotency_key_reused")
            #expect(otherReturn.status == .unprocessableContent)
            #expect(try await portal.payments().count == 1)
            #expect(gateway.checkouts.count == 1)
        }
    }

    @Test("the request repeated after the bill was paid finds its payment instead of starting another", arguments: TestDatabase.engines)
    func repeatedAfterSuccess(engine: DatabaseEngine) async throws {
        try await Payments.withPortal(engine: engine) { portal, gateway in
            // given a paid bill
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.aline)
            let first = try await portal.startPayment([["id": bill.billNo]], key: "repeat-me", token: token)
            let paymentID = try #require(first.json["id"] as? String)
            gateway.complete(try gateway.checkout(forPayment: paymentID).id, Self.visa)
            _ = try await portal.client.execute(uri: "/payments/\(paymentID)/return", method: .get)

            // when
            let again = try await portal.startPayment([["id": bill.billNo]], key: "repeat-me", token: token)

            // then
            #expect(again.status == .created)
            #expect(again.json["id"] as? String == paymentID)
            #expect(again.json["status"] as? String == "succeeded")
            #expect(try await portal.payments().count == 1)
            #expect(try await portal.count("receipts") == 1)
        }
    }

    @Test("when the gateway cannot be reached the payer is told so, and the same request later goes to the card page")
    func gatewayUnreachableAtStart() async throws {
        try await Payments.withPortal { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.aline)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            gateway.setUnreachable(true)

            // when
            let form = try await browser.payBill(bill.billNo).answer
            // A payment that got no card page holds its bill two minutes at most.
            portal.clock.advance(by: 121)
            let api = try await portal.startPayment([["id": bill.billNo]], key: "retry-later", token: token)
            gateway.setUnreachable(false)
            let retried = try await portal.startPayment([["id": bill.billNo]], key: "retry-later", token: token)

            // then
            #expect(form.status == .serviceUnavailable)
            #expect(form.text.contains("Nothing was charged"))
            #expect(api.status == .serviceUnavailable)
            #expect(api.errorCode == "gateway_unavailable")
            #expect(retried.status == .created)
            let paymentID = try #require(retried.json["id"] as? String)
            let checkout = try gateway.checkout(forPayment: paymentID)
            #expect(retried.json["redirectUrl"] as? String == FakeCardGateway.pageBase + checkout.id)
            #expect(try await portal.payment(paymentID).gatewaySessionID == checkout.id)
            #expect(try await portal.bill(number: bill.billNo).paid == .zero)
        }
    }

    // MARK: - Declines

    @Test("a declined card leaves the bill unchanged and says why in plain words, with a way to try again", arguments: [
        ("card_declined", "Your card was declined by your bank."),
        ("insufficient_funds", "Your card has insufficient funds."),
        ("expired_card", "Your card has expired."),
        ("processing_error", "An error occurred while processing the card. Please try again."),
        ("authentication_failed", "The 3-D Secure check was not confirmed."),
        ("do_not_honor", "The payment was not made or was canceled."),
    ])
    func declined(code: String, message: String) async throws {
        try await Payments.withPortal { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let (submitted, _) = try await browser.payBill(bill.billNo)
            let checkout = try gateway.checkout(atURL: submitted.headers[.location] ?? "")

            // when
            gateway.complete(checkout.id, .failed(code))
            let back = try await browser.comeBack(from: checkout)
            let page = try await browser.follow(back)

            // then
            #expect(page.status == .ok)
            #expect(page.text.contains("The payment did not go through"))
            #expect(page.text.contains(message))
            #expect(page.text.contains("Nothing was charged and your bills have not changed."))
            #expect(page.text.contains(#"href="/account">Try again</a>"#))
            #expect(!page.text.contains(code), "no gateway jargon on the page")
            let stored = try await portal.bill(number: bill.billNo)
            #expect(stored.state == bill.state && stored.paid == .zero)
            let payment = try await portal.payment(checkout.reference)
            #expect(payment.status == "failed" && payment.failureCode == code)
            #expect(try await portal.count("receipts") == 0)
            #expect(try await portal.receiptMessages().isEmpty)
        }
    }

    @Test("after a decline the bill can be paid again with another card")
    func payAgainAfterDecline() async throws {
        try await Payments.withPortal { portal, gateway in
            // given a declined attempt
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let declined = try gateway.checkout(atURL: try await browser.payBill(bill.billNo).answer.headers[.location] ?? "")
            gateway.complete(declined.id, .failed("card_declined"))
            try await browser.comeBack(from: declined)

            // when the payer tries again from the bill page
            let again = try gateway.checkout(atURL: try await browser.payBill(bill.billNo).answer.headers[.location] ?? "")
            gateway.complete(again.id, Self.visa)
            try await browser.comeBack(from: again)

            // then
            #expect(again.id != declined.id)
            #expect(try await portal.bill(number: bill.billNo).state == .settled)
            #expect(try await portal.payments().map(\.status).sorted() == ["failed", "succeeded"])
            #expect(try await portal.count("receipts") == 1)
        }
    }

    // MARK: - The return page

    @Test("coming back before the gateway says paid settles nothing and shows the payment as pending")
    func returnBeforePaid() async throws {
        try await Payments.withPortal { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let checkout = try gateway.checkout(atURL: try await browser.payBill(bill.billNo).answer.headers[.location] ?? "")

            // when the browser comes back with the session id while the checkout is still open
            let back = try await browser.comeBack(from: checkout)
            let page = try await browser.follow(back)

            // then
            #expect(back.headers[.location] == "/payments/\(checkout.reference)")
            #expect(page.text.contains("Payment being confirmed"))
            #expect(try await portal.payment(checkout.reference).status == "pending")
            #expect(try await portal.bill(number: bill.billNo).paid == .zero)
            #expect(try await portal.count("receipts") == 0)
        }
    }

    @Test("a forged ?session_id naming another, paid session does not settle the payment")
    func forgedSessionID() async throws {
        try await Payments.withPortal { portal, gateway in
            // given Aline's open checkout, and a paid one of the company
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let open = try gateway.checkout(atURL: try await browser.payBill(bill.billNo).answer.headers[.location] ?? "")
            let companyBill = try await portal.bill(of: Subscribers.companyAccounts[0], period: Billing.october)
            let companyPayment = try await portal.startPayment([["id": companyBill.billNo]], key: "company", token: try await portal.token(Self.company))
            let paid = try gateway.checkout(forPayment: try #require(companyPayment.json["id"] as? String))
            gateway.complete(paid.id, Self.visa)

            // when Aline's browser comes back naming the paid session
            _ = try await browser.comeBack(from: open, sessionID: paid.id)
            _ = try await browser.get("/payments/\(open.reference)/return?session_id=\(paid.id)&status=paid&paymentStatus=paid")

            // then
            #expect(try await portal.payment(open.reference).status == "pending")
            #expect(try await portal.bill(number: bill.billNo).paid == .zero)
            #expect(try await portal.count("receipts") == 0)
        }
    }

    @Test("a refreshed return page after success makes no second receipt", arguments: TestDatabase.engines)
    func refreshedReturn(engine: DatabaseEngine) async throws {
        try await Payments.withPortal(engine: engine) { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let checkout = try gateway.checkout(atURL: try await browser.payBill(bill.billNo).answer.headers[.location] ?? "")
            gateway.complete(checkout.id, Self.visa)

            // when
            for _ in 0..<5 { try await browser.comeBack(from: checkout) }

            // then
            #expect(try await portal.count("receipts") == 1)
            #expect(try await portal.receiptMessages().count == 2)
            #expect(try await portal.bill(number: bill.billNo).state == .settled)
        }
    }

    // MARK: - Webhooks

    @Test("a validly signed event delivered 100 times is processed once: one payment settled, one receipt", arguments: TestDatabase.engines)
    func webhookDeliveredManyTimes(engine: DatabaseEngine) async throws {
        try await Payments.withPortal(engine: engine) { portal, gateway in
            // given a paid checkout the browser never came back from
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let started = try await portal.startPayment([["id": bill.billNo]], key: "hook", token: try await portal.token(Self.aline))
            let paymentID = try #require(started.json["id"] as? String)
            let checkout = try gateway.checkout(forPayment: paymentID)
            gateway.complete(checkout.id, Self.visa)
            let body = Payments.eventBody(session: checkout.id)
            let now = portal.clock.now()

            // when the gateway delivers the event 100 times, at once
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<100 { group.addTask { try await portal.webhook(id: "evt_once", body: body, timestamp: now).status } }
                var statuses: [HTTPResponse.Status] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }

            // then
            #expect(statuses.count == 100)
            #expect(statuses.allSatisfy { $0 == .noContent })
            #expect(try await portal.payment(paymentID).status == "succeeded")
            #expect(try await portal.bill(number: bill.billNo).state == .settled)
            #expect(try await portal.count("receipts") == 1)
            #expect(try await portal.count("payment_allocations") == 1)
            #expect(try await portal.receiptMessages().count == 2)
            #expect(try await portal.count("webhook_events") == 1)
        }
    }

    @Test("a failed event, confirmed with the gateway, marks the payment failed and leaves the bill")
    func webhookFailed() async throws {
        try await Payments.withPortal { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let started = try await portal.startPayment([["id": bill.billNo]], key: "hook", token: try await portal.token(Self.aline))
            let checkout = try gateway.checkout(forPayment: try #require(started.json["id"] as? String))
            gateway.complete(checkout.id, .failed("insufficient_funds"))

            // when
            let answer = try await portal.webhook(id: "evt_failed", body: Payments.eventBody("checkout.session.failed", session: checkout.id, paymentStatus: "failed"),
                                                  timestamp: portal.clock.now())

            // then
            #expect(answer.status == .noContent)
            let payment = try await portal.payment(checkout.reference)
            #expect(payment.status == "failed" && payment.failureCode == "insufficient_funds")
            #expect(try await portal.bill(number: bill.billNo).paid == .zero)
            #expect(try await portal.count("receipts") == 0)
        }
    }

    @Test("an event's own word is not enough: while the gateway says open, nothing is settled")
    func webhookConfirmedWithGateway() async throws {
        try await Payments.withPortal { portal, gateway in
            // given an open checkout
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let started = try await portal.startPayment([["id": bill.billNo]], key: "hook", token: try await portal.token(Self.aline))
            let checkout = try gateway.checkout(forPayment: try #require(started.json["id"] as? String))

            // when a correctly signed event claims it was paid
            let answer = try await portal.webhook(id: "evt_claim", body: Payments.eventBody(session: checkout.id), timestamp: portal.clock.now())

            // then
            #expect(answer.status == .noContent)
            #expect(try await portal.payment(checkout.reference).status == "pending")
            #expect(try await portal.bill(number: bill.billNo).paid == .zero)
        }
    }

    @Test("a bad signature is refused with 400 and changes nothing")
    func webhookBadSignature() async throws {
        try await Payments.withPortal { portal, gateway in
            // given a paid checkout
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let started = try await portal.startPayment([["id": bill.billNo]], key: "hook", token: try await portal.token(Self.aline))
            let checkout = try gateway.checkout(forPayment: try #require(started.json["id"] as? String))
            gateway.complete(checkout.id, Self.visa)
            let body = Payments.eventBody(session: checkout.id)
            let now = portal.clock.now()
            let seconds = Int64(now.timeIntervalSince1970)

            // when
            let otherSecret = try await portal.webhook(id: "evt_1", body: body, timestamp: now, secret: "whsec_" + Data(repeating: 1, count: 32).base64EncodedString())
            let tampered = try await portal.webhook(
                id: "evt_2", body: Payments.eventBody(session: checkout.id + "x"), timestamp: now,
                signature: WebhookSignature.sign(id: "evt_2", timestamp: seconds, body: body, secret: Payments.webhookSecret))
            let missing = try await portal.webhook(id: "evt_3", body: body, timestamp: now, signature: "")

            // then
            #expect(otherSecret.status == .badRequest)
            #expect(otherSecret.json["error"] != nil)
            #expect(tampered.status == .badRequest)
            #expect(missing.status == .badRequest)
            #expect(try await portal.payment(checkout.reference).status == "pending")
            #expect(try await portal.count("webhook_events") == 0)
            #expect(try await portal.count("receipts") == 0)
        }
    }

    @Test("a timestamp more than five minutes old or ahead is refused with 400", arguments: [-301.0, -3600.0, 301.0])
    func webhookStaleTimestamp(offset: TimeInterval) async throws {
        try await Payments.withPortal { portal, gateway in
            // given a paid checkout
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let started = try await portal.startPayment([["id": bill.billNo]], key: "hook", token: try await portal.token(Self.aline))
            let checkout = try gateway.checkout(forPayment: try #require(started.json["id"] as? String))
            gateway.complete(checkout.id, Self.visa)

            // when a correctly signed event carries a timestamp out of tolerance
            let answer = try await portal.webhook(id: "evt_stale", body: Payments.eventBody(session: checkout.id),
                                                  timestamp: portal.clock.now().addingTimeInterval(offset))

            // then
            #expect(answer.status == .badRequest)
            #expect(try await portal.payment(checkout.reference).status == "pending")
            #expect(try await portal.count("webhook_events") == 0)
        }
    }

    @Test("an event for a session the portal does not know is acknowledged with 204 and changes nothing")
    func webhookUnknownSession() async throws {
        try await Payments.withPortal { portal, gateway in
            // given nothing paid

            // when
            let answer = try await portal.webhook(id: "evt_unknown", body: Payments.eventBody(session: "cs_nobody_knows"), timestamp: portal.clock.now())

            // then
            #expect(answer.status == .noContent)
            #expect(try await portal.payments().isEmpty)
            #expect(try await portal.count("receipts") == 0)
        }
    }

    // MARK: - Reconciler

    @Test("the reconciler settles a payment whose return timed out at the gateway")
    func reconcilerAfterTimeout() async throws {
        try await Payments.withPortal { portal, gateway in
            // given a paid checkout, and the gateway timing out when the browser comes back
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let checkout = try gateway.checkout(atURL: try await browser.payBill(bill.billNo).answer.headers[.location] ?? "")
            gateway.complete(checkout.id, Self.visa)
            gateway.timeOut(checkout.id, times: 1)
            let back = try await browser.comeBack(from: checkout)
            let pending = try await portal.payment(checkout.reference).status
            let tooYoung = try await portal.services.payments.reconcile(olderThan: 180)

            // when three minutes have passed
            portal.clock.advance(by: 181)
            let settled = try await portal.services.payments.reconcile(olderThan: 180)

            // then the return page showed the payment as still being confirmed, and the reconciler settled it
            #expect(back.status == .seeOther)
            #expect(back.headers[.location] == "/payments/\(checkout.reference)")
            #expect(pending == "pending")
            #expect(tooYoung == 0)
            #expect(settled == 1)
            #expect(try await portal.payment(checkout.reference).status == "succeeded")
            #expect(try await portal.bill(number: bill.billNo).state == .settled)
            #expect(try await portal.count("receipts") == 1)
            #expect(try await portal.receiptMessages().count == 2)
            #expect(try await portal.services.payments.reconcile(olderThan: 180) == 0)
        }
    }

    @Test("the reconciler ends a payment whose checkout failed or expired as failed, and leaves one still open",
          arguments: [FakeCardGateway.Outcome.failed("card_declined"), .expired, .open])
    func reconcilerFailures(outcome: FakeCardGateway.Outcome) async throws {
        try await Payments.withPortal { portal, gateway in
            // given a checkout the browser never came back from
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let started = try await portal.startPayment([["id": bill.billNo]], key: "left", token: try await portal.token(Self.aline))
            let checkout = try gateway.checkout(forPayment: try #require(started.json["id"] as? String))
            gateway.complete(checkout.id, outcome)

            // when
            portal.clock.advance(by: 600)
            let settled = try await portal.services.payments.reconcile(olderThan: 180)

            // then
            let payment = try await portal.payment(checkout.reference)
            switch outcome {
            case .failed(let code):
                #expect(settled == 1)
                #expect(payment.status == "failed" && payment.failureCode == code)
            case .expired:
                #expect(settled == 1)
                #expect(payment.status == "failed" && payment.failureCode == "expired")
            default:
                #expect(settled == 0)
                #expect(payment.status == "pending")
            }
            #expect(try await portal.bill(number: bill.billNo).paid == .zero)
            #expect(try await portal.count("receipts") == 0)
        }
    }

    // MARK: - Access

    @Test("another login's payment is not found, on the pages and in the API")
    func otherUsersPayment() async throws {
        try await Payments.withPortal { portal, gateway in
            // given Aline's paid payment
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let alineToken = try await portal.token(Self.aline)
            let started = try await portal.startPayment([["id": bill.billNo]], key: "mine", token: alineToken)
            let paymentID = try #require(started.json["id"] as? String)
            gateway.complete(try gateway.checkout(forPayment: paymentID).id, Self.visa)
            _ = try await portal.client.execute(uri: "/payments/\(paymentID)/return", method: .get)
            let company = try await portal.signedInBrowser(Self.company, acceptLanguage: "en")
            let companyToken = try await portal.token(Self.company)
            let owner = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")

            // when
            let pages = [
                try await company.get("/payments/\(paymentID)"),
                try await company.get("/payments/\(paymentID)/receipt.pdf"),
            ]
            let api = [
                try await portal.api(.get, "/api/v1/payment/\(paymentID)", token: companyToken),
                try await portal.api(.get, "/api/v1/payment/\(paymentID)/receipt?format=pdf", token: companyToken),
                try await portal.api(.get, "/api/v1/payment/\(paymentID)/receipt?format=html", token: companyToken),
            ]
            let history = try await company.get("/payments")
            let anonymous = try await portal.api(.get, "/api/v1/payment/\(paymentID)")
            let ownPage = try await owner.get("/payments/\(paymentID)")
            let ownAPI = try await portal.api(.get, "/api/v1/payment/\(paymentID)/receipt?format=html", token: alineToken)

            // then
            #expect(pages.allSatisfy { $0.status == .notFound }, "\(pages.map(\.status))")
            #expect(api.allSatisfy { $0.status == .notFound }, "\(api.map(\.status))")
            #expect(api.allSatisfy { $0.errorCode == "not_found" })
            #expect(!history.text.contains(paymentID))
            #expect(anonymous.status == .unauthorized)
            #expect(ownPage.status == .ok)
            #expect(ownAPI.status == .ok)
        }
    }

    @Test("one login cannot pay another's bill")
    func otherUsersBill() async throws {
        try await Payments.withPortal { portal, gateway in
            // given
            let alineBill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.company)

            // when
            let answer = try await portal.startPayment([["id": alineBill.billNo]], key: "not-mine", token: token)

            // then
            #expect(answer.status == .notFound)
            #expect(try await portal.payments().isEmpty)
            #expect(gateway.createCalls == 0)
        }
    }
}
