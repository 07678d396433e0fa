/// An `import` declaration of a Swift file: the module it names, its attributes, and its line.
///
/// Read from the blanked code, so an `import` in a comment or a string is not one. Understood forms: `import X`,
/// `import X.Y`, `import struct X.Y` (any declaration kind), attributes (`@testable`, `@_exported`,
/// `@preconcurrency`, `@_spi(…)`) and access levels (`public import X`), and several declarations joined by `;`.
struct ImportStatement: Sendable, Equatable {
    let module: String
    let attributes: [String]
    let line: Int

    var isExported: Bool { attributes.contains("@_exported") }

    private static let modifiers: Set = ["public", "package", "internal", "fileprivate", "private", "open"]
    private static let kinds: Set = ["typealias", "struct", "class", "enum", "protocol", "let", "var", "func"]

    /// Every import declaration of `source`, in order.
    static func all(in source: SwiftSource) -> [ImportStatement] {
        source.codeLines.enumerated().flatMap { index, line in
            line.split(separator: ";").compactMap { parse($0, line: index + 1) }
        }
    }

    private static func parse(_ statement: Substring, line: Int) -> ImportStatement? {
        var words = statement.split(whereSeparator: \.isWhitespace)[...]
        var attributes: [String] = []
        while let word = words.first, word.hasPrefix("@") || modifiers.contains(String(word)) {
            if word.hasPrefix("@") { attributes.append(String(word.prefix { $0 != "(" })) }
            words = words.dropFirst()
        }
        guard words.first == "import" else { return nil }
        words = words.dropFirst()
        if let word = words.first, kinds.contains(String(word)) { words = words.dropFirst() }
        guard let path = words.first, let module = path.split(separator: ".").first, !module.isEmpty else { return nil }
        return ImportStatement(module: String(module), attributes: attributes, line: line)
    }
}
