import Logging
import SelfCareCore
import SelfCareMessaging
import SelfCareStore

/// What the application takes from outside, swappable in tests: the clock, the KDF cost, the message sender.
package struct AppDependencies: Sendable {
    package var clock: any WallClock
    package var scrypt: ScryptParameters
    /// Delivers SMS and e-mail; nil chooses by configuration (the dev sink in development).
    package var messageSender: (any MessageSender)?
    /// Whether a background worker delivers the outbox (tests call the worker themselves).
    package var runsOutboxWorker: Bool

    package init(clock: any WallClock = SystemWallClock(), scrypt: ScryptParameters = .owasp,
                 messageSender: (any MessageSender)? = nil, runsOutboxWorker: Bool = true) {
        self.clock = clock
        self.scrypt = scrypt
        self.messageSender = messageSender
        self.runsOutboxWorker = runsOutboxWorker
    }
}

/// Stands in for a channel whose client is not available: messages stay queued, nothing is lost or faked.
struct UnavailableSender: MessageSender {
    let reason: String

    func send(_ message: SelfCareStore.OutboxMessage) async throws -> String? {
        throw DeliveryError.temporary(reason)
    }
}
