import Foundation
import Hummingbird

/// Anti-forgery for every HTML form (double-submit): each browser gets a random token in a strict cookie, forms
/// carry it in `_csrf`, and a POST whose field does not match the cookie is refused. The API (Bearer tokens,
/// no cookies) and the gateway's signed webhooks are exempt. Parses the form into the context.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let maximumFormBytes = 64 * 1024

    let cookies: CookieSettings

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let path = request.uri.path
        let existing = request.cookies[cookies.csrfName]?.value
        let token = existing.flatMap { $0.count >= 32 ? $0 : nil } ?? SecretTokens.random(bytes: 24)
        context.csrfToken = token
        if request.method == .post, !path.hasPrefix("/api/"), !path.hasPrefix("/webhooks/") {
            let buffer = try await request.body.collect(upTo: Self.maximumFormBytes)
            let form = Self.parseForm(String(buffer: buffer))
            guard let existing, let sent = form["_csrf"], SecretTokens.constantTimeEqual(existing, sent) else {
                throw HTTPError(.forbidden, message: "The form expired or was not sent from this site. Go back, reload the page and try again.")
            }
            context.form = form
        }
        var response = try await next(request, context)
        if existing != token { response.setCookie(cookies.csrf(token)) }
        return response
    }

    /// Decodes `application/x-www-form-urlencoded` text.
    static func parseForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first else { continue }
            fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
