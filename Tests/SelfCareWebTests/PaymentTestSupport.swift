import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SelfCareCore
import SelfCarePayments
import SelfCareStore
import SQLKit
import Synchronization
@testable import SelfCareServices
@testable import SelfCareWeb

/// A card gateway the tests script: each checkout stays open until told how it went; it can time out a number of
/// times, or be unreachable altogether. Like the real one, the same idempotency key finds the same checkout.
final class FakeCardGateway: CardGateway {
    enum Outcome: Sendable, Equatable {
        case open
        case paid(brand: String, last4: String)
        case failed(String)
        case expired
    }

    struct Checkout: Sendable {
        var id: String
        var idempotencyKey: String
        var amountCents: Int64
        var reference: String
        var successURL: String
        var cancelURL: String
        var outcome: Outcome = .open
        /// How many of the next `checkout(id:)` calls time out.
        var timeoutsLeft = 0
    }

    private struct State {
        var checkouts: [String: Checkout] = [:]
        var order: [String] = []
        var unreachable = false
        var createCalls = 0
        var checkoutCalls = 0
    }

    static let pageBase = "https://gateway.test/pay/"
    private let state = Mutex(State())

    // MARK: CardGateway

    func createCheckout(
        amountCents: Int64, reference: String, description: String?, successURL: String, cancelURL: String, idempotencyKey: String
    ) async throws -> (id: String, url: String) {
        try state.withLock { state in
            state.createCalls += 1
            if state.unreachable { throw CardGatewayError.unreachable("scripted: the gateway is down") }
            if let existing = state.checkouts.values.first(where: { $0.idempotencyKey == idempotencyKey }) {
                return (existing.id, Self.pageBase + existing.id)
            }
            let id = "cs_fake_\(state.order.count + 1)"
            state.checkouts[id] = Checkout(id: id, idempotencyKey: idempotencyKey, amountCents: amountCents, reference: reference,
                                           successURL: successURL, cancelURL: cancelURL)
            state.order.append(id)
            return (id, Self.pageBase + id)
        }
    }

    func checkout(id: String) async throws -> GatewayCheckout {
        let checkout = try state.withLock { state -> Checkout in
            state.checkoutCalls += 1
            if state.unreachable { throw CardGatewayError.unreachable("scripted: the gateway is down") }
            guard var checkout = state.checkouts[id] else { throw CardGatewayError.refused(404, #"{"error":{"code":"not_found"}}"#) }
            if checkout.timeoutsLeft > 0 {
                checkout.timeoutsLeft -= 1
                state.checkouts[id] = checkout
                throw CardGatewayError.unreachable("scripted: the request timed out")
            }
            return checkout
        }
        return Self.answer(checkout)
    }

    /// The gateway's answer, decoded as from the wire.
    static func answer(_ checkout: Checkout) -> GatewayCheckout {
        var object: [String: Any] = ["id": checkout.id, "amount": checkout.amountCents, "currency": "MUR", "reference": checkout.reference]
        switch checkout.outcome {
        case .open:
            object["status"] = "open"
            object["paymentStatus"] = "unpaid"
        case .paid(let brand, let last4):
            object["status"] = "complete"
            object["paymentStatus"] = "paid"
            object["card"] = ["brand": brand, "last4": last4]
        case .failed(let code):
            object["status"] = "complete"
            object["paymentStatus"] = "failed"
            object["failureCode"] = code
            object["card"] = ["brand": "visa", "last4": "0002"]
        case .expired:
            object["status"] = "expired"
            object["paymentStatus"] = "unpaid"
        }
        return try! JSONDecoder().decode(GatewayCheckout.self, from: JSONSerialization.data(withJSONObject: object))
    }

    // MARK: Scripting

    /// Says how a checkout went.
    func complete(_ id: String, _ outcome: Outcome) {
        state.withLock { $0.checkouts[id]?.outcome = outcome }
    }

    /// The next `times` questions about this checkout time out.
    func timeOut(_ id: String, times: Int) {
        state.withLock { $0.checkouts[id]?.timeoutsLeft = times }
    }

    func setUnreachable(_ unreachable: Bool) {
        state.withLock { $0.unreachable = unreachable }
    }

    // MARK: Looking

    var checkouts: [Checkout] { state.withLock { state in state.order.map { state.checkouts[$0]! } } }
    var createCalls: Int { state.withLock { $0.createCalls } }

    /// The checkout made for a payment (its reference is the payment id).
    func checkout(forPayment paymentID: String) throws -> Checkout {
        guard let checkout = checkouts.first(where: { $0.reference == paymentID }) else { throw PortalTestError("no checkout for \(paymentID)") }
        return checkout
    }

    /// The checkout whose hosted page is at `url`.
    func checkout(atURL url: String) throws -> Checkout {
        guard url.hasPrefix(Self.pageBase), let checkout = checkouts.first(where: { $0.id == String(url.dropFirst(Self.pageBase.count)) }) else {
            throw PortalTestError("\(url) is no checkout page")
        }
        return checkout
    }
}

/// A payment as the tests read it back from the store.
struct PaymentRow: Sendable {
    var id: String
    var userID: Int64
    var status: String
    var amountCents: Int64
    var cardBrand: String?
    var cardLast4: String?
    var failureCode: String?
    var gatewaySessionID: String?
}

enum Payments {
    static let webhookSecret = "whsec_" + Data((0..<32).map { UInt8(($0 * 11 + 5) % 256) }).base64EncodedString()
    static let settings = GatewaySettings(url: "https://gateway.test", secretKey: "sk_test_portal_tests", webhookSecret: webhookSecret)

    /// The billing world with a scripted card gateway.
    static func withPortal(
        engine: DatabaseEngine = .sqlite, configure: @Sendable (inout AppConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (PortalTest, FakeCardGateway) async throws -> Void
    ) async throws {
        let gateway = FakeCardGateway()
        try await Billing.withPortal(engine: engine, gateway: settings, cardGateway: gateway, configure: configure) { portal in
            try await body(portal, gateway)
        }
    }

    /// A gateway event body as the sandbox sends it.
    static func eventBody(_ type: String = "checkout.session.completed", session: String, paymentStatus: String = "paid") -> Data {
        let object: [String: Any] = [
            "type": type, "timestamp": "2026-11-20T06:00:00Z",
            "data": ["id": session, "status": "complete", "paymentStatus": paymentStatus, "amount": 100, "currency": "MUR", "reference": "x"],
        ]
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}

extension PortalTest {
    /// Every payment, oldest first.
    func payments() async throws -> [PaymentRow] {
        try await database.read { db in
            try await db.raw("SELECT * FROM payments ORDER BY created_at, id").all().map { row in
                PaymentRow(
                    id: try row.decode(column: "id", as: String.self), userID: try row.decode(column: "user_id", as: Int64.self),
                    status: try row.decode(column: "status", as: String.self), amountCents: try row.decode(column: "amount_cents", as: Int64.self),
                    cardBrand: try row.decode(column: "card_brand", as: String?.self), cardLast4: try row.decode(column: "card_last4", as: String?.self),
                    failureCode: try row.decode(column: "failure_code", as: String?.self),
                    gatewaySessionID: try row.decode(column: "gateway_session_id", as: String?.self))
            }
        }
    }

    func payment(_ id: String) async throws -> PaymentRow {
        guard let payment = try await payments().first(where: { $0.id == id }) else { throw PortalTestError("no payment \(id)") }
        return payment
    }

    /// The receipt messages (SMS and e-mail) queued so far.
    func receiptMessages() async throws -> [QueuedMessage] {
        try await messages().filter { $0.purpose == "receipt" }
    }

    /// A bill by its number, as stored now: total, paid and state.
    func bill(number: String) async throws -> (total: Money, paid: Money, remaining: Money, state: BillState) {
        guard let row = try await database.read({ db in
            try await db.raw("SELECT total_cents, paid_cents, state FROM bills WHERE bill_no = \(bind: number)").first()
        }) else { throw PortalTestError("no bill \(number)") }
        let total = Money(cents: try row.decode(column: "total_cents", as: Int64.self))
        let paid = Money(cents: try row.decode(column: "paid_cents", as: Int64.self))
        return (total, paid, total - paid, BillState(rawValue: try row.decode(column: "state", as: String.self))!)
    }

    /// The group bill of the company for October, as stored now.
    func companyGroupBill() async throws -> StoredGroupBill {
        guard let group = try await groupBills(ofClientOf: Subscribers.companyAccounts[0]).first(where: { $0.period == Billing.october.description }) else {
            throw PortalTestError("no October group bill")
        }
        return group
    }

    /// Posts a gateway webhook signed with `secret` at `timestamp`.
    func webhook(id: String, body: Data, timestamp: Date, secret: String = Payments.webhookSecret, signature: String? = nil) async throws -> TestResponse {
        let seconds = Int64(timestamp.timeIntervalSince1970)
        let headers: HTTPFields = [
            .contentType: "application/json", HTTPField.Name("webhook-id")!: id, HTTPField.Name("webhook-timestamp")!: String(seconds),
            HTTPField.Name("webhook-signature")!: signature ?? WebhookSignature.sign(id: id, timestamp: seconds, body: body, secret: secret),
        ]
        return try await client.execute(uri: "/webhooks/gateway", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    /// `POST /api/v1/payment` with an Idempotency-Key.
    func startPayment(_ bills: [[String: any Sendable]], key: String, token: String, returnURL: String? = nil) async throws -> TestResponse {
        var body: [String: any Sendable] = ["bills": bills]
        if let returnURL { body["returnUrl"] = returnURL }
        return try await api(.post, "/api/v1/payment", body, token: token, headers: [HTTPField.Name("Idempotency-Key")!: key])
    }
}

extension Browser {
    /// Opens the page of a bill (`/bills/{number}`) or group bill (`/group-bills/{number}`) and posts its pay form with
    /// `amount` (nil: the amount the form proposes); returns the answer and the form's idempotency key.
    func pay(page path: String, number: String, amount: String? = nil) async throws -> (answer: TestResponse, key: String) {
        let page = try await get(path)
        guard page.status == .ok, let key = Page.first(page.text, /name="idempotencyKey" value="([^"]+)"/),
              let proposed = Page.first(page.text, /name="amount_[^"]+" type="text" inputmode="decimal" value="([^"]*)"/) else {
            throw PortalTestError("no pay form on \(path): \(page.status)")
        }
        let answer = try await post("/payments", ["idempotencyKey": key, "pay_\(number)": "on", "amount_\(number)": amount ?? proposed])
        return (answer, key)
    }

    func payBill(_ billNo: String, amount: String? = nil) async throws -> (answer: TestResponse, key: String) {
        try await pay(page: "/bills/\(billNo)", number: billNo, amount: amount)
    }

    /// Comes back from the card page the way the gateway sends the browser: the checkout's return URL with `?session_id=`.
    @discardableResult
    func comeBack(from checkout: FakeCardGateway.Checkout, sessionID: String? = nil) async throws -> TestResponse {
        guard let url = URLComponents(string: checkout.successURL) else { throw PortalTestError("bad return URL \(checkout.successURL)") }
        return try await get(url.path + "?" + (url.query.map { $0 + "&" } ?? "") + "session_id=\(sessionID ?? checkout.id)")
    }
}
