/// The login form.
struct LoginForm: Decodable {
    let identifier: String
    let password: String

    private enum CodingKeys: String, CodingKey {
        case identifier, password
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        identifier = try fields.text(.identifier)
        password = try fields.text(.password)
    }
}

/// The form asking for a password reset code.
struct ResetRequestForm: Decodable {
    let identifier: String

    private enum CodingKeys: String, CodingKey {
        case identifier
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        identifier = try fields.text(.identifier)
    }
}

/// The form completing a password reset: the code sent by SMS and the new password, twice.
struct ResetForm: Decodable {
    let code: String
    let password: String
    let passwordConfirmation: String

    private enum CodingKeys: String, CodingKey {
        case code, password, passwordConfirmation
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        code = try fields.text(.code)
        password = try fields.text(.password)
        passwordConfirmation = try fields.text(.passwordConfirmation)
    }
}
