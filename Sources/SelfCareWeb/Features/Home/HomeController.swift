import Hummingbird
import SelfCareCore
import SelfCareServices

/// The public home page: what the service is, how to register, where to find the identifiers.
struct HomeController {
    let pages: PageRenderer

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/", use: home)
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> HTMLPage {
        pages.page("home", titleKey: "home.title", request: request, context: context)
    }
}
