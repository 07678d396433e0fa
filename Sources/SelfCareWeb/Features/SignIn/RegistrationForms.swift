/// The registration form: who registers, and whether the terms were ticked.
struct RegistrationForm: Decodable {
    let identifier: String
    let fullName: String
    let email: String
    let acceptTerms: Bool

    /// What was typed, to show again after a refusal.
    var typed: RegistrationFields {
        RegistrationFields(identifier: identifier, fullName: fullName, email: email)
    }

    private enum CodingKeys: String, CodingKey {
        case identifier, fullName, email, acceptTerms
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        identifier = try fields.text(.identifier)
        fullName = try fields.text(.fullName)
        email = try fields.text(.email)
        acceptTerms = try fields.text(.acceptTerms) == "on"
    }
}

/// The form taking the activation code.
struct ActivationForm: Decodable {
    let code: String

    private enum CodingKeys: String, CodingKey {
        case code
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        code = try fields.text(.code)
    }
}

/// The form choosing the password of a new login, twice.
struct PasswordForm: Decodable {
    let password: String
    let passwordConfirmation: String

    private enum CodingKeys: String, CodingKey {
        case password, passwordConfirmation
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        password = try fields.text(.password)
        passwordConfirmation = try fields.text(.passwordConfirmation)
    }
}
