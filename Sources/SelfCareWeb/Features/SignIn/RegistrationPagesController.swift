import Hummingbird
import SelfCareCore
import SelfCareServices

/// The registration journey in the browser: form → activation code → password → done.
struct RegistrationPagesController {
    let pages: PageRenderer
    let registrations: RegistrationService

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/register", use: showRegistration)
        router.post("/register", use: register)
        router.get("/register/{id}/activate", use: showActivation)
        router.post("/register/{id}/activate", use: activate)
        router.post("/register/{id}/resend", use: resendCode)
        router.get("/register/{id}/password", use: showPassword)
        router.post("/register/{id}/password", use: setPassword)
    }

    // MARK: - Routes

    @Sendable func showRegistration(_ request: Request, context: AppRequestContext) async throws -> HTMLPage {
        pages.page("register", titleKey: "register.title", request: request, context: context, model: RegisterPage(form: RegistrationFields()))
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try context.decodeForm(RegistrationForm.self)
        let result = try await registrations.start(.init(
            identifier: form.identifier, fullName: form.fullName, email: form.email, acceptTerms: form.acceptTerms,
            language: context.language, clientAddress: context.clientAddress))
        switch result {
        case .success(let id):
            return .seeOther("/register/\(id)/activate")
        case .failure(let errors):
            return try pages.page("register", titleKey: "register.title", request: request, context: context, model: RegisterPage(form: form.typed),
                                  errors: pages.fieldErrors(errors.errors, context.language), status: .unprocessableContent)
                .response(from: request, context: context)
        }
    }

    @Sendable func showActivation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await registrations.exists(id: id) else { throw HTTPError(.notFound) }
        return try await activatePage(id: id, request: request, context: context, errors: [])
    }

    @Sendable func activate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try context.decodeForm(ActivationForm.self)
        switch try await registrations.activate(id: id, code: form.code) {
        case .success:
            return .seeOther("/register/\(id)/password")
        case .failure(let error) where error.kind == .notFound:
            throw HTTPError(.notFound)
        case .failure(let error):
            return try await activatePage(id: id, request: request, context: context, errors: [error], status: .unprocessableContent)
        }
    }

    @Sendable func resendCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        switch try await registrations.resend(id: id, clientAddress: context.clientAddress) {
        case .success(let wait):
            // Only say a new code went out when one did; otherwise the page shows the wait.
            return .seeOther(wait == 0 ? "/register/\(id)/activate?resent=1" : "/register/\(id)/activate")
        case .failure(let error) where error.kind == .notFound:
            throw HTTPError(.notFound)
        case .failure(let error):
            return try await activatePage(id: id, request: request, context: context, errors: [error], status: .tooManyRequests)
        }
    }

    @Sendable func showPassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await registrations.awaitsPassword(id: id) else {
            throw HTTPError(.notFound)
        }
        return try passwordPage(id: id, request: request, context: context, errors: [])
    }

    @Sendable func setPassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try context.decodeForm(PasswordForm.self)
        let result = try await registrations.setPassword(
            id: id, password: form.password, confirmation: form.passwordConfirmation, clientAddress: context.clientAddress)
        switch result {
        case .success:
            return .seeOther("/login?registered=1")
        case .failure(let error) where error.kind == .notFound:
            throw HTTPError(.notFound)
        case .failure(let error):
            return try passwordPage(id: id, request: request, context: context, errors: [error], status: .unprocessableContent)
        }
    }

    // MARK: - Pages

    private func activatePage(
        id: String, request: Request, context: AppRequestContext, errors: [ServiceError], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let wait = try await registrations.resendWait(id: id)
        let model = ActivatePage(
            id: id, canResend: wait == 0, resent: request.uri.queryParameters.get("resent") != nil,
            resendWaitText: pages.localizer.text("activate.resendWait", context.language, ["seconds": "\(wait)"]))
        return try pages.page("activate", titleKey: "activate.title", request: request, context: context, model: model,
                              errors: pages.fieldErrors(errors, context.language), status: status)
            .response(from: request, context: context)
    }

    private func passwordPage(
        id: String, request: Request, context: AppRequestContext, errors: [ServiceError], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        try pages.page("password", titleKey: "password.title", request: request, context: context,
                       model: PasswordPage(id: id, context.language, pages.localizer), errors: pages.fieldErrors(errors, context.language),
                       status: status)
            .response(from: request, context: context)
    }
}
