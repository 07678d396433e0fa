import SelfCareCore

/// One SMS or e-mail to hand to an SMSC, a relay or the dev sink.
package struct OutgoingMessage: Sendable, Hashable {
    /// Unique per message: the e-mail's `Message-ID`, the SMS's reference, the dev sink's provider id.
    package var messageID: String
    package var channel: MessageChannel
    package var recipient: String
    package var subject: String?
    package var body: String
    package var htmlBody: String?
    package var language: Language
    /// What an e-mail carries, found when it is sent (`payment:<id>`).
    package var attachment: String?

    package init(
        messageID: String, channel: MessageChannel, recipient: String, subject: String?, body: String, htmlBody: String? = nil,
        language: Language, attachment: String? = nil
    ) {
        self.messageID = messageID
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.htmlBody = htmlBody
        self.language = language
        self.attachment = attachment
    }
}
