
/// One SMS or e-mail to hand to an SMSC, a relay or the dev sink.
public struct OutgoingMessage: Sendable, Hashable {
    /// Unique per message: the e-mail's `Message-ID`, the SMS's reference, the dev sink's provider id.
    public var messageID: String
    public var channel: MessageChannel
    public var recipient: String
    public var subject: String?
    public var body: String
    public var htmlBody: String?
    public var language: Language
    /// What an e-mail carries, found when it is sent (`payment:<id>`).
    public var attachment: String?

    public init(
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
