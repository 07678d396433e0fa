import Hummingbird
import SelfCareCore

/// The per-request context: the user's language, decided by the language middleware.
package struct AppRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package var language: Language = .default

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
