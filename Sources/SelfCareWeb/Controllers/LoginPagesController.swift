import Hummingbird
import SelfCareCore
import SelfCareServices

/// Login, logout and password reset in the browser.
struct LoginPagesController {
    let pages: PageRenderer
    let authentication: AuthenticationService
    let resets: PasswordResetService
    let cookies: CookieSettings

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/login") { request, context -> Response in
            if context.identity != nil { return .seeOther("/account") }
            return try loginPage(request: request, context: context, identifier: "", errors: [])
        }
        router.post("/login") { request, context -> Response in
            let identifier = context.form["identifier"] ?? ""
            let result = try await authentication.login(
                identifier: identifier, password: context.form["password"] ?? "", kind: .web, clientAddress: context.clientAddress)
            switch result {
            case .success(let session):
                var response = Response.seeOther("/account")
                response.setCookie(cookies.session(session.token))
                // A token known before login (the session brings its own) is worth nothing after it.
                response.setCookie(cookies.csrf(SecretTokens.random(bytes: 24)))
                return response
            case .failure(let error):
                var response = try loginPage(request: request, context: context, identifier: identifier, errors: [error],
                                             status: error.kind == .tooMany ? .tooManyRequests : error.kind == .locked ? .forbidden : .unauthorized)
                if let seconds = error.values["seconds"] { response.headers[.retryAfter] = seconds }
                return response
            }
        }
        router.post("/logout") { _, context -> Response in
            if let identity = context.identity { try await authentication.logout(identity, clientAddress: context.clientAddress) }
            var response = Response.seeOther("/login?loggedOut=1")
            response.setCookie(cookies.expiredSession())
            response.setCookie(cookies.csrf(SecretTokens.random(bytes: 24)))
            return response
        }
        router.get("/password-reset") { request, context in
            pages.page("reset-request", titleKey: "reset.title", request: request, context: context)
        }
        router.post("/password-reset") { request, context -> Response in
            let result = try await resets.request(
                identifier: context.form["identifier"] ?? "", language: context.language, clientAddress: context.clientAddress)
            switch result {
            case .success(let id):
                return .seeOther("/password-reset/\(id)")
            case .failure(let error):
                var values = pages.fieldErrors([error], context.language)
                values["identifier"] = context.form["identifier"] ?? ""
                return try pages.page("reset-request", titleKey: "reset.title", request: request, context: context, values: values,
                                      status: .unprocessableContent).response(from: request, context: context)
            }
        }
        router.get("/password-reset/{id}") { request, context -> Response in
            let id = try context.parameters.require("id")
            guard try await resets.isOpen(id: id) else { throw HTTPError(.notFound) }
            return try resetPage(id: id, request: request, context: context, errors: [])
        }
        router.post("/password-reset/{id}") { request, context -> Response in
            let id = try context.parameters.require("id")
            let form = context.form
            let result = try await resets.complete(
                id: id, code: form["code"] ?? "", password: form["password"] ?? "", confirmation: form["passwordConfirmation"] ?? "",
                clientAddress: context.clientAddress)
            switch result {
            case .success:
                return .seeOther("/login?reset=1")
            case .failure(let error) where error.kind == .notFound:
                throw HTTPError(.notFound)
            case .failure(let error):
                return try resetPage(id: id, request: request, context: context, errors: [error], status: .unprocessableContent)
            }
        }
    }

    private func loginPage(
        request: Request, context: AppRequestContext, identifier: String, errors: [ServiceError], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        var values = pages.fieldErrors(errors, context.language)
        values["identifier"] = identifier
        let query = request.uri.queryParameters
        values["registered"] = query.get("registered") != nil
        values["loggedOut"] = query.get("loggedOut") != nil
        values["reset"] = query.get("reset") != nil
        return try pages.page("login", titleKey: "login.title", request: request, context: context, values: values, status: status)
            .response(from: request, context: context)
    }

    private func resetPage(
        id: String, request: Request, context: AppRequestContext, errors: [ServiceError], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        var values = pages.fieldErrors(errors, context.language)
        values["id"] = id
        values["rulesText"] = pages.localizer.text("password.rules", context.language,
                                                   ["min": "\(PasswordPolicy.minimumLength)", "max": "\(PasswordPolicy.maximumLength)"])
        return try pages.page("reset-complete", titleKey: "reset.title", request: request, context: context, values: values, status: status)
            .response(from: request, context: context)
    }
}
