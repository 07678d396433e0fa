import Hummingbird
import SelfCareCore

/// The public home page: what the service is, how to register, where to find the identifiers.
struct HomeController {
    let pages: PageRenderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/") { request, context in
            pages.page(
                "home", title: pages.localizer.text("home.title", context.language), language: context.language,
                path: request.uri.description)
        }
    }
}
