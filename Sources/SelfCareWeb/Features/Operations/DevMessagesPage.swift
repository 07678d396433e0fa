import SelfCareCore
import SelfCareServices

/// The development message log as a page: each SMS and e-mail the dev sink received, newest first.
struct DevMessagesPage: Sendable {
    let messages: [DevMessageRow]
    let hasMessages: Bool
}

/// One message: how and to whom it went, when, and what it said.
struct DevMessageRow: Sendable {
    let channel: String
    let to: String
    let when: String
    let subject: String?
    let body: String
}

extension DevMessagesPage {
    init(messages: [SentMessage], _ language: Language, _ localizer: Localizer) {
        self.init(
            messages: messages.map { message in
                DevMessageRow(
                    channel: localizer.text("notifications.channel.\(message.channel.rawValue)", language), to: message.recipient,
                    when: DisplayFormat.moment(message.createdAt, language), subject: message.subject, body: message.body)
            },
            hasMessages: !messages.isEmpty)
    }
}
