import SelfCareCore

/// Hands one message to the outside world (SMSC, mail relay or the development sink).
package protocol MessageSender: Sendable {
    /// Delivers `message`; returns the provider's id for it, if any. Throws `DeliveryError` to retry or give up.
    func send(_ message: OutgoingMessage) async throws -> String?
}

/// Why a delivery did not happen.
package enum DeliveryError: Error, Sendable, CustomStringConvertible {
    /// Try again later (link down, throttled, 4xx).
    case temporary(String)
    /// Will never work (bad recipient, 5xx).
    case permanent(String)

    package var description: String {
        switch self {
        case .temporary(let reason): "temporary: \(reason)"
        case .permanent(let reason): "permanent: \(reason)"
        }
    }
}

/// Sends SMS and e-mail through the sender of each channel.
package struct ChannelRouter: MessageSender {
    package var sms: any MessageSender
    package var email: any MessageSender

    package init(sms: any MessageSender, email: any MessageSender) {
        self.sms = sms
        self.email = email
    }

    package func send(_ message: OutgoingMessage) async throws -> String? {
        switch message.channel {
        case .sms: try await sms.send(message)
        case .email: try await email.send(message)
        }
    }
}
