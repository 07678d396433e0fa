/// The log of the SMS and e-mails sent to the login, a page at a time.
struct NotificationsPage: Sendable {
    let notifications: [NotificationRow]
    let hasNotifications: Bool
    let pageText: String
    /// The link to the page before, if any.
    let previous: String?
    /// The link to the page after, if any.
    let next: String?
    /// There is more than one page.
    let paged: Bool
}

/// One message of the log, with its delivery status.
struct NotificationRow: Sendable {
    let when: String
    let channel: String
    let to: String
    let content: String
    let status: String
    let statusCode: String
    /// When it was delivered, else sent (empty when neither).
    let statusTime: String
}
