import Foundation
import Hummingbird
import NIOFoundationCompat
import SelfCareCore
import SelfCareServices

/// Reading JSON request bodies and turning use-case refusals into API errors, the same way for every endpoint.
enum APIRequestBody {
    /// The body decoded as `T`; a body that does not fit answers `status` naming the field.
    static func decode<T: Decodable>(
        _ type: T.Type, _ request: Request, invalidStatus status: HTTPResponse.Status = .badRequest
    ) async throws -> T {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let DecodingError.keyNotFound(key, context) {
            let field = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw APIError(status: status, code: "missing_field", key: "missingField", values: ["field": field], field: field)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
            let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            let field = context.codingPath.filter { $0.intValue == nil }.map(\.stringValue).joined(separator: ".")
            throw APIError(status: status, code: "invalid_field", key: "invalidField", values: ["field": field], field: field)
        } catch {
            throw APIError(status: .badRequest, code: "invalid_json", key: "jsonObject")
        }
    }
}

extension APIError {
    /// A use case's refusal as an API error, its message in the caller's language.
    init(_ error: ServiceError, localizer: Localizer, language: Language) {
        let status: HTTPResponse.Status = switch error.kind {
        case .invalid: .unprocessableContent
        case .notFound: .notFound
        case .tooMany: .tooManyRequests
        case .unauthorized: .unauthorized
        case .conflict: .conflict
        case .locked, .forbidden: .forbidden
        }
        self.init(status: status, code: error.code, message: localizer.text(error.messageKey, language, error.values), field: error.field,
                  retryAfter: error.values["seconds"].flatMap(Int.init))
    }
}
