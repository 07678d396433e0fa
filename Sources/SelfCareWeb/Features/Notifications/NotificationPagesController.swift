import Hummingbird
import SelfCareCore
import SelfCareServices

/// The notification log: every SMS and e-mail the operator sent the subscriber, with its time and delivery status —
/// their proof of what they were told.
struct NotificationPagesController {
    static let perPage = 25

    let pages: PageRenderer
    let accounts: AccountService

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/notifications", use: notifications)
    }

    @Sendable func notifications(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let language = context.language
        let page = min(max(1, request.uri.queryParameters.get("page", as: Int.self) ?? 1), 100_000)
        let found = try await accounts.notifications(identity, offset: (page - 1) * Self.perPage, limit: Self.perPage + 1)
        let rows = found.prefix(Self.perPage).map { row($0, language) }
        let model = NotificationsPage(
            notifications: Array(rows), hasNotifications: !rows.isEmpty,
            pageText: pages.localizer.text("notifications.page", language, ["page": "\(page)"]),
            previous: page > 1 ? "/notifications?page=\(page - 1)" : nil,
            next: found.count > Self.perPage ? "/notifications?page=\(page + 1)" : nil,
            paged: page > 1 || found.count > Self.perPage)
        return try pages.page("notifications", titleKey: "notifications.title", request: request, context: context, model: model)
            .response(from: request, context: context)
    }

    /// One line of the log; codes are not shown again, only that one was sent.
    private func row(_ message: SentMessage, _ language: Language) -> NotificationRow {
        let localizer = pages.localizer
                let content = message.carriesCode ? localizer.text("notifications.codeHidden", language)
            : message.channel == .email ? message.subject ?? "" : message.body
        let statusTime = message.deliveredAt ?? message.sentAt
        return NotificationRow(
            when: DisplayFormat.moment(message.createdAt, language),
            channel: localizer.text("notifications.channel.\(message.channel.rawValue)", language),
            to: message.recipient, content: content,
            status: localizer.text("notifications.status.\(message.status)", language), statusCode: message.status,
            statusTime: statusTime.map { DisplayFormat.time($0, language) } ?? "")
    }
}
