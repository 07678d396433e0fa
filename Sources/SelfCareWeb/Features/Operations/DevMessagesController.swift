import Foundation
import Hummingbird
import SelfCareCore
import SelfCareServices

/// Development only: `GET /dev/messages`, the SMS and e-mails the dev sink itself delivered, newest first (never what
/// went through a real SMSC or relay): a page for a browser, JSON for `Accept: application/json` and other clients.
struct DevMessagesController {
    let log: DevMessageLog
    let pages: PageRenderer

    struct Message: Encodable {
        var channel: String
        var to: String
        var subject: String?
        var body: String
        var createdAt: String
    }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/dev/messages", use: messages)
    }

    // MARK: - Routes

    @Sendable func messages(_ request: Request, context: AppRequestContext) async throws -> Response {
        let limit = min(max(1, request.uri.queryParameters.get("limit", as: Int.self) ?? 200), 1000)
        let messages = try await log.messages(limit: limit)
        if Self.wantsPage(request.headers[.accept]) {
            let model = DevMessagesPage(messages: messages, context.language, pages.localizer)
            return try pages.page("dev-messages", titleKey: "devMessages.title", request: request, context: context, model: model)
                .response(from: request, context: context)
        }
        let formatter = ISO8601DateFormatter()
        let body = messages.map {
            Message(channel: $0.channel.rawValue, to: $0.recipient, subject: $0.subject, body: $0.body,
                    createdAt: formatter.string(from: $0.createdAt))
        }
        return try JSONResponse.make(body)
    }

    /// True when `accept` asks for HTML ahead of JSON, as a browser does; scripts (no header, `*/*`, JSON) get JSON.
    static func wantsPage(_ accept: String?) -> Bool {
        guard let accept = accept?.lowercased(), let html = accept.range(of: "text/html") else { return false }
        guard let json = accept.range(of: "application/json") else { return true }
        return html.lowerBound < json.lowerBound
    }
}
