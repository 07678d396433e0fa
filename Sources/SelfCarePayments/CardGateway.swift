import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A checkout session at the card gateway, as the portal sees it.
public struct GatewayCheckout: Sendable, Equatable, Codable {
    public struct Card: Sendable, Equatable, Codable {
        public var brand: String
        public var last4: String

        public init(brand: String, last4: String) {
            self.brand = brand
            self.last4 = last4
        }
    }

    public var id: String
    public var status: String
    public var paymentStatus: String
    public var amount: Int64
    public var currency: String
    public var reference: String
    public var card: Card?
    public var failureCode: String?

    public init(
        id: String, status: String, paymentStatus: String, amount: Int64, currency: String, reference: String, card: Card?,
        failureCode: String?
    ) {
        self.id = id
        self.status = status
        self.paymentStatus = paymentStatus
        self.amount = amount
        self.currency = currency
        self.reference = reference
        self.card = card
        self.failureCode = failureCode
    }

    public var isPaid: Bool { paymentStatus == "paid" }
    /// True when the outcome is final and not a success (declined, failed, expired).
    public var hasFailed: Bool { paymentStatus == "failed" || status == "expired" }
}

/// The card gateway's server-to-server API: create a hosted checkout, ask how it went. The portal never sees a card.
public protocol CardGateway: Sendable {
    /// Creates (or, for the same idempotency key, finds again) a checkout; returns its id and hosted page URL. The
    /// description says on the card page what is paid.
    func createCheckout(
        amountCents: Int64, reference: String, description: String?, successURL: String, cancelURL: String, idempotencyKey: String
    ) async throws -> (id: String, url: String)
    func checkout(id: String) async throws -> GatewayCheckout
}

/// Why the gateway could not be used.
public enum CardGatewayError: Error, Sendable, CustomStringConvertible {
    case unreachable(String)
    case refused(Int, String)

    public var description: String {
        switch self {
        case .unreachable(let reason): "card gateway unreachable: \(reason)"
        case .refused(let status, let body): "card gateway answered \(status): \(body.prefix(200))"
        }
    }
}

/// The gateway over HTTP (CONTRACT §8), with the secret key as Bearer token.
public struct HTTPCardGateway: CardGateway {
    let baseURL: String
    let secretKey: String
    let session: URLSession

    public init(baseURL: String, secretKey: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.secretKey = secretKey
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        session = URLSession(configuration: configuration)
    }

    public func createCheckout(
        amountCents: Int64, reference: String, description: String?, successURL: String, cancelURL: String, idempotencyKey: String
    ) async throws -> (id: String, url: String) {
        var request = try makeRequest("/v1/checkout/sessions", method: "POST")
        request.setValue(idempotencyKey, forHTTPHeaderField: "Idempotency-Key")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONEncoder().encode(CheckoutRequest(
            amount: amountCents, reference: reference, description: description, successUrl: successURL, cancelUrl: cancelURL))
        let created: CheckoutCreated = try await send(request)
        return (created.id, created.url)
    }

    public func checkout(id: String) async throws -> GatewayCheckout {
        try await send(try makeRequest("/v1/checkout/sessions/\(id)", method: "GET"))
    }

    private func makeRequest(_ path: String, method: String) throws -> URLRequest {
        guard let url = URL(string: baseURL + path) else { throw CardGatewayError.unreachable("bad gateway URL \(baseURL)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("Bearer \(secretKey)", forHTTPHeaderField: "Authorization")
        return request
    }

    private func send<T: Decodable>(_ request: URLRequest) async throws -> T {
        let data: Data
        let response: URLResponse
        do { (data, response) = try await session.data(for: request) } catch { throw CardGatewayError.unreachable("\(error)") }
        guard let http = response as? HTTPURLResponse else { throw CardGatewayError.unreachable("no HTTP answer") }
        guard (200..<300).contains(http.statusCode) else { throw CardGatewayError.refused(http.statusCode, String(decoding: data, as: UTF8.self)) }
        return try JSONDecoder().decode(T.self, from: data)
    }
}
