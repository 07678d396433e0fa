import Foundation
import Hummingbird
import SelfCareCore
import SelfCareServices

/// `GET /api/v1/communicationMessage`: the SMS and e-mails the operator sent the login, newest first (TMF681-shaped),
/// with their delivery state; one-time codes are listed without their text.
struct NotificationAPIController {
    let accounts: AccountService

    struct Message: Encodable {
        struct Receiver: Encodable {
            var phoneNumber: String?
            var email: String?
        }

        var id: String
        var messageType: String
        var purpose: String
        var subject: String?
        var content: String?
        var state: String
        var receiver: [Receiver]
        var createdAt: String
        var sendTime: String?
        var deliveryTime: String?
    }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("communicationMessage", use: listMessages)
    }

    // MARK: - Routes

    @Sendable func listMessages(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        let (offset, limit) = try paging(request, defaultLimit: 50, maximumLimit: 200)
        let messages = try await accounts.notifications(identity, offset: offset, limit: limit)
        return try JSONResponse.make(messages.map(Self.message))
    }

    static func message(_ message: SentMessage) -> Message {
                return Message(
            id: message.messageID, messageType: message.channel == .sms ? "SMS" : "Email", purpose: message.purpose,
            subject: message.subject, content: message.carriesCode ? nil : message.body, state: message.status,
            receiver: [message.channel == .sms ? .init(phoneNumber: message.recipient) : .init(email: message.recipient)],
            createdAt: Timestamp.format(message.createdAt), sendTime: message.sentAt.map(Timestamp.format),
            deliveryTime: message.deliveredAt.map(Timestamp.format))
    }
}
