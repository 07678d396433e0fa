import SelfCareCore
import SelfCareServices

/// The login form: the identifier typed (kept after a refusal) and what brought the browser here.
struct LoginPage: Sendable {
    let identifier: String
    /// Just registered.
    let registered: Bool
    /// Just logged out.
    let loggedOut: Bool
    /// Just changed the password.
    let reset: Bool
}

/// The form asking for a password reset code, with the identifier typed.
struct ResetRequestPage: Sendable {
    let identifier: String
}

/// A form choosing a new password (at registration, or with a reset code): the registration or reset id it posts to,
/// and the rules a password must follow.
struct PasswordPage: Sendable {
    let id: String
    let rulesText: String
}

extension PasswordPage {
    /// The form posting to `id`, with the rules in `language`.
    init(id: String, _ language: Language, _ localizer: Localizer) {
        self.init(id: id, rulesText: localizer.text("password.rules", language, [
            "min": "\(PasswordPolicy.minimumLength)", "max": "\(PasswordPolicy.maximumLength)",
        ]))
    }
}
