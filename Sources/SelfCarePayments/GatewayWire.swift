/// The card gateway's wire format (CONTRACT §8), one type per message: what the portal's client sends and reads and
/// what the sandbox gateway reads and answers are the same values.

/// A hosted checkout asked for: `amount` in cents of `currency`, the payer sent back to `successUrl` or `cancelUrl`.
public struct CheckoutRequest: Codable, Sendable, Equatable {
    public var amount: Int64
    public var currency: String
    public var reference: String
    /// What the card page says is paid.
    public var description: String?
    public var successUrl: String
    public var cancelUrl: String

    public init(amount: Int64, currency: String = "MUR", reference: String, description: String?, successUrl: String, cancelUrl: String) {
        self.amount = amount
        self.currency = currency
        self.reference = reference
        self.description = description
        self.successUrl = successUrl
        self.cancelUrl = cancelUrl
    }
}

/// The checkout the gateway made: its id and its hosted card page.
public struct CheckoutCreated: Codable, Sendable, Equatable {
    public var id: String
    public var url: String
    public var status: String?

    public init(id: String, url: String, status: String?) {
        self.id = id
        self.url = url
        self.status = status
    }
}

/// An event the gateway posts to the portal's webhook, signed (`checkout.session.completed`, `.failed`, `.expired`):
/// the checkout as it then stands. The portal takes it as a signal and asks the gateway itself before settling.
public struct GatewayEvent: Codable, Sendable, Equatable {
    public var type: String
    public var timestamp: String
    public var data: GatewayCheckout

    public init(type: String, timestamp: String, data: GatewayCheckout) {
        self.type = type
        self.timestamp = timestamp
        self.data = data
    }
}
