import Foundation
import SelfCareCore
import SelfCareStore

/// A message the operator sent or queued, as the notification log and the development log show it.
package struct SentMessage: Sendable, Hashable {
    package var messageID: String
    package var channel: MessageChannel
    package var recipient: String
    package var subject: String?
    package var body: String
    /// Why it was sent (`activation`, `billReady`, …).
    package var purpose: String
    package var status: String
    package var createdAt: Date
    package var sentAt: Date?
    package var deliveredAt: Date?

    /// True for messages carrying a one-time code, which logs never show again.
    package var carriesCode: Bool { ["activation", "passwordReset"].contains(purpose) }

    init(_ message: OutboxMessage) {
        messageID = message.message.messageID
        channel = message.message.channel
        recipient = message.message.recipient
        subject = message.message.subject
        body = message.message.body
        purpose = message.purpose
        status = message.status
        createdAt = message.createdAt
        sentAt = message.sentAt
        deliveredAt = message.deliveredAt
    }
}
