import Hummingbird
import SelfCareCore
import SelfCareServices

/// The per-request context: the user's language, the logged-in identity and the submitted form, filled in by
/// the middleware.
package struct AppRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package var language: Language = .default
    /// The logged-in identity (session cookie or Bearer token).
    package var identity: AuthenticatedUser?
    /// The anti-forgery token of this browser, to embed in forms.
    package var csrfToken: String = ""
    /// The fields of a submitted HTML form, once its anti-forgery token has been checked.
    package var form: [String: String] = [:]
    /// The client's address, for the audit trail.
    package var clientAddress: String?

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}

extension AppRequestContext {
    /// The login of a page behind `RequireLoginMiddleware`, which sends anyone else to the login page first.
    func signedInIdentity() throws -> AuthenticatedUser {
        guard let identity else { throw HTTPError(.unauthorized) }
        return identity
    }

    /// The logged-in identity an API call needs, or 401 with a JSON error.
    func apiIdentity() throws -> AuthenticatedUser {
        guard let identity else {
            throw APIError(status: .unauthorized, code: "unauthorized", key: "unauthorized")
        }
        return identity
    }
}
