import Logging
import SelfCareStore

/// Development only: "delivers" a message by logging it; `/dev/messages` lists what was delivered.
package struct DevMessageSink: MessageSender {
    private let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    package func send(_ message: OutboxMessage) async throws -> String? {
        logger.info("dev sink \(message.channel.rawValue) to \(message.recipient): \(message.subject.map { "[\($0)] " } ?? "")\(message.body)")
        return "dev-\(message.messageID)"
    }
}
