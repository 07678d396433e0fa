import Hummingbird
import SelfCareCore
import Logging
import SelfCareServices

/// Turns errors into answers people and programs understand: JSON `{"error": {"code", "message"}}` under `/api/`,
/// a translated HTML page elsewhere. Unexpected errors are logged and shown without detail. It sits outside the
/// file middleware (which serves assets when the router answers 404), so it finds the language itself.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let pages: PageRenderer
    /// Reads the session cookie, so an error page shows a logged-in subscriber the header of a logged-in subscriber.
    let authentication: AuthenticationService
    let cookies: CookieSettings

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            return try await answer(status: error.status, message: error.body, request: request, context: context)
        } catch let error as HTTPResponseError {
            return try error.response(from: request, context: context)
        } catch PasswordHasherError.busy {
            var response = try await answer(status: .serviceUnavailable, message: "Too many logins at once; try again in a few seconds.",
                                      request: request, context: context)
            response.headers[.retryAfter] = "5"
            return response
        } catch {
            context.logger.error("request failed: \(String(reflecting: error))")
            return try await answer(status: .internalServerError, message: nil, request: request, context: context)
        }
    }

    private func answer(status: HTTPResponse.Status, message: String?, request: Request, context: Context) async throws -> Response {
        // Routes of the API answer in JSON themselves (APIErrorMiddleware); this is for paths no route matched.
        if Self.collapsingSlashes(request.uri.path).hasPrefix("/api/") {
            let code = Self.code(for: status)
            return try JSONResponse.error(status, code: code, message: message ?? status.reasonPhrase)
        }
        var context = context
        context.language = LanguageMiddleware.language(of: request)
        if context.identity == nil, let cookie = request.cookies[cookies.sessionName],
           let identity = try? await authentication.authenticate(token: cookie.value, kind: .web) {
            context.identity = identity
            context.csrfToken = identity.csrfToken
        }
        let language = context.language
        let key = status == .notFound ? "notFound" : (status == .forbidden ? "forbidden" : "generic")
        let model = ErrorPage(
            heading: pages.localizer.text("errorPage.\(key)Title", language),
            message: status == .forbidden && message != nil
                ? pages.localizer.text("errorPage.forbiddenText", language) : pages.localizer.text("errorPage.\(key)Text", language))
        return try pages.page("error", titleKey: "errorPage.\(key)Title", request: request, context: context, model: model, status: status)
            .response(from: request, context: context)
    }

    /// `//api//v1` → `/api/v1`: the path as the router reads it.
    static func collapsingSlashes(_ path: String) -> String {
        var result = ""
        for character in path where !(character == "/" && result.last == "/") { result.append(character) }
        return result
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 413: "payload_too_large"
        case 422: "invalid_request"
        case 429: "too_many_requests"
        default: status.code >= 500 ? "internal_error" : "error"
        }
    }
}

/// The JSON API's routes: every error becomes `{"error": {"code", "message"}}`, whatever path reached the route, its
/// message in the caller's language.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let localizer: Localizer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.written(localizer, context.language).response(from: request, context: context)
        } catch let error as HTTPError {
            return try JSONResponse.error(error.status, code: ErrorPageMiddleware.code(for: error.status), message: error.body ?? error.status.reasonPhrase)
        } catch let error as HTTPResponseError {
            return try error.response(from: request, context: context)
        } catch PasswordHasherError.busy {
            var response = try JSONResponse.error(.serviceUnavailable, code: "busy", message: localizer.text("apiError.busy", context.language))
            response.headers[.retryAfter] = "5"
            return response
        } catch {
            context.logger.error("request failed: \(String(reflecting: error))")
            return try JSONResponse.error(.internalServerError, code: "internal_error", message: localizer.text("apiError.internal", context.language))
        }
    }
}

/// An API refusal with its own code and message: a message already written, or a key of the locale files
/// (`apiError.*`) that `APIErrorMiddleware` writes in the caller's language.
struct APIError: HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var field: String?
    var retryAfter: Int?
    var key: String?
    var values: [String: String] = [:]

    init(status: HTTPResponse.Status, code: String, message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    /// A refusal whose message is `apiError.<key>` in the caller's language, filled with `values`.
    init(status: HTTPResponse.Status, code: String, key: String, values: [String: String] = [:], field: String? = nil) {
        self.init(status: status, code: code, message: key, field: field)
        self.key = "apiError.\(key)"
        self.values = values
    }

    /// The same refusal with its message written in `language`.
    func written(_ localizer: Localizer, _ language: Language) -> APIError {
        guard let key else { return self }
        var written = self
        written.message = localizer.text(key, language, values)
        written.key = nil
        return written
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONResponse.error(status, code: code, message: message, field: field)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}
