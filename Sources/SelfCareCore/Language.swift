import Foundation

/// The languages the portal speaks; French first, as the operator's customers expect.
public enum Language: String, Sendable, CaseIterable, Codable {
    case french = "fr"
    case english = "en"

    public static let `default` = Language.french

    /// Picks the best language from an `Accept-Language` header value, honouring quality weights.
    public static func preferred(acceptLanguage header: String?) -> Language? {
        guard let header else { return nil }
        var best: (language: Language, quality: Double)?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased() else { continue }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: primary) else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            if quality > 0, quality > (best?.quality ?? 0) { best = (language, quality) }
        }
        return best?.language
    }
}
