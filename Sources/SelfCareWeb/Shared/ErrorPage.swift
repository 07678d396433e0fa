/// The page of an error: what went wrong, in words.
struct ErrorPage: Sendable {
    let heading: String
    let message: String
}

/// A page that only says something: a heading, a text, perhaps a link onwards (`link`, `linkText`), perhaps the way
/// back to the subscriber's space (`back`).
struct MessagePage: Sendable {
    let heading: String
    let text: String
    var link: String?
    var linkText: String?
    let back: Bool
}
