import Hummingbird
import SelfCareCore
import SelfCareServices
import SelfCareStore

/// The "API access" page: personal tokens created (the secret shown once), listed with their last use, and revoked.
struct APIAccessPagesController {
    let pages: PageRenderer
    let apiTokens: APITokenService

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/api-access", use: show)
        router.post("/api-access", use: create)
        router.post("/api-access/{id}/revoke", use: revoke)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        return try await page(identity, created: nil, form: nil, errors: [], request: request, context: context)
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
        do {
            try await apiTokens.revoke(id: try context.parameters.require("id"), for: identity)
        } catch let error as ServiceError where error.kind == .notFound {
            throw HTTPError(.notFound)
        }
        return .seeOther("/api-access")
    }

    private func page(
        _ identity: AuthenticatedUser, created: IssuedAPIToken?, form: APITokenForm?, errors: [ServiceError], request: Request,
        context: AppRequestContext, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let tokens = try await apiTokens.list(for: identity)
        let model = APIAccessPage(tokens: tokens, created: created, form: form, context.language, pages.localizer)
        return try pages.page("api-access", titleKey: "apiAccess.title", request: request, context: context, model: model,
                              errors: pages.fieldErrors(errors, context.language), status: status)
            .response(from: request, context: context)
    }
}
