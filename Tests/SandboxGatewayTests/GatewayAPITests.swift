import Foundation
import HummingbirdTesting
import Testing
@testable import SandboxGateway

/// The sandbox gateway over HTTP (CONTRACT §8): checkout sessions with the secret key and idempotency keys, the hosted
/// card page with the test cards and the 3-D Secure challenge, an event queued per outcome, and a store that keeps
/// brand and last four digits only.
@Suite("Sandbox gateway API and hosted page")
struct GatewayAPITests {
    // MARK: - Checkout sessions

    @Test("creating a session without the secret key, or with another one, is refused with 401")
    func createNeedsTheSecretKey() async throws {
        try await GatewayTest.with { gateway in
            // given nothing

            // when
            let anonymous = try await gateway.create(secret: nil)
            let wrong = try await gateway.create(secret: "sk_test_someone_else_000000000")
            let publishable = try await gateway.create(secret: "")

            // then
            #expect(anonymous.status == .unauthorized)
            #expect(wrong.status == .unauthorized)
            #expect(publishable.status == .unauthorized)
            #expect(try await gateway.count("checkout_sessions") == 0)
        }
    }

    @Test("creating a session without an Idempotency-Key is refused with 400")
    func createNeedsAnIdempotencyKey() async throws {
        try await GatewayTest.with { gateway in
            // given nothing

            // when
            let missing = try await gateway.create(key: nil)
            let empty = try await gateway.create(key: "")

            // then
            #expect(missing.status == .badRequest)
            #expect(missing.errorCode == "missing_idempotency_key")
            #expect(empty.status == .badRequest)
            #expect(try await gateway.count("checkout_sessions") == 0)
        }
    }

    @Test("a malformed create body is refused with 400", arguments: [
        ["amount": 0, "currency": "MUR", "reference": "r", "successUrl": "https://a.test/ok", "cancelUrl": "https://a.test/ko"],
        ["amount": 100, "currency": "EUR", "reference": "r", "successUrl": "https://a.test/ok", "cancelUrl": "https://a.test/ko"],
        ["amount": 100, "currency": "MUR", "reference": "r", "successUrl": "javascript:alert(1)", "cancelUrl": "https://a.test/ko"],
        ["amount": 100, "currency": "MUR", "successUrl": "https://a.test/ok", "cancelUrl": "https://a.test/ko"],
    ] as [[String: any Sendable]])
    func malformedCreate(body: [String: any Sendable]) async throws {
        try await GatewayTest.with { gateway in
            // given a body the gateway cannot take

            // when
            let answer = try await gateway.create(body)

            // then
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == "invalid_request")
            #expect(try await gateway.count("checkout_sessions") == 0)
        }
    }

    @Test("a session is created with 201 {id, url, status: open}, and reads back unpaid")
    func create() async throws {
        try await GatewayTest.with { gateway in
            // given nothing

            // when
            let answer = try await gateway.create()

            // then
            #expect(answer.status == .created)
            let json = answer.json
            #expect(Set(json.keys) == ["id", "url", "status"])
            let id = try #require(json["id"] as? String)
            #expect(id.hasPrefix("cs_"))
            #expect(json["url"] as? String == "\(GatewayTest.publicURL)/pay/\(id)")
            #expect(json["status"] as? String == "open")
            let session = try await gateway.session(id)
            #expect(session.status == .ok)
            #expect(session.json["id"] as? String == id)
            #expect(session.json["status"] as? String == "open")
            #expect(session.json["paymentStatus"] as? String == "unpaid")
            #expect(session.json["amount"] as? Int == 125_050)
            #expect(session.json["currency"] as? String == "MUR")
            #expect(session.json["reference"] as? String == "pay_ref_one")
            #expect(session.json["card"] == nil)
            #expect(session.json["failureCode"] == nil)
        }
    }

    @Test("the same Idempotency-Key with the same body gives the same answer and one session")
    func sameKeySameBody() async throws {
        try await GatewayTest.with { gateway in
            // given
            let first = try await gateway.create(key: "key-repeat")

            // when
            let second = try await gateway.create(key: "key-repeat")

            // then
            #expect(first.status == .created)
            #expect(second.status == first.status)
            #expect(second.text == first.text)
            #expect(try await gateway.count("checkout_sessions") == 1)
        }
    }

    @Test("the same Idempotency-Key with another body is refused with 422 and changes nothing")
    func sameKeyOtherBody() async throws {
        try await GatewayTest.with { gateway in
            // given
            let first = try await gateway.create(GatewayTest.createBody(amount: 125_050), key: "key-reused")
            let id = try #require(first.json["id"] as? String)

            // when
            let otherAmount = try await gateway.create(GatewayTest.createBody(amount: 99_900), key: "key-reused")
            let otherReference = try await gateway.create(GatewayTest.createBody(reference: "pay_ref_two"), key: "key-reused")

            // then
            #expect(otherAmount.status == .unprocessableContent)
            #expect(otherAmount.errorCode == "idempotency_key_reused")
            #expect(otherReference.status == .unprocessableContent)
            #expect(try await gateway.count("checkout_sessions") == 1)
            #expect(try await gateway.session(id).json["amount"] as? Int == 125_050)
        }
    }

    @Test("another Idempotency-Key makes another session")
    func otherKeyOtherSession() async throws {
        try await GatewayTest.with { gateway in
            // given
            let first = try await gateway.openSession(key: "key-a")

            // when
            let second = try await gateway.openSession(key: "key-b")

            // then
            #expect(first != second)
            #expect(try await gateway.count("checkout_sessions") == 2)
        }
    }

    @Test("reading a session needs the secret key; an unknown one is 404")
    func readSession() async throws {
        try await GatewayTest.with { gateway in
            // given
            let id = try await gateway.openSession()

            // when
            let anonymous = try await gateway.session(id, secret: nil)
            let wrong = try await gateway.session(id, secret: "sk_test_wrong")
            let unknown = try await gateway.session("cs_doesnotexist")

            // then
            #expect(anonymous.status == .unauthorized)
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .notFound)
        }
    }

    @Test("an open session past its hour reads as expired, and its card page is closed: 410, no card taken, no event")
    func expiry() async throws {
        try await GatewayTest.with { gateway in
            // given
            let id = try await gateway.openSession()

            // when
            gateway.clock.advance(by: 3601)
            let page = try await gateway.page("/pay/\(id)", acceptLanguage: "en")
            let paid = try await gateway.pay(id, CardForm(number: "4242 4242 4242 4242"))
            let challenged = try await gateway.pay(id, CardForm(number: "4000 0000 0000 3220"))
            let session = try await gateway.session(id)

            // then
            #expect(page.status == .gone)
            #expect(paid.status == .gone)
            #expect(challenged.status == .gone)
            #expect(session.json["status"] as? String == "expired")
            #expect(session.json["paymentStatus"] as? String == "unpaid")
            #expect(session.json["card"] == nil)
            #expect(try await gateway.count("gateway_events") == 0)
        }
    }

    // MARK: - Hosted page

    @Test("the card page is an accessible form in English or French")
    func cardPage() async throws {
        try await GatewayTest.with { gateway in
            // given
            let id = try await gateway.openSession()

            // when
            let english = try await gateway.page("/pay/\(id)", acceptLanguage: "en")
            let french = try await gateway.page("/pay/\(id)", acceptLanguage: "fr-MU,fr;q=0.9")

            // then
            #expect(english.status == .ok)
            #expect(english.text.contains(#"<html lang="en">"#))
            #expect(english.text.contains("Rs\u{00A0}1,250.50"))
            #expect(english.text.contains(#"placeholder="YYYY""#))
            for field in ["card_number", "exp_month", "exp_year", "cvc", "cardholder_name"] {
                #expect(english.text.contains(#"<label for="\#(field)">"#), "label for \(field)")
                #expect(english.text.contains(#"name="\#(field)""#), "field \(field)")
            }
            #expect(french.status == .ok)
            #expect(french.text.contains(#"<html lang="fr">"#))
            #expect(french.text.contains("Numéro de carte"))
            #expect(french.text.contains("1\u{202F}250,50\u{00A0}Rs"))
            #expect(french.text.contains(#"placeholder="AAAA""#))
        }
    }

    @Test("4242… pays: 303 to the success URL with ?session_id=, session paid with brand and last four")
    func paidCard() async throws {
        try await GatewayTest.with { gateway in
            // given
            let id = try await gateway.openSession()

            // when
            let answer = try await gateway.pay(id, CardForm(number: "4242 4242 4242 4242"))

            // then
            #expect(answer.status == .seeOther)
            #expect(answer.location == "https://portal.test/payments/pay_ref_one/return?session_id=\(id)")
            let session = try await gateway.session(id).json
            #expect(session["status"] as? String == "complete")
            #expect(session["paymentStatus"] as? String == "paid")
            #expect(session["card"] as? [String: String] == ["brand": "visa", "last4": "4242"])
            #expect(session["failureCode"] == nil)
        }
    }

    @Test("each declining test card fails with its code and goes back to the cancel URL", arguments: [
        ("4000000000000002", "card_declined"), ("4000000000009995", "insufficient_funds"), ("4000000000000069", "expired_card"),
        ("4000000000000119", "processing_error"),
    ])
    func declinedCard(number: String, code: String) async throws {
        try await GatewayTest.with { gateway in
            // given
            let id = try await gateway.openSession()

            // when
            let answer = try await gateway.pay(id, CardForm(number: number))

            // then
            #expect(answer.status == .seeOther)
            #expect(answer.location == "https://portal.test/payments/pay_ref_one/return?cancel=1&session_id=\(id)")
            let session = try await gateway.session(id).json
            #expect(session["status"] as? String == "complete")
            #expect(session["paymentStatus"] as? String == "failed")
            #expect(session["failureCode"] as? String == code)
            #expect(session["card"] as? [String: String] == ["brand": "visa", "last4": String(number.suffix(4))])
        }
    }

    @Test("a number failing the Luhn check gets the form again with 422, and nothing is stored or queued")
    func invalidNumber() async throws {
        try await GatewayTest.with { gateway in
            // given
            let id = try await gateway.openSession()

            // when
            let answer = try await gateway.pay(id, CardForm(number: "4242424242424241"))

            // then
            #expect(answer.status == .unprocessableContent)
            #expect(answer.text.contains(#"role="alert""#))
            #expect(answer.text.contains("Invalid card number."))
            #expect(!answer.text.contains("4242424242424241"), "the number is not echoed back")
            #expect(answer.text.contains(#"name="card_number""#))
            let session = try await gateway.session(id).json
            #expect(session["status"] as? String == "open")
            #expect(session["paymentStatus"] as? String == "unpaid")
            #expect(session["card"] == nil)
            #expect(try await gateway.events(of: id).isEmpty)
            #expect(try await gateway.everyStoredValue().allSatisfy { !$0.contains("4241") })
        }
    }

    @Test("a past expiry, a bad CVC or a missing name gets the form again with 422", arguments: [
        CardForm(number: "4242424242424242", expMonth: "10", expYear: "2026"),
        CardForm(number: "4242424242424242", expMonth: "13", expYear: "2030"),
        CardForm(number: "4242424242424242", cvc: "12"),
        CardForm(number: "4242424242424242", cvc: "12a"),
        CardForm(number: "4242424242424242", name: "  "),
    ])
    func invalidForm(card: CardForm) async throws {
        try await GatewayTest.with { gateway in
            // given
            let id = try await gateway.openSession()

            // when
            let answer = try await gateway.pay(id, card)

            // then
            #expect(answer.status == .unprocessableContent)
            #expect(answer.text.contains(#"role="alert""#))
            #expect(try await gateway.session(id).json["paymentStatus"] as? String == "unpaid")
            #expect(try await gateway.events(of: id).isEmpty)
        }
    }

    @Test("this month's expiry is still good")
    func expiresThisMonth() async throws {
        try await GatewayTest.with { gateway in
            // given the clock in November 2026
            let id = try await gateway.openSession()

            // when
            let answer = try await gateway.pay(id, CardForm(number: "4242424242424242", expMonth: "11", expYear: "26"))

            // then
            #expect(answer.status == .seeOther)
            #expect(try await gateway.session(id).json["paymentStatus"] as? String == "paid")
        }
    }

    @Test("the 3-D Secure card shows the challenge page; approving pays")
    func challengeApproved() async throws {
        try await GatewayTest.with { gateway in
            // given
            let id = try await gateway.openSession()

            // when
            let submitted = try await gateway.pay(id, CardForm(number: "4000000000003220"))
            let challenge = try await gateway.page(try #require(submitted.location))
            let pendingSession = try await gateway.session(id).json
            let eventsBeforeDecision = try await gateway.events(of: id)
            let approved = try await gateway.post("/pay/\(id)/3ds", [("decision", "approve")])

            // then
            #expect(submitted.status == .seeOther)
            #expect(submitted.location == "/pay/\(id)")
            #expect(challenge.status == .ok)
            #expect(challenge.text.contains("3-D Secure"))
            #expect(challenge.text.contains(#"action="/pay/\#(id)/3ds""#))
            #expect(pendingSession["paymentStatus"] as? String == "unpaid", "nothing is decided before the challenge")
            #expect(eventsBeforeDecision.isEmpty)
            #expect(approved.status == .seeOther)
            #expect(approved.location == "https://portal.test/payments/pay_ref_one/return?session_id=\(id)")
            let session = try await gateway.session(id).json
            #expect(session["paymentStatus"] as? String == "paid")
            #expect(session["card"] as? [String: String] == ["brand": "visa", "last4": "3220"])
            #expect(try await gateway.events(of: id).map(\.type) == ["checkout.session.completed"])
        }
    }

    @Test("the 3-D Secure card, denied, fails with authentication_failed")
    func challengeDenied() async throws {
        try await GatewayTest.with { gateway in
            // given
            let id = try await gateway.openSession()
            _ = try await gateway.pay(id, CardForm(number: "4000000000003220"))

            // when
            let denied = try await gateway.post("/pay/\(id)/3ds", [("decision", "deny")])

            // then
            #expect(denied.status == .seeOther)
            #expect(denied.location == "https://portal.test/payments/pay_ref_one/return?cancel=1&session_id=\(id)")
            let session = try await gateway.session(id).json
            #expect(session["paymentStatus"] as? String == "failed")
            #expect(session["failureCode"] as? String == "authentication_failed")
            #expect(try await gateway.events(of: id).map(\.type) == ["checkout.session.failed"])
        }
    }

    @Test("a completed session's page is closed: a second card cannot change the outcome")
    func completedSessionIsClosed() async throws {
        try await GatewayTest.with { gateway in
            // given
            let id = try await gateway.openSession()
            _ = try await gateway.pay(id, CardForm(number: "4000000000000002"))

            // when
            let page = try await gateway.page("/pay/\(id)")
            let retried = try await gateway.pay(id, CardForm(number: "4242424242424242"))
            let challenge = try await gateway.post("/pay/\(id)/3ds", [("decision", "approve")])

            // then
            #expect(page.status == .gone)
            #expect(retried.status == .gone)
            #expect(challenge.status == .gone)
            #expect(try await gateway.session(id).json["paymentStatus"] as? String == "failed")
            #expect(try await gateway.events(of: id).count == 1)
        }
    }

    @Test("cancelling on the card page goes back to the cancel URL and decides nothing")
    func cancel() async throws {
        try await GatewayTest.with { gateway in
            // given
            let id = try await gateway.openSession()

            // when
            let answer = try await gateway.post("/pay/\(id)/cancel", [])

            // then
            #expect(answer.status == .seeOther)
            #expect(answer.location == "https://portal.test/payments/pay_ref_one/return?cancel=1&session_id=\(id)")
            #expect(try await gateway.session(id).json["paymentStatus"] as? String == "unpaid")
        }
    }

    // MARK: - Events and the store

    @Test("one event is queued per outcome, carrying the session as the API shows it")
    func eventPerOutcome() async throws {
        try await GatewayTest.with { gateway in
            // given
            let paid = try await gateway.openSession(reference: "pay_ref_paid", key: "key-paid")
            let declined = try await gateway.openSession(reference: "pay_ref_declined", key: "key-declined")

            // when
            _ = try await gateway.pay(paid, CardForm(number: "4242424242424242"))
            _ = try await gateway.pay(declined, CardForm(number: "4000000000009995"))

            // then
            let paidEvents = try await gateway.events(of: paid)
            #expect(paidEvents.map(\.type) == ["checkout.session.completed"])
            #expect(paidEvents.allSatisfy { !$0.delivered })
            let paidBody = try #require(try JSONSerialization.jsonObject(with: Data(paidEvents[0].body.utf8)) as? [String: Any])
            #expect(paidBody["type"] as? String == "checkout.session.completed")
            let data = try #require(paidBody["data"] as? [String: Any])
            #expect(data["id"] as? String == paid)
            #expect(data["paymentStatus"] as? String == "paid")
            #expect(data["reference"] as? String == "pay_ref_paid")
            #expect(data["card"] as? [String: String] == ["brand": "visa", "last4": "4242"])
            let declinedEvents = try await gateway.events(of: declined)
            #expect(declinedEvents.map(\.type) == ["checkout.session.failed"])
            #expect(declinedEvents.first?.body.contains(#""failureCode":"insufficient_funds""#) == true)
            #expect(try await gateway.count("gateway_events") == 2)
        }
    }

    @Test("the gateway's store holds no full card number and no CVC, only brand and last four")
    func noCardDataStored() async throws {
        try await GatewayTest.with { gateway in
            // given one session per kind of outcome, each paid with its card and the test CVC
            let cards = ["4242424242424242", "4000000000000002", "4000000000009995", "4000000000003220", "5555555555554444"]
            var sessions: [String] = []
            for (index, number) in cards.enumerated() {
                let id = try await gateway.openSession(reference: "pay_ref_\(index)", key: "key-\(index)")
                sessions.append(id)
                let answer = try await gateway.pay(id, CardForm(number: number))
                if answer.location == "/pay/\(id)" { _ = try await gateway.post("/pay/\(id)/3ds", [("decision", "approve")]) }
            }
            let refused = try await gateway.openSession(reference: "pay_ref_refused", key: "key-refused")
            _ = try await gateway.pay(refused, CardForm(number: "4242424242424241"))

            // when
            let values = try await gateway.everyStoredValue()

            // then every outcome was recorded, with brand and last four
            #expect(try await gateway.count("gateway_events") == cards.count)
            for (id, number) in zip(sessions, cards) {
                #expect((try await gateway.session(id).json["card"] as? [String: String])?["last4"] == String(number.suffix(4)))
            }
            #expect(values.contains { $0.hasPrefix("checkout_sessions.card_last4: 4242") })
            // and no card number or CVC anywhere (random ids and digests, made of hex, left out for the shorter searches)
            let withoutHex = values.map { $0.replacing(/(cs|evt)_[0-9a-f]{32}|[0-9a-f]{64}/, with: "") }
            for number in cards + ["4242424242424241"] {
                #expect(values.allSatisfy { !$0.contains(number) }, "card number \(number) stored")
                #expect(withoutHex.allSatisfy { !$0.contains(String(number.prefix(6))) }, "first digits of \(number) stored")
            }
            #expect(withoutHex.allSatisfy { $0.firstMatch(of: /(^|[^0-9])864([^0-9]|$)/) == nil }, "CVC stored")
            #expect(values.allSatisfy { !$0.contains("cvc") && !$0.contains("card_number") })
        }
    }
}
