import Foundation
import Hummingbird
import Mustache
import SelfCareCore
import SelfCareServices

/// Renders the server-side pages: a template inside the base layout, with the strings of the user's language.
/// Each template is compiled once per language with its `{{t.key}}` strings already in place, so a page only looks
/// up what changes from one request to the next.
package struct PageRenderer: Sendable {
    private let libraries: [Language: MustacheLibrary]
    package let localizer: Localizer
    private let branding: Branding
    /// The clock whose year the footer shows.
    private let clock: any WallClock

    package init(resources: URL, localizer: Localizer, branding: Branding, clock: any WallClock) async throws {
        let folder = resources.appendingPathComponent("templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        var libraries: [Language: MustacheLibrary] = [:]
        for language in Language.allCases {
            var library = MustacheLibrary()
            for name in names {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                let template = String(name.dropLast(".mustache".count))
                try library.register(Self.localized(text, language, localizer), named: template)
                try library.register(Self.body(of: template), named: Self.bodyName(template))
            }
            libraries[language] = library
        }
        self.libraries = libraries
        self.localizer = localizer
        self.branding = branding
        self.clock = clock
    }

    /// `text` with every `{{t.key}}` replaced by the string of `language`, HTML-escaped as Mustache would.
    static func localized(_ text: String, _ language: Language, _ localizer: Localizer) -> String {
        text.replacing(/\{\{t\.([A-Za-z0-9_.]+)\}\}/) { match in
            HTMLText.escaped(localizer.text(String(match.output.1), language))
        }
    }

    /// The page `template` for this request, titled by the locale key `titleKey`, in the user's language: `model`
    /// holds what the template shows, `errors` the refusals of its form.
    func page(
        _ template: String, titleKey: String, request: Request, context requestContext: AppRequestContext,
        model: some Sendable = StaticPage(), errors: FieldErrors = .none, status: HTTPResponse.Status = .ok
    ) -> HTMLPage {
        let language = requestContext.language
        let other: Language = language == .french ? .english : .french
        let path = Self.sameSiteLink(path: request.uri.path, query: request.uri.query)
        let layout = LayoutValues(
            lang: language.rawValue,
            brand: BrandValues(operatorName: branding.operatorName, helpline: branding.helpline, website: branding.website),
            switchLanguage: LanguageSwitch(
                code: other.rawValue, label: localizer.text("language.\(other.rawValue)", other),
                href: Self.addingQuery(to: path, name: "lang", value: other.rawValue)),
            title: localizer.text(titleKey, language), year: String(CalendarDay(containing: clock.now()).year),
            csrf: requestContext.csrfToken, signedIn: requestContext.identity.map { SignedInUser(name: $0.fullName) },
            content: PageBody(fieldErrors: errors, model: model))
        let library = libraries[language] ?? libraries[.default]!
        let content = library.render(MustacheValues.of(layout), withTemplate: Self.bodyName(template)) ?? ""
        let html = library.render(MustacheValues.of(layout.replacing(content: content)), withTemplate: "layout") ?? content
        return HTMLPage(html: html, status: status)
    }

    /// A form's refusals as its template reads them, in `language`.
    func fieldErrors(_ errors: [ServiceError], _ language: Language) -> FieldErrors {
        var messages: [String: String] = [:]
        var list: [FieldError] = []
        for error in errors {
            let text = localizer.text(error.messageKey, language, error.values)
            messages[error.field ?? "form"] = text
            list.append(FieldError(field: error.field, message: text))
        }
        return FieldErrors(errors: messages, errorList: list, hasErrors: !errors.isEmpty)
    }

    /// `template` rendered inside sections that stack its values as Mustache looks names up: the layout's values at
    /// the bottom, then the form's errors, then the page's model on top, read first.
    private static func body(of template: String) -> String {
        "{{#content}}{{#fieldErrors}}{{#model}}{{> \(template)}}{{/model}}{{/fieldErrors}}{{/content}}"
    }

    private static func bodyName(_ template: String) -> String {
        "body:" + template
    }

    /// `link` (a path on this site, as `sameSiteLink` makes it) with `name=value` set in its query.
    static func addingQuery(to link: String, name: String, value: String) -> String {
        let parts = link.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let kept = parts.count > 1
            ? parts[1].split(separator: "&").filter { $0.split(separator: "=", maxSplits: 1).first.map(String.init) != name } : []
        let query = (kept.map(String.init) + ["\(name)=\(value)"]).joined(separator: "&")
        return sameSitePath(String(parts[0])) + "?" + query
    }

    /// A link back to this request's page that stays on this site whatever the request's path was: one leading
    /// slash (`//evil.example/x` would be another site), characters outside a path percent-encoded.
    static func sameSiteLink(path: String, query: String?) -> String {
        let trimmed = path.drop { $0 == "/" || $0 == "\\" }
        let encoded = String(trimmed).addingPercentEncoding(withAllowedCharacters: pathCharacters) ?? ""
        let link = "/" + encoded
        guard let query, !query.isEmpty else { return link }
        return link + "?" + (query.addingPercentEncoding(withAllowedCharacters: queryCharacters) ?? "")
    }

    private static func sameSitePath(_ link: String) -> String {
        "/" + link.drop { $0 == "/" || $0 == "\\" }
    }

    private static let pathCharacters: CharacterSet = {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "\\;")
        allowed.insert("%")
        return allowed
    }()

    private static let queryCharacters: CharacterSet = {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "\\#")
        allowed.insert("%")
        return allowed
    }()
}

/// A rendered HTML page as a response.
package struct HTMLPage: ResponseGenerator, Sendable {
    package var html: String
    package var status: HTTPResponse.Status = .ok

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}

/// HTML escaping of text put into a page: `&`, `<`, `>`, `"` and `'`.
enum HTMLText {
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
