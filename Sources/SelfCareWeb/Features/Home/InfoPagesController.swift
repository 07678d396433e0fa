import Hummingbird
import SelfCareServices

/// Public information pages: the terms and conditions.
struct InfoPagesController {
    let pages: PageRenderer
    let termsVersion: String

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/terms", use: terms)
    }

    @Sendable func terms(_ request: Request, context: AppRequestContext) async throws -> HTMLPage {
        pages.page("terms", titleKey: "terms.title", request: request, context: context, model: TermsPage(termsVersion: termsVersion))
    }
}
