import Hummingbird

/// Finds the logged-in identity from the session cookie (pages) or the `Authorization: Bearer` token (API).
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let authentication: AuthenticationService
    let cookies: CookieSettings

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let isAPI = request.uri.path.hasPrefix("/api/")
        if isAPI, let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            context.identity = try await authentication.authenticate(token: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        } else if !isAPI, let cookie = request.cookies[cookies.sessionName] {
            context.identity = try await authentication.authenticate(token: cookie.value)
        }
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
