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
                try library.register(Self.localized(text, language, localizer), named: String(name.dropLast(".mustache".count)))
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

    /// The page `template` for this request, titled by the locale key `titleKey`, in the user's language.
    package func page(
        _ template: String, titleKey: String, request: Request, context requestContext: AppRequestContext,
        values: [String: Any] = [:], status: HTTPResponse.Status = .ok
    ) -> HTMLPage {
        var values = values
        values["csrf"] = requestContext.csrfToken
        if let identity = requestContext.identity { values["signedIn"] = ["name": identity.user.fullName] }
        let language = requestContext.language
        return page(template, title: localizer.text(titleKey, language), language: language,
                    path: Self.sameSiteLink(path: request.uri.path, query: request.uri.query), values: values, status: status)
    }

    /// The HTML page: `template` rendered with `values`, then wrapped in the layout.
    package func page(
        _ template: String, title: String, language: Language, path: String, values: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) -> HTMLPage {
        var context = values
        context["lang"] = language.rawValue
        context["brand"] = [
            "operatorName": branding.operatorName, "helpline": branding.helpline, "website": branding.website,
        ]
        let other: Language = language == .french ? .english : .french
        context["switchLanguage"] = [
            "code": other.rawValue,
            "label": localizer.text("language.\(other.rawValue)", other),
            "href": Self.addingQuery(to: path, name: "lang", value: other.rawValue),
        ]
        context["title"] = title
        context["year"] = String(CalendarDay(containing: clock.now()).year)
        let library = libraries[language] ?? libraries[.default]!
        let content = library.render(context, withTemplate: template) ?? ""
        context["content"] = content
        let html = library.render(context, withTemplate: "layout") ?? content
        return HTMLPage(html: html, status: status)
    }

    /// Form field errors as template values: `errors.<field>` holds the translated message.
    package func fieldErrors(_ errors: [ServiceError], _ language: Language) -> [String: Any] {
        var messages: [String: String] = [:]
        var list: [[String: Any]] = []
        for error in errors {
            let text = localizer.text(error.messageKey, language, error.values)
            messages[error.field ?? "form"] = text
            // An empty string would count as true in a section; a form-level error has no field to link to.
            list.append(["field": error.field.map { $0 as Any } ?? false, "message": text])
        }
        return ["errors": messages, "errorList": list, "hasErrors": !errors.isEmpty]
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
