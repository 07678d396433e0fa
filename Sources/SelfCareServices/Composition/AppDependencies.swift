import Logging
import SelfCareCore
import SelfCareMessaging
import SelfCarePayments
import ServiceLifecycle

/// What the portal takes from outside, swappable in tests: the clock, the KDF cost, the message sender, the card
/// gateway, the callback client and resolver.
package struct AppDependencies: Sendable {
    package var clock: any WallClock
    package var scrypt: ScryptParameters
    /// Delivers SMS and e-mail; nil chooses by configuration (the dev sink in development).
    package var messageSender: (any MessageSender)?
    /// Whether background workers deliver the outbox and reconcile payments (tests call them themselves).
    package var runsOutboxWorker: Bool
    /// The card gateway; nil chooses by configuration.
    package var cardGateway: (any CardGateway)?
    /// Services to run beside the portal (the sandbox gateway in development).
    package var companionServices: [any Service] = []
    /// Sends the calls of event subscriptions; nil sends them over HTTP(S) to the address checked.
    package var callbackPoster: (any CallbackPosting)?
    /// Resolves callback names; nil uses the system's resolver.
    package var hostResolver: (any HostResolving)?
    /// Limits on password guessing.
    package var loginThrottling = LoginThrottlePolicy()
    /// One-time codes: their length, life, tries and the caps on sending them.
    package var codePolicy = OneTimeCodePolicy()

    package init(clock: any WallClock = SystemWallClock(), scrypt: ScryptParameters = .owasp,
                 messageSender: (any MessageSender)? = nil, runsOutboxWorker: Bool = true, cardGateway: (any CardGateway)? = nil) {
        self.clock = clock
        self.scrypt = scrypt
        self.messageSender = messageSender
        self.runsOutboxWorker = runsOutboxWorker
        self.cardGateway = cardGateway
    }
}

/// Stands in when no card gateway is configured: payments cannot start, and say so.
struct UnavailableGateway: CardGateway {
    func createCheckout(
        amountCents: Int64, reference: String, description: String?, successURL: String, cancelURL: String, idempotencyKey: String
    ) async throws -> (id: String, url: String) {
        throw CardGatewayError.unreachable("no card gateway is configured")
    }

    func checkout(id: String) async throws -> GatewayCheckout {
        throw CardGatewayError.unreachable("no card gateway is configured")
    }
}
