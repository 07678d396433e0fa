import Foundation
import Hummingbird
import SelfCareServices

/// Pages only: the logged-in identity from the session cookie. A token issued to an API client is never accepted here.
struct CookieSessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let authentication: AuthenticationService
    let cookies: CookieSettings

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let cookie = request.cookies[cookies.sessionName] {
            context.identity = try await authentication.authenticate(token: cookie.value, kind: .web)
        }
        return try await next(request, context)
    }
}

/// The JSON API only: the logged-in identity from `Authorization: Bearer`, a login session's token or a personal API
/// token. Cookies are ignored, and a browser session is never accepted as a token.
struct BearerSessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let authentication: AuthenticationService
    let apiTokens: APITokenService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            context.identity = token.hasPrefix(APITokenService.prefix)
                ? try await apiTokens.authenticate(token: token) : try await authentication.authenticate(token: token, kind: .api)
        }
        return try await next(request, context)
    }
}

/// Pages a visitor must be logged in to see: anyone else is sent to the login page (a form post too: nothing it
/// carried is acted on).
struct RequireLoginMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.identity != nil else { return .seeOther("/login") }
        return try await next(request, context)
    }
}

/// Cookie names and attributes: `__Host-` prefixed and `Secure` over HTTPS, plain names on development HTTP.
package struct CookieSettings: Sendable {
    package let secure: Bool

    package var sessionName: String { secure ? "__Host-selfcare" : "selfcare_session" }
    package var csrfName: String { secure ? "__Host-csrf" : "selfcare_csrf" }

    /// The session cookie: HttpOnly, SameSite=Lax, session-lifetime.
    func session(_ token: String) -> Cookie {
        Cookie(name: sessionName, value: token, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// A cookie that makes the browser drop the session cookie.
    func expiredSession() -> Cookie {
        Cookie(name: sessionName, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    func csrf(_ token: String) -> Cookie {
        Cookie(name: csrfName, value: token, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }
}
