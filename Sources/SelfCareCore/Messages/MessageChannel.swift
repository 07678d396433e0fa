/// The delivery channel of a message.
public enum MessageChannel: String, Sendable, Codable {
    case sms
    case email
}
