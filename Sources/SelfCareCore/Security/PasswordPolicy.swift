import Foundation

/// NIST SP 800-63B style password rules: 12 to 128 characters of any kind, no composition rules, not a common
/// password and not the identifier itself. Nothing is truncated.
public struct PasswordPolicy: Sendable {
    public static let minimumLength = 12
    public static let maximumLength = 128

    private let commonPasswords: Set<String>

    public init(commonPasswords: Set<String>) {
        self.commonPasswords = commonPasswords
    }

    /// The policy with the bundled list of the 10,000 most common passwords.
    public static let standard = PasswordPolicy(commonPasswords: CommonPasswords.bundled)

    /// Checks a new password chosen by the holder of `identifier`.
    public func check(_ password: String, confirmation: String, identifier: String) throws(PasswordPolicyError) {
        let length = password.count
        guard length >= Self.minimumLength else { throw .tooShort(length) }
        guard length <= Self.maximumLength else { throw .tooLong(length) }
        guard password == confirmation else { throw .confirmationMismatch }
        let folded = password.lowercased()
        guard !commonPasswords.contains(folded) else { throw .common }
        let compactIdentifier = identifier.lowercased().filter { !$0.isWhitespace && $0 != "-" }
        let compactPassword = folded.filter { !$0.isWhitespace && $0 != "-" }
        guard compactPassword != compactIdentifier else { throw .sameAsIdentifier }
    }
}

/// Why a new password is refused; each case has a message key the pages translate.
public enum PasswordPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooShort(Int)
    case tooLong(Int)
    case confirmationMismatch
    case common
    case sameAsIdentifier

    public var messageKey: String {
        switch self {
        case .tooShort: "error.password.tooShort"
        case .tooLong: "error.password.tooLong"
        case .confirmationMismatch: "error.password.mismatch"
        case .common: "error.password.common"
        case .sameAsIdentifier: "error.password.identifier"
        }
    }

    /// A stable code for the API.
    public var code: String {
        switch self {
        case .tooShort: "password_too_short"
        case .tooLong: "password_too_long"
        case .confirmationMismatch: "password_mismatch"
        case .common: "password_too_common"
        case .sameAsIdentifier: "password_is_identifier"
        }
    }

    public var description: String {
        switch self {
        case .tooShort(let length): "the password has \(length) characters; it needs at least \(PasswordPolicy.minimumLength)"
        case .tooLong(let length): "the password has \(length) characters; at most \(PasswordPolicy.maximumLength) are allowed"
        case .confirmationMismatch: "the two passwords differ"
        case .common: "this password is among the most common ones, which attackers try first"
        case .sameAsIdentifier: "the password must not be your identifier"
        }
    }
}

/// The bundled list of the 10,000 most common passwords (derived from zxcvbn's frequency list).
public enum CommonPasswords {
    public static let bundled: Set<String> = {
        guard let url = Bundle.module.url(forResource: "Resources/common-passwords", withExtension: "txt")
                ?? Bundle.module.url(forResource: "common-passwords", withExtension: "txt"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return Set(text.split(whereSeparator: \.isNewline).map { $0.lowercased() })
    }()
}
