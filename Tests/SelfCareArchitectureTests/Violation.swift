/// One break of the dependency rule, told as the edge it adds, where it is, and what the rule allows instead.
struct Violation: Sendable, Equatable, CustomStringConvertible {
    /// The module the edge starts from, as its folder or target is named.
    let from: String
    /// The module, or the thing (`SQL`, `database engine`), the edge reaches.
    let to: String
    /// `path:line`, relative to the package root.
    let location: String
    let detail: String

    var description: String { "\(from) → \(to): \(location) \(detail)" }
}

extension [Violation] {
    /// Every violation on its own line, for one failure message that shows them all.
    func report(_ title: String) -> String {
        "\(title) (\(count)):\n" + map { "  \($0)" }.joined(separator: "\n")
    }
}
