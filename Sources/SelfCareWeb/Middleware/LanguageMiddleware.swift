import Hummingbird
import SelfCareCore
import SelfCareServices

/// Chooses the page language: `?lang=` (remembered in a cookie), else the cookie, else `Accept-Language`, else French.
struct LanguageMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "lang"

    let secureCookies: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let chosen = request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:))
        context.language = Self.language(of: request)
        var response = try await next(request, context)
        if let chosen {
            response.setCookie(Cookie(
                name: Self.cookieName, value: chosen.rawValue, maxAge: 365 * 24 * 3600, path: "/",
                secure: secureCookies, httpOnly: true, sameSite: .lax))
        }
        response.headers[.contentLanguage] = context.language.rawValue
        response.headers[.vary] = "Accept-Language, Cookie"
        return response
    }

    /// The language a request asks for.
    static func language(of request: Request) -> Language {
        request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:))
            ?? request.cookies[cookieName].flatMap { Language(rawValue: $0.value) }
            ?? Language.preferred(acceptLanguage: request.headers[.acceptLanguage])
            ?? .default
    }
}
