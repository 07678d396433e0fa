import Foundation

/// NIST SP 800-63B style password rules: 12 to 128 characters of any kind, no composition rules, not a common
/// password, not the identifier itself, and not found by a zxcvbn-style guesser in fewer than 10^10 guesses
/// (§5.1.1.2: refuse passwords from breach lists, dictionary words, repetitive or sequential characters and
/// context-specific words). Nothing is truncated.
public struct PasswordPolicy: Sendable {
    public static let minimumLength = 12
    public static let maximumLength = 128
    /// Passwords estimated to fall in fewer than 10^10 guesses are refused.
    public static let minimumGuessesLog10 = 10.0

    private let commonPasswords: Set<String>
    private let strength: PasswordStrength

    public init(commonPasswords: Set<String>, strength: PasswordStrength = .standard) {
        self.commonPasswords = commonPasswords
        self.strength = strength
    }

    /// The policy with the bundled list of the 10,000 most common passwords and the standard strength estimator.
    public static let standard = PasswordPolicy(commonPasswords: CommonPasswords.bundled)

    /// Checks a new password chosen by the holder of `identifier`; `userInputs` are other words personal to the
    /// user or the service (names, e-mail address, the operator's name) that the password must not rest on.
    public func check(_ password: String, confirmation: String, identifier: String,
                      userInputs: [String] = []) throws(PasswordPolicyError) {
        // Counted in code points, as NIST SP 800-63B and the API document count them.
        let length = password.unicodeScalars.count
        guard length >= Self.minimumLength else { throw .tooShort(length) }
        guard length <= Self.maximumLength else { throw .tooLong(length) }
        guard password == confirmation else { throw .confirmationMismatch }
        let folded = password.lowercased()
        guard !commonPasswords.contains(folded) else { throw .common }
        let compactIdentifier = identifier.lowercased().filter { !$0.isWhitespace && $0 != "-" }
        let compactPassword = folded.filter { !$0.isWhitespace && $0 != "-" }
        guard compactPassword != compactIdentifier else { throw .sameAsIdentifier }
        let estimate = strength.estimate(password, userInputs: [identifier] + userInputs)
        guard estimate.guessesLog10 >= Self.minimumGuessesLog10 else { throw .guessable(estimate.weakness ?? .short) }
    }
}

/// Why a new password is refused; each case has a message key the pages translate.
public enum PasswordPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooShort(Int)
    case tooLong(Int)
    case confirmationMismatch
    case common
    case sameAsIdentifier
    /// Found too quickly by a guesser, because of this pattern.
    case guessable(PasswordWeakness)

    public var messageKey: String {
        switch self {
        case .tooShort: "error.password.tooShort"
        case .tooLong: "error.password.tooLong"
        case .confirmationMismatch: "error.password.mismatch"
        case .common: "error.password.common"
        case .sameAsIdentifier: "error.password.identifier"
        case .guessable(let weakness): "error.password.guessable.\(weakness.rawValue)"
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
        case .guessable: "password_too_guessable"
        }
    }

    public var description: String {
        switch self {
        case .tooShort(let length): "the password has \(length) characters; it needs at least \(PasswordPolicy.minimumLength)"
        case .tooLong(let length): "the password has \(length) characters; at most \(PasswordPolicy.maximumLength) are allowed"
        case .confirmationMismatch: "the two passwords differ"
        case .common: "this password is among the most common ones, which attackers try first"
        case .sameAsIdentifier: "the password must not be your identifier"
        case .guessable(let weakness): "this password would be guessed too quickly: \(weakness)"
        }
    }
}

/// The 10,000 most common passwords: the top of zxcvbn's `passwords` frequency list
/// (`Resources/password-lists/passwords.txt`).
public enum CommonPasswords {
    public static let bundled: Set<String> = {
        let passwords = WordLists.zxcvbn.first { $0.source == .passwords }?.words ?? []
        return Set(passwords.prefix(10_000))
    }()
}
