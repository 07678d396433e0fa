import Foundation
import Hummingbird
import Mustache
import SelfCareCore

/// Renders the server-side pages: a template inside the base layout, with the strings of the user's language.
package struct PageRenderer: Sendable {
    private let library: MustacheLibrary
    package let localizer: Localizer
    private let branding: Branding

    package init(resources: URL, branding: Branding) async throws {
        library = try await MustacheLibrary(directory: resources.appendingPathComponent("templates").path)
        localizer = try Localizer(directory: resources.appendingPathComponent("locales"))
        self.branding = branding
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
        return page(template, title: localizer.text(titleKey, language), language: language, path: request.uri.description,
                    values: values, status: status)
    }

    /// The HTML page: `template` rendered with `values`, then wrapped in the layout.
    package func page(
        _ template: String, title: String, language: Language, path: String, values: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) -> HTMLPage {
        var context = values
        context["t"] = localizer.strings(language)
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
        context["year"] = String(CalendarDay(containing: Date()).year)
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

    static func addingQuery(to path: String, name: String, value: String) -> String {
        var components = URLComponents(string: path) ?? URLComponents()
        var items = (components.queryItems ?? []).filter { $0.name != name }
        items.append(URLQueryItem(name: name, value: value))
        components.queryItems = items
        return components.string ?? "/?\(name)=\(value)"
    }
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
