/// Finds every pattern in a password, as zxcvbn's `omnimatch`; made for one estimate with that user's words.
struct PasswordMatcher {
    let dictionaries: WordTrie
    let userWords: WordTrie
    let graphs: [KeyboardGraph]
    /// Counts the work done, across the recursive analysis of repeated groups too.
    let tally = WorkTally()

    /// All matches of every kind, ordered by start then end, as zxcvbn orders them.
    func omnimatch(_ password: PasswordText) -> [PasswordMatch] {
        var matches = dictionaryMatches(password)
        matches += reverseDictionaryMatches(password)
        matches += l33tMatches(password)
        matches += spatialMatches(password)
        matches += repeatMatches(password)
        matches += sequenceMatches(password)
        matches += recentYearMatches(password)
        matches += dateMatches(password)
        tally.steps += matches.count
        return sortedByPosition(matches)
    }

    /// A stable sort by (i, j), like Python's `sorted(key=lambda m: (m['i'], m['j']))`.
    func sortedByPosition(_ matches: [PasswordMatch]) -> [PasswordMatch] {
        matches.enumerated()
            .sorted { ($0.element.i, $0.element.j, $0.offset) < ($1.element.i, $1.element.j, $1.offset) }
            .map(\.element)
    }
}

/// A counter of the work done during one estimate: trie steps, tables split, matches and candidate sequences.
final class WorkTally {
    var steps = 0
}
