import Logging
import SelfCareCore

/// Development only: "delivers" a message by logging it at debug level (the outbox logs one line per batch);
/// `/dev/messages` lists what was delivered.
package struct DevMessageSink: MessageSender {
    private let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    /// What the dev sink records as the provider's id of a message it delivered: how `/dev/messages` tells its own.
    package static let providerPrefix = "dev-sink:"

    package func send(_ message: OutgoingMessage) async throws -> String? {
        logger.debug("dev sink \(message.channel.rawValue) to \(message.recipient): \(message.subject.map { "[\($0)] " } ?? "")\(message.body)")
        return Self.providerPrefix + message.messageID
    }
}
