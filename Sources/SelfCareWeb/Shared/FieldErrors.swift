/// The refusals of a submitted form as its template reads them: `errors.<field>` is a field's message (`errors.form`
/// one about the whole form), `errorList` the summary above the form, `hasErrors` whether there is any.
struct FieldErrors: Sendable {
    let errors: [String: String]
    let errorList: [FieldError]
    let hasErrors: Bool

    /// A form with nothing refused (or a page without a form).
    static let none = FieldErrors(errors: [:], errorList: [], hasErrors: false)
}

/// A line of the error summary: the message, linked to its field when it has one.
struct FieldError: Sendable {
    let field: String?
    let message: String
}
