/// Sequences (matching.py `sequence_match`): runs whose code points move by the same step of at most 5, like
/// `abcdef`, `987654` or `13579`.
extension PasswordMatcher {
    static let maximumSequenceStep = 5

    func sequenceMatches(_ password: PasswordText) -> [PasswordMatch] {
        let scalars = password.scalars
        guard scalars.count > 1 else { return [] }
        var matches: [PasswordMatch] = []
        func add(_ i: Int, _ j: Int, _ delta: Int) {
            guard j - i > 1 || abs(delta) == 1, (1...Self.maximumSequenceStep).contains(abs(delta)) else { return }
            matches.append(PasswordMatch(i: i, j: j, pattern: .sequence(ascending: delta > 0)))
        }
        var i = 0
        var lastDelta: Int?
        for k in 1..<scalars.count {
            let delta = Int(scalars[k].value) - Int(scalars[k - 1].value)
            let previous = lastDelta ?? delta
            lastDelta = previous
            if delta == previous { continue }
            add(i, k - 1, previous)
            i = k - 1
            lastDelta = delta
        }
        add(i, scalars.count - 1, lastDelta!)
        return matches
    }
}
