import Hummingbird
import SelfCareServices

/// One request budget per login for every authenticated API call, whether it comes with an API session token or any
/// of the login's personal tokens: `RateLimit-*` headers on every answer, 429 with `Retry-After` past the limit.
struct APIRateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let limiter: APIRequestLimiter
    let localizer: Localizer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let identity = context.identity else { return try await next(request, context) }
        let state = try await limiter.hit(identity)
        var headers: HTTPFields = [:]
        headers[.init("RateLimit-Limit")!] = String(state.limit)
        headers[.init("RateLimit-Remaining")!] = String(max(state.remaining, 0))
        headers[.init("RateLimit-Reset")!] = String(state.reset)
        var response: Response
        if state.isExceeded {
            response = try JSONResponse.error(
                .tooManyRequests, code: "rate_limited",
                message: localizer.text("apiError.rateLimited", context.language, ["limit": String(state.limit), "seconds": String(state.reset)]))
            response.headers[.retryAfter] = String(state.reset)
        } else {
            response = try await next(request, context)
        }
        response.headers.append(contentsOf: headers)
        return response
    }
}
