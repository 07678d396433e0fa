import Hummingbird
import SelfCareCore
import SelfCareServices

/// The "API access" page: personal tokens created (the secret shown once), listed with their last use, and revoked
/// (saying which event subscriptions ended with each); the login's event subscriptions, ended or resumed.
struct APIAccessPagesController {
    let pages: PageRenderer
    let apiTokens: APITokenService
    let hub: HubService

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/api-access", use: show)
        router.post("/api-access", use: create)
        router.post("/api-access/{id}/revoke", use: revoke)
        router.post("/api-access/subscriptions/{id}/end", use: endSubscription)
        router.post("/api-access/subscriptions/{id}/resume", use: resumeSubscription)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let notice = try await notice(request.uri.queryParameters, identity: identity, language: context.language)
        return try await page(identity, created: nil, form: nil, errors: [], notice: notice, request: request, context: context)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let form = try context.decodeForm(APITokenForm.self)
        do {
            let issued = try await apiTokens.create(name: form.name, scopes: form.scopes, for: identity)
            // The secret is on this answer only: never kept by a cache, never behind a redirect.
            var response = try await page(identity, created: issued, form: nil, errors: [], request: request, context: context, status: .created)
            response.headers[.cacheControl] = "no-store"
            return response
        } catch let error as ServiceError {
            return try await page(identity, created: nil, form: form, errors: [error], request: request, context: context,
                                  status: error.kind == .conflict ? .conflict : .unprocessableContent)
        }
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let id = try context.parameters.require("id")
        do {
            try await apiTokens.revoke(id: id, for: identity)
        } catch let error as ServiceError where error.kind == .notFound {
            throw HTTPError(.notFound)
        }
        return .seeOther("/api-access?revoked=\(id)")
    }

    @Sendable func endSubscription(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let id = try context.parameters.require("id")
        do {
            try await hub.unsubscribe(id: id, for: identity)
        } catch let error as ServiceError where error.kind == .notFound {
            throw HTTPError(.notFound)
        }
        return .seeOther("/api-access?ended=\(id)")
    }

    @Sendable func resumeSubscription(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let id = try context.parameters.require("id")
        do {
            try await hub.resume(id: id, for: identity)
        } catch let error as ServiceError where error.kind == .notFound {
            throw HTTPError(.notFound)
        }
        return .seeOther("/api-access?resumed=\(id)")
    }

    /// What the page says after a revocation, an ending or a resumption, from the redirect's query (the login's own
    /// tokens and subscriptions only).
    private func notice(_ query: Parameters, identity: AuthenticatedUser, language: Language) async throws -> APIAccessNotice? {
        let localizer = pages.localizer
        if let id = query.get("revoked"), let token = try await apiTokens.token(id: id, for: identity), token.revokedAt != nil {
            let ended = try await hub.endedWith(tokenID: id, for: identity)
            return APIAccessNotice(
                text: localizer.text("apiAccess.revoked", language, ["name": token.name]),
                detail: localizer.text(ended.isEmpty ? "apiAccess.revokedNoneEnded" : "apiAccess.revokedEnded", language),
                callbacks: ended.map(\.callback))
        }
        if let id = query.get("ended"), let subscription = try await hub.subscription(id: id, for: identity), subscription.endedReason != nil {
            return APIAccessNotice(text: localizer.text("apiAccess.subscriptionEnded", language, ["callback": subscription.callback]))
        }
        if let id = query.get("resumed"), let subscription = try await hub.subscription(id: id, for: identity), subscription.endedReason == nil {
            return APIAccessNotice(text: localizer.text("apiAccess.subscriptionResumed", language, ["callback": subscription.callback]))
        }
        return nil
    }

    private func page(
        _ identity: AuthenticatedUser, created: IssuedAPIToken?, form: APITokenForm?, errors: [ServiceError], notice: APIAccessNotice? = nil,
        request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        async let tokens = apiTokens.list(for: identity)
        async let subscriptions = hub.subscriptions(for: identity)
        let model = APIAccessPage(
            tokens: try await tokens, subscriptions: try await subscriptions, created: created, form: form, notice: notice, context.language,
            pages.localizer)
        return try pages.page("api-access", titleKey: "apiAccess.title", request: request, context: context, model: model,
                              errors: pages.fieldErrors(errors, context.language), status: status)
            .response(from: request, context: context)
    }
}
