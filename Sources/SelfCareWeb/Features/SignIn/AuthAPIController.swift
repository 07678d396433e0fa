import Foundation
import Hummingbird
import NIOFoundationCompat
import SelfCareCore
import SelfCareServices

/// The JSON API's registration, session and password-reset endpoints (CONTRACT §6).
struct AuthAPIController {
    let registrations: RegistrationService
    let authentication: AuthenticationService
    let resets: PasswordResetService
    let localizer: Localizer

    struct RegistrationBody: Decodable {
        var identifier: String
        var fullName: String
        var email: String
        var acceptTerms: Bool
    }

    struct CodeBody: Decodable { var code: String }
    struct PasswordBody: Decodable { var password: String; var passwordConfirmation: String }
    struct SessionBody: Decodable { var identifier: String; var password: String }
    struct ResetBody: Decodable { var identifier: String }
    struct ResetCompletionBody: Decodable { var code: String; var password: String; var passwordConfirmation: String }
    struct IDAnswer: Encodable { var id: String }
    struct StatusAnswer: Encodable { var status: String }
    struct SessionAnswer: Encodable { var token: String; var expiresAt: String }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.post("registrations", use: startRegistration)
        router.post("registrations/{id}/activation", use: activateRegistration)
        router.post("registrations/{id}/password", use: completeRegistration)
        router.post("sessions", use: createSession)
        router.delete("sessions/current", use: endSession)
        router.post("password-resets", use: requestPasswordReset)
        router.post("password-resets/{id}", use: completePasswordReset)
    }

    // MARK: - Routes

    @Sendable func startRegistration(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await decode(RegistrationBody.self, request, context)
        let result = try await registrations.start(.init(
            identifier: body.identifier, fullName: body.fullName, email: body.email, acceptTerms: body.acceptTerms,
            language: context.language, clientAddress: context.clientAddress))
        switch result {
        case .success(let id): return try JSONResponse.make(IDAnswer(id: id), status: .accepted)
        case .failure(let errors): throw apiError(errors.errors[0], context.language)
        }
    }

    @Sendable func activateRegistration(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await decode(CodeBody.self, request, context)
        switch try await registrations.activate(id: try context.parameters.require("id"), code: body.code) {
        case .success: return try JSONResponse.make(StatusAnswer(status: "verified"))
        case .failure(let error): throw apiError(error, context.language)
        }
    }

    @Sendable func completeRegistration(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await decode(PasswordBody.self, request, context)
        let result = try await registrations.setPassword(
            id: try context.parameters.require("id"), password: body.password, confirmation: body.passwordConfirmation,
            clientAddress: context.clientAddress)
        switch result {
        case .success: return try JSONResponse.make(StatusAnswer(status: "registered"), status: .created)
        case .failure(let error): throw apiError(error, context.language)
        }
    }

    @Sendable func createSession(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await decode(SessionBody.self, request, context)
        let result = try await authentication.login(
            identifier: body.identifier, password: body.password, kind: .api, clientAddress: context.clientAddress)
        switch result {
        case .success(let session):
            let expires = ISO8601DateFormatter().string(from: session.expiresAt)
            return try JSONResponse.make(SessionAnswer(token: session.token, expiresAt: expires), status: .created)
        case .failure(let error): throw apiError(error, context.language)
        }
    }

    @Sendable func endSession(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        try await authentication.logout(identity, clientAddress: context.clientAddress)
        return Response(status: .noContent)
    }

    @Sendable func requestPasswordReset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await decode(ResetBody.self, request, context)
        switch try await resets.request(identifier: body.identifier, language: context.language, clientAddress: context.clientAddress) {
        case .success(let id): return try JSONResponse.make(IDAnswer(id: id), status: .accepted)
        case .failure(let error): throw apiError(error, context.language)
        }
    }

    @Sendable func completePasswordReset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await decode(ResetCompletionBody.self, request, context)
        let result = try await resets.complete(
            id: try context.parameters.require("id"), code: body.code, password: body.password,
            confirmation: body.passwordConfirmation, clientAddress: context.clientAddress)
        switch result {
        case .success: return try JSONResponse.make(StatusAnswer(status: "passwordChanged"))
        case .failure(let error): throw apiError(error, context.language)
        }
    }

    /// Decodes a JSON body, answering 400 with the offending field when it does not fit.
    private func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: AppRequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError(status: .badRequest, code: "missing_field", key: "missingField", values: ["field": key.stringValue],
                           field: key.stringValue)
        } catch let DecodingError.typeMismatch(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError(status: .badRequest, code: "invalid_field", key: "invalidField", values: ["field": field], field: field)
        } catch {
            throw APIError(status: .badRequest, code: "invalid_json", key: "jsonObject")
        }
    }

    private func apiError(_ error: ServiceError, _ language: Language) -> APIError {
        let status: HTTPResponse.Status = switch error.kind {
        case .invalid: .unprocessableContent
        case .notFound: .notFound
        case .tooMany: .tooManyRequests
        case .unauthorized: .unauthorized
        case .conflict: .conflict
        case .locked, .forbidden: .forbidden
        }
        return APIError(status: status, code: error.code, message: localizer.text(error.messageKey, language, error.values),
                        field: error.field, retryAfter: error.values["seconds"].flatMap(Int.init))
    }
}
