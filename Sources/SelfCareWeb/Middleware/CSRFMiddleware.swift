import Foundation
import Hummingbird
import SelfCareServices

/// Anti-forgery for every HTML form. A logged-in browser's forms carry its session's own token (new at each login);
/// before login, a random token in a strict cookie (double submit). A POST whose `_csrf` field does not match is
/// refused. Runs on page routes only, after the session is known; parses the form into the context.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let maximumFormBytes = 64 * 1024

    let cookies: CookieSettings

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let cookieToken = request.cookies[cookies.csrfName].flatMap { $0.value.count >= 32 ? $0.value : nil }
        let expected = context.identity?.csrfToken ?? cookieToken
        // A browser without a token gets one for the forms it may fill before logging in; a logged-in one has its session's.
        let newToken = cookieToken == nil && context.identity == nil ? SecretTokens.random(bytes: 24) : nil
        context.csrfToken = context.identity?.csrfToken ?? cookieToken ?? newToken ?? ""
        if request.method == .post {
            let buffer = try await request.body.collect(upTo: Self.maximumFormBytes)
            let form = Self.parseForm(String(buffer: buffer))
            guard let expected, let sent = form["_csrf"], SecretTokens.constantTimeEqual(expected, sent) else {
                throw HTTPError(.forbidden, message: "The form expired or was not sent from this site. Go back, reload the page and try again.")
            }
            context.form = form
        }
        var response = try await next(request, context)
        if let newToken, !response.headers[values: .setCookie].contains(where: { $0.hasPrefix(cookies.csrfName + "=") }) {
            response.setCookie(cookies.csrf(newToken))
        }
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
