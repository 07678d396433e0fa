/// A refusal the user can act on: which form field (if any), a message key for the pages and a code for the API.
package struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    package var field: String?
    package var messageKey: String
    package var code: String
    /// Extra values for the message (`{seconds}`).
    package var values: [String: String] = [:]
    /// Whether the API answers 404 (unknown flow), 429 (slow down), 409 (something under way) or 422 (invalid input).
    package var kind: Kind = .invalid

    package enum Kind: Sendable, Equatable {
        case invalid
        case notFound
        case tooMany
        case unauthorized
        /// Something under way stands in the way (409).
        case conflict
        /// Locked until the holder acts (a password reset) or a day passes (403).
        case locked
        /// Not for this login (403).
        case forbidden
    }

    package var description: String { "\(code)" }

    static func field(_ field: String, _ key: String, code: String, values: [String: String] = [:]) -> ServiceError {
        ServiceError(field: field, messageKey: key, code: code, values: values)
    }
}

/// Every field error of a submitted form.
package struct FormErrors: Error, Sendable, Equatable {
    package var errors: [ServiceError]
}
