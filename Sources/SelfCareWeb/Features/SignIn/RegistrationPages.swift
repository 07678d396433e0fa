/// The registration form, with what was typed in it.
struct RegisterPage: Sendable {
    let form: RegistrationFields
}

/// The fields of the registration form shown again after a refusal (empty at first).
struct RegistrationFields: Sendable {
    var identifier = ""
    var fullName = ""
    var email = ""
}

/// The form taking the activation code, and the button asking for another one (disabled while the wait runs).
struct ActivatePage: Sendable {
    let id: String
    let canResend: Bool
    /// A new code just went out.
    let resent: Bool
    let resendWaitText: String
}
