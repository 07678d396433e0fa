import Hummingbird
import SelfCareServices

/// What a personal API token may reach: each operation needs one of its scopes, and a few only a login session may
/// use (managing tokens, changing settings, logging out). The request was counted against its login's budget first
/// (`APIRateLimitMiddleware`).
struct PersonalTokenMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let localizer: Localizer

    /// What an operation asks of a token.
    enum Requirement: Equatable {
        case anyOf(Set<APIScope>)
        case loginSession
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = context.identity?.personalToken else { return try await next(request, context) }
        switch Self.requirement(method: request.method, route: context.endpointPath ?? "") {
        case .loginSession:
            return try JSONResponse.error(.forbidden, code: "session_required", message: localizer.text("apiError.sessionRequired", context.language))
        case .anyOf(let scopes) where scopes.isDisjoint(with: token.scopes):
            let names = scopes.map(\.rawValue).sorted().joined(separator: localizer.text("apiError.or", context.language))
            return try JSONResponse.error(
                .forbidden, code: "insufficient_scope", message: localizer.text("apiError.insufficientScope", context.language, ["scopes": names]))
        case .anyOf:
            return try await next(request, context)
        }
    }

    /// The requirement of the route `route` (as the router names it, e.g. `/api/v1/customerBill/{id}`) for `method`.
    static func requirement(method: HTTPRequest.Method, route: String) -> Requirement {
        let path = route.hasPrefix("/api/v1/") ? String(route.dropFirst("/api/v1/".count)) : route
        switch (method, path) {
        case (.get, "billingAccount"), (.get, "billingAccount/{id}"):
            return .anyOf([.billsRead, .usageRead])
        case (.get, "usage"), (.get, "usageSummary"), (.get, "usageConsumption"), (.get, "billingAccount/{id}/usageAlerts"):
            return .anyOf([.usageRead])
        case (.get, "customerBill"), (.get, "customerBill/{id}"), (.get, "customerBill/{id}/document"), (.get, "groupBill"),
             (.get, "groupBill/{id}"), (.get, "groupBill/{id}/document"), (.get, "communicationMessage"), (.get, "payment/{id}"),
             (.get, "payment/{id}/receipt"):
            return .anyOf([.billsRead])
        case (.get, "hub"), (.post, "hub"), (.delete, "hub/{id}"), (.get, "hub/{id}/deliveries"):
            return .anyOf([.eventsWrite])
        case (.post, "payment"):
            return .anyOf([.paymentsWrite])
        default:
            return .loginSession
        }
    }
}
