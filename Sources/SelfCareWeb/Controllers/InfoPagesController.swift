import Hummingbird
import SelfCareServices

/// Public information pages: the terms and conditions.
struct InfoPagesController {
    let pages: PageRenderer
    let termsVersion: String

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/terms") { request, context in
            pages.page("terms", titleKey: "terms.title", request: request, context: context, values: ["termsVersion": termsVersion])
        }
    }
}
