import Foundation
import Hummingbird
import SelfCareCore
import SelfCareServices

/// Personal API tokens in the API (CONTRACT §9 `apiToken`): created (the token shown once), listed with their last use,
/// and revoked — from a login session only.
struct APITokenAPIController {
    let apiTokens: APITokenService
    let localizer: Localizer

    struct CreateBody: Decodable {
        var name: String
        var scopes: [String]?
    }

    /// A token as listed: never the secret.
    struct Listed: Encodable {
        var id: String
        var href: String
        var name: String
        var scopes: [String]
        var createdAt: String
        var lastUsedAt: String?

        init(_ token: APITokenView) {
            id = token.id
            href = "/api/v1/apiToken/\(token.id)"
            name = token.name
            scopes = token.scopes
            createdAt = Timestamp.format(token.createdAt)
            lastUsedAt = token.lastUsedAt.map(Timestamp.format)
        }
    }

    /// A token just created: the secret, this once.
    struct Created: Encodable {
        var id: String
        var href: String
        var name: String
        var scopes: [String]
        var createdAt: String
        var lastUsedAt: String?
        var token: String
    }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.post("apiToken", use: create)
        router.get("apiToken", use: list)
        router.delete("apiToken/{id}", use: revoke)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        let body = try await APIRequestBody.decode(CreateBody.self, request)
        do {
            let issued = try await apiTokens.create(name: body.name, scopes: body.scopes, for: identity)
            let listed = Listed(issued.stored)
            let created = Created(id: listed.id, href: listed.href, name: listed.name, scopes: listed.scopes, createdAt: listed.createdAt,
                                  lastUsedAt: nil, token: issued.token)
            var response = try JSONResponse.make(created, status: .created)
            response.headers[.location] = listed.href
            return response
        } catch let error as ServiceError {
            throw APIError(error, localizer: localizer, language: context.language)
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        do {
            return try JSONResponse.make(try await apiTokens.list(for: identity).map(Listed.init))
        } catch let error as ServiceError {
            throw APIError(error, localizer: localizer, language: context.language)
        }
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        do {
            try await apiTokens.revoke(id: try context.parameters.require("id"), for: identity)
            return Response(status: .noContent)
        } catch let error as ServiceError {
            throw APIError(error, localizer: localizer, language: context.language)
        }
    }
}
