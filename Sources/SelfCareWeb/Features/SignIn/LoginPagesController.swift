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
        router.get("/login", use: showLogin)
        router.post("/login", use: logIn)
        router.post("/logout", use: logOut)
        router.get("/password-reset", use: showResetRequest)
        router.post("/password-reset", use: requestReset)
        router.get("/password-reset/{id}", use: showReset)
        router.post("/password-reset/{id}", use: completeReset)
    }

    // MARK: - Routes

    @Sendable func showLogin(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.identity != nil { return .seeOther("/account") }
        return try loginPage(request: request, context: context, identifier: "", errors: [])
    }

    @Sendable func logIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try context.decodeForm(LoginForm.self)
        let result = try await authentication.login(
            identifier: form.identifier, password: form.password, kind: .web, clientAddress: context.clientAddress)
        switch result {
        case .success(let session):
            var response = Response.seeOther("/account")
            response.setCookie(cookies.session(session.token))
            // A token known before login (the session brings its own) is worth nothing after it.
            response.setCookie(cookies.csrf(SecretTokens.random(bytes: 24)))
            return response
        case .failure(let error):
            var response = try loginPage(request: request, context: context, identifier: form.identifier, errors: [error],
                                         status: error.kind == .tooMany ? .tooManyRequests : error.kind == .locked ? .forbidden : .unauthorized)
            if let seconds = error.values["seconds"] { response.headers[.retryAfter] = seconds }
            return response
        }
    }

    @Sendable func logOut(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let identity = context.identity { try await authentication.logout(identity, clientAddress: context.clientAddress) }
        var response = Response.seeOther("/login?loggedOut=1")
        response.setCookie(cookies.expiredSession())
        response.setCookie(cookies.csrf(SecretTokens.random(bytes: 24)))
        return response
    }

    @Sendable func showResetRequest(_ request: Request, context: AppRequestContext) async throws -> HTMLPage {
        pages.page("reset-request", titleKey: "reset.title", request: request, context: context, model: ResetRequestPage(identifier: ""))
    }

    @Sendable func requestReset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try context.decodeForm(ResetRequestForm.self)
        let result = try await resets.request(identifier: form.identifier, language: context.language, clientAddress: context.clientAddress)
        switch result {
        case .success(let id):
            return .seeOther("/password-reset/\(id)")
        case .failure(let error):
            return try pages.page("reset-request", titleKey: "reset.title", request: request, context: context,
                                  model: ResetRequestPage(identifier: form.identifier), errors: pages.fieldErrors([error], context.language),
                                  status: .unprocessableContent).response(from: request, context: context)
        }
    }

    @Sendable func showReset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await resets.isOpen(id: id) else { throw HTTPError(.notFound) }
        return try resetPage(id: id, request: request, context: context, errors: [])
    }

    @Sendable func completeReset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try context.decodeForm(ResetForm.self)
        let result = try await resets.complete(
            id: id, code: form.code, password: form.password, confirmation: form.passwordConfirmation, clientAddress: context.clientAddress)
        switch result {
        case .success:
            return .seeOther("/login?reset=1")
        case .failure(let error) where error.kind == .notFound:
            throw HTTPError(.notFound)
        case .failure(let error):
            return try resetPage(id: id, request: request, context: context, errors: [error], status: .unprocessableContent)
        }
    }

    // MARK: - Pages

    private func loginPage(
        request: Request, context: AppRequestContext, identifier: String, errors: [ServiceError], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let query = request.uri.queryParameters
        let model = LoginPage(
            identifier: identifier, registered: query.get("registered") != nil, loggedOut: query.get("loggedOut") != nil,
            reset: query.get("reset") != nil)
        return try pages.page("login", titleKey: "login.title", request: request, context: context, model: model,
                              errors: pages.fieldErrors(errors, context.language), status: status)
            .response(from: request, context: context)
    }

    private func resetPage(
        id: String, request: Request, context: AppRequestContext, errors: [ServiceError], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let model = PasswordPage(id: id, context.language, pages.localizer)
        return try pages.page("reset-complete", titleKey: "reset.title", request: request, context: context, model: model,
                              errors: pages.fieldErrors(errors, context.language), status: status)
            .response(from: request, context: context)
    }
}
