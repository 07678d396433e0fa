/// What the layout template reads around every page: the page's language, the operator, the link to the page in the
/// other language, the title, the footer's year, the anti-forgery token and who is signed in (nil: nobody).
/// `content` is what the page adds: its `PageBody` while the page's template renders (found before these values,
/// so the template reads both), then its HTML while the layout renders.
struct LayoutValues<Content: Sendable>: Sendable {
    let lang: String
    let brand: BrandValues
    let switchLanguage: LanguageSwitch
    let title: String
    let year: String
    let csrf: String
    let signedIn: SignedInUser?
    let content: Content

    /// The same values around other content.
    func replacing<Other: Sendable>(content: Other) -> LayoutValues<Other> {
        LayoutValues<Other>(
            lang: lang, brand: brand, switchLanguage: switchLanguage, title: title, year: year, csrf: csrf, signedIn: signedIn,
            content: content)
    }
}

/// The operator as the pages name it.
struct BrandValues: Sendable {
    let operatorName: String
    let helpline: String
    let website: String
}

/// The link to the same page in the other language.
struct LanguageSwitch: Sendable {
    let code: String
    let label: String
    let href: String
}

/// The login a page is shown to.
struct SignedInUser: Sendable {
    let name: String
}

/// What a page's template reads besides the layout's values: its own model first, then the errors of its form.
struct PageBody<Model: Sendable>: Sendable {
    let fieldErrors: FieldErrors
    let model: Model
}

/// The model of a page whose template reads the layout's values only.
struct StaticPage: Sendable {}
