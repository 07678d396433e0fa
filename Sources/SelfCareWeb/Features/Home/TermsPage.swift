/// The terms and conditions, with the version in force.
struct TermsPage: Sendable {
    let termsVersion: String
}
