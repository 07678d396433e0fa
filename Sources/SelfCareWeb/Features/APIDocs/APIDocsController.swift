import Foundation
import Hummingbird

/// `/api/docs`: the API reference, rendered by the portal from its own OpenAPI document (no script, nothing from
/// elsewhere).
struct APIDocsController {
    let pages: PageRenderer
    let reference: APIReferencePage

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/api/docs", use: show)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> HTMLPage {
        pages.page("api-docs", titleKey: "apiDocs.title", request: request, context: context, model: reference)
    }
}
