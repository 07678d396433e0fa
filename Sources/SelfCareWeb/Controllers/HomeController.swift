import Hummingbird
import SelfCareCore
import SelfCareServices

/// The public home page: what the service is, how to register, where to find the identifiers.
struct HomeController {
    let pages: PageRenderer

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/") { request, context in
            pages.page("home", titleKey: "home.title", request: request, context: context)
        }
    }
}
