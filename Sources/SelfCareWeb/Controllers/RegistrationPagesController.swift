import Hummingbird
import SelfCareCore
import SelfCareServices

/// The registration journey in the browser: form → activation code → password → done.
struct RegistrationPagesController {
    let pages: PageRenderer
    let registrations: RegistrationService

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/register") { request, context in
            pages.page("register", titleKey: "register.title", request: request, context: context, values: ["form": [:] as [String: String]])
        }
        router.post("/register") { request, context -> Response in
            let form = context.form
            let result = try await registrations.start(.init(
                identifier: form["identifier"] ?? "", fullName: form["fullName"] ?? "", email: form["email"] ?? "",
                acceptTerms: form["acceptTerms"] == "on", language: context.language, clientAddress: context.clientAddress))
            switch result {
            case .success(let id):
                return .seeOther("/register/\(id)/activate")
            case .failure(let errors):
                var values = pages.fieldErrors(errors.errors, context.language)
                values["form"] = ["identifier": form["identifier"] ?? "", "fullName": form["fullName"] ?? "", "email": form["email"] ?? ""]
                return try pages.page("register", titleKey: "register.title", request: request, context: context, values: values,
                                      status: .unprocessableContent).response(from: request, context: context)
            }
        }
        router.get("/register/{id}/activate") { request, context -> Response in
            let id = try context.parameters.require("id")
            guard try await registrations.registration(id: id) != nil else { throw HTTPError(.notFound) }
            return try await activatePage(id: id, request: request, context: context, errors: [])
        }
        router.post("/register/{id}/activate") { request, context -> Response in
            let id = try context.parameters.require("id")
            switch try await registrations.activate(id: id, code: context.form["code"] ?? "") {
            case .success:
                return .seeOther("/register/\(id)/password")
            case .failure(let error) where error.kind == .notFound:
                throw HTTPError(.notFound)
            case .failure(let error):
                return try await activatePage(id: id, request: request, context: context, errors: [error], status: .unprocessableContent)
            }
        }
        router.post("/register/{id}/resend") { request, context -> Response in
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
        router.get("/register/{id}/password") { request, context -> Response in
            let id = try context.parameters.require("id")
            guard let registration = try await registrations.registration(id: id), registration.status == .verified else {
                throw HTTPError(.notFound)
            }
            return try passwordPage(id: id, request: request, context: context, errors: [])
        }
        router.post("/register/{id}/password") { request, context -> Response in
            let id = try context.parameters.require("id")
            let result = try await registrations.setPassword(
                id: id, password: context.form["password"] ?? "", confirmation: context.form["passwordConfirmation"] ?? "",
                clientAddress: context.clientAddress)
            switch result {
            case .success:
                return .seeOther("/login?registered=1")
            case .failure(let error) where error.kind == .notFound:
                throw HTTPError(.notFound)
            case .failure(let error):
                return try passwordPage(id: id, request: request, context: context, errors: [error], status: .unprocessableContent)
            }
        }
    }

    private func activatePage(
        id: String, request: Request, context: AppRequestContext, errors: [ServiceError], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let wait = try await registrations.resendWait(id: id)
        var values = pages.fieldErrors(errors, context.language)
        values["id"] = id
        values["resendWait"] = wait
        values["canResend"] = wait == 0
        values["resent"] = request.uri.queryParameters.get("resent") != nil
        values["resendWaitText"] = pages.localizer.text("activate.resendWait", context.language, ["seconds": "\(wait)"])
        return try pages.page("activate", titleKey: "activate.title", request: request, context: context, values: values, status: status)
            .response(from: request, context: context)
    }

    private func passwordPage(
        id: String, request: Request, context: AppRequestContext, errors: [ServiceError], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        var values = pages.fieldErrors(errors, context.language)
        values["id"] = id
        values["rulesText"] = pages.localizer.text("password.rules", context.language,
                                                   ["min": "\(PasswordPolicy.minimumLength)", "max": "\(PasswordPolicy.maximumLength)"])
        return try pages.page("password", titleKey: "password.title", request: request, context: context, values: values, status: status)
            .response(from: request, context: context)
    }
}
