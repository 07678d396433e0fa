import SelfCareCore
import SelfCareStore

/// Judges a password a subscriber chooses: the policy's length and strength rules, fed with what a guesser would try
/// first for this person (the identifier, the operator's name, the person's name and e-mail), and never the
/// identifier itself, even a Client ID known here only by its digest.
struct NewPasswordCheck: Sendable {
    let policy: PasswordPolicy
    let directory: IdentityDirectory
    let operatorName: String

    /// The refusal to show, or nil when the password may be used.
    func refusal(_ password: String, confirmation: String, subject: String, fullName: String?, email: String?) -> ServiceError? {
        let shown = directory.shownInMessages(subject: subject)?.filter { !$0.isWhitespace } ?? ""
        var inputs = [shown, operatorName]
        if let fullName { inputs += fullName.split(whereSeparator: { $0.isWhitespace || $0 == "-" }).map(String.init) }
        if let email, let local = email.split(separator: "@").first {
            inputs += local.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        }
        let values = ["min": "\(PasswordPolicy.minimumLength)", "max": "\(PasswordPolicy.maximumLength)"]
        do {
            try policy.check(password, confirmation: confirmation, identifier: shown, userInputs: inputs.filter { !$0.isEmpty })
        } catch {
            return .field(error == .confirmationMismatch ? "passwordConfirmation" : "password", error.messageKey, code: error.code, values: values)
        }
        if directory.isIdentifier(password, subject: subject) {
            let error = PasswordPolicyError.sameAsIdentifier
            return .field("password", error.messageKey, code: error.code, values: values)
        }
        return nil
    }
}
