/// A sign that a piece of Swift breaks a rule: a regular expression, and the words a failure message names it by.
///
/// Patterns are matched case-sensitively, with `\b` at the simple boundary between word and non-word characters.
struct Clue: Sendable {
    let name: String
    let pattern: String
}

/// Clues compiled once for one check.
struct CompiledClues {
    private let clues: [(name: String, regex: Regex<AnyRegexOutput>)]

    init(_ clues: [Clue]) throws {
        self.clues = try clues.map { ($0.name, try Regex($0.pattern).wordBoundaryKind(.simple)) }
    }

    /// Each clue found in `text`, with where it first matches.
    func matches(in text: String) -> [(name: String, at: String.Index)] {
        clues.compactMap { clue in
            guard let match = (try? clue.regex.firstMatch(in: text)) ?? nil else { return nil }
            return (clue.name, match.range.lowerBound)
        }
    }
}
