/// Repeats (matching.py `repeat_match`): a character or a group repeated, like `aaaa` or `abcabcabc`. The base is
/// estimated on its own, recursively. The search follows Python's regular expressions `(.+)\1+` (greedy) and
/// `(.+?)\1+` (lazy), which cannot cross a line feed.
extension PasswordMatcher {
    func repeatMatches(_ password: PasswordText) -> [PasswordMatch] {
        let scalars = password.scalars
        var matches: [PasswordMatch] = []
        var lastIndex = 0
        while lastIndex < scalars.count {
            let starts = lastIndex..<scalars.count
            guard let start = starts.first(where: { !periods(scalars, at: $0).isEmpty }) else { break }
            let candidates = periods(scalars, at: start)
            let greedyLength = repeatedLength(scalars, at: start, period: candidates.last!)
            let lazyLength = repeatedLength(scalars, at: start, period: candidates.first!)
            let length: Int
            let baseLength: Int
            if greedyLength > lazyLength {
                length = greedyLength
                baseLength = shortestPeriod(scalars[start..<start + greedyLength])
            } else {
                length = lazyLength
                baseLength = candidates.first!
            }
            let base = PasswordText(scalars[start..<start + baseLength])
            let analysis = mostGuessableMatchSequence(base, omnimatch(base))
            let pattern = PasswordMatch.Pattern.repeated(
                baseGuesses: analysis.guesses, repeatCount: Double(length) / Double(baseLength))
            matches.append(PasswordMatch(i: start, j: start + length - 1, pattern: pattern))
            lastIndex = start + length
        }
        return matches
    }

    /// The group lengths, ascending, whose group at `start` is directly repeated at least once.
    private func periods(_ scalars: [Unicode.Scalar], at start: Int) -> [Int] {
        let lineEnd = scalars[start...].firstIndex(of: "\n") ?? scalars.count
        let longest = min(lineEnd - start, (scalars.count - start) / 2)
        guard longest >= 1 else { return [] }
        return (1...longest).filter { scalars[start..<start + $0].elementsEqual(scalars[start + $0..<start + 2 * $0]) }
    }

    /// How far the group of `period` scalars at `start` repeats, in scalars (whole repetitions only).
    private func repeatedLength(_ scalars: [Unicode.Scalar], at start: Int, period: Int) -> Int {
        let group = scalars[start..<start + period]
        var end = start + period
        while end + period <= scalars.count, scalars[end..<end + period].elementsEqual(group) {
            end += period
        }
        return end - start
    }

    /// The shortest group that, repeated at least twice, makes exactly `token` (Python's `^(.+?)\1+$`).
    private func shortestPeriod(_ token: ArraySlice<Unicode.Scalar>) -> Int {
        let count = token.count
        let start = token.startIndex
        return (1...count / 2).first { period in
            count % period == 0 && token.indices.allSatisfy { token[$0] == token[start + ($0 - start) % period] }
        } ?? count
    }
}
