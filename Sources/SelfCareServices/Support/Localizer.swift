import Foundation
import SelfCareCore
import SelfCareStore

/// Every visible string, from the locale files `Resources/locales/<lang>.json` (nested objects of strings).
package struct Localizer: Sendable {
    private let flat: [Language: [String: String]]

    /// The locale files bundled with the portal.
    package static func bundled() throws -> Localizer {
        guard let directory = bundledDirectory else { throw LocalizerError.missing("Resources/locales") }
        return try Localizer(directory: directory)
    }

    /// Where the bundled locale files are.
    package static var bundledDirectory: URL? {
        Bundle.module.url(forResource: "Resources", withExtension: nil)?.appendingPathComponent("locales")
    }

    package init(directory: URL) throws {
        var flat: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(language.rawValue).json"))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw LocalizerError.notAnObject(language.rawValue)
            }
            var strings: [String: String] = [:]
            Self.flatten(object, prefix: "", into: &strings)
            flat[language] = strings
        }
        self.flat = flat
    }

    /// The text for a dotted `key` (`home.title`), with `{name}` placeholders filled; the key itself when missing.
    package func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        let text = flat[language]?[key] ?? flat[.default]?[key] ?? key
        guard !values.isEmpty else { return text }
        // One pass: a value that itself holds `{name}` is not filled in again.
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            result += values[name] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// Every key of every language, for checking the locale files agree.
    package func keys(_ language: Language) -> Set<String> { Set(flat[language]?.keys ?? [:].keys) }

    private static func flatten(_ object: [String: Any], prefix: String, into strings: inout [String: String]) {
        for (key, value) in object {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if let text = value as? String {
                strings[path] = text
            } else if let child = value as? [String: Any] {
                flatten(child, prefix: path, into: &strings)
            }
        }
    }
}

enum LocalizerError: Error, CustomStringConvertible {
    case notAnObject(String)
    case missing(String)

    var description: String {
        switch self {
        case .notAnObject(let language): "locale file \(language).json must hold a JSON object"
        case .missing(let name): "the bundled \(name) folder is missing"
        }
    }
}
