import Foundation

/// zxcvbn's `most_guessable_match_sequence` (scoring.py): of all ways to cover the password with non-overlapping
/// matches and brute-force stretches, the one an attacker finds first. A sequence of `l` matches costs
///
///     l! × Π(match guesses) + 10000^(l − 1)
///
/// (the orderings of the patterns, and the shorter sequences tried before), minimised by dynamic programming over
/// the end position `k` and the sequence length `l`.
extension PasswordMatcher {
    static let minimumGuessesBeforeGrowingSequence = 10_000.0

    struct SequenceResult {
        let guesses: Double
        let sequence: [PasswordMatch]
    }

    /// The best sequence ending at some `k` with `l` matches: its last match, product term and overall cost.
    private struct Optimum {
        let length: Int
        let match: PasswordMatch
        let product: Double
        let cost: Double
    }

    func mostGuessableMatchSequence(_ password: PasswordText, _ matches: [PasswordMatch]) -> SequenceResult {
        let count = password.count
        guard count > 0 else { return SequenceResult(guesses: 1, sequence: []) }
        var matchesByEnd = [[(match: PasswordMatch, guesses: Double)]](repeating: [], count: count)
        for match in matches {
            matchesByEnd[match.j].append((match, GuessEstimates.guesses(match, in: password)))
        }
        for k in 0..<count {
            matchesByEnd[k] = matchesByEnd[k].enumerated()
                .sorted { ($0.element.match.i, $0.offset) < ($1.element.match.i, $1.offset) }
                .map(\.element)
        }
        // optimal[k] holds, for each length l, the best length-l sequence covering the prefix up to k, inclusive,
        // unless a shorter one there costs no more.
        var optimal = [[Optimum]](repeating: [], count: count)

        func update(_ match: PasswordMatch, guesses: Double, length: Int) {
            tally.steps += 1
            var product = guesses
            if length > 1 {
                product *= optimal[match.i - 1].first { $0.length == length - 1 }!.product
            }
            let cost = Self.factorial(length) * product + Self.lengthPenalty(length)
            let k = match.j
            if optimal[k].contains(where: { $0.length <= length && $0.cost <= cost }) { return }
            let optimum = Optimum(length: length, match: match, product: product, cost: cost)
            if let index = optimal[k].firstIndex(where: { $0.length == length }) {
                optimal[k][index] = optimum
            } else {
                optimal[k].append(optimum)
            }
        }

        func bruteforce(_ i: Int, _ j: Int) -> (PasswordMatch, Double) {
            let match = PasswordMatch(i: i, j: j, pattern: .bruteforce)
            return (match, GuessEstimates.guesses(match, in: password))
        }

        for k in 0..<count {
            for (match, guesses) in matchesByEnd[k] {
                if match.i > 0 {
                    for length in optimal[match.i - 1].map(\.length) {
                        update(match, guesses: guesses, length: length + 1)
                    }
                } else {
                    update(match, guesses: guesses, length: 1)
                }
            }
            let (whole, wholeGuesses) = bruteforce(0, k)
            update(whole, guesses: wholeGuesses, length: 1)
            if k >= 1 {
                for i in 1...k {
                    let (tail, tailGuesses) = bruteforce(i, k)
                    // Two adjacent brute-force stretches are never better than one spanning both.
                    for previous in optimal[i - 1] where !previous.match.isBruteforce {
                        update(tail, guesses: tailGuesses, length: previous.length + 1)
                    }
                }
            }
        }

        var best = optimal[count - 1][0]
        for candidate in optimal[count - 1].dropFirst() where candidate.cost < best.cost {
            best = candidate
        }
        var sequence: [PasswordMatch] = []
        var k = count - 1
        var length = best.length
        while k >= 0 {
            let match = optimal[k].first { $0.length == length }!.match
            sequence.insert(match, at: 0)
            k = match.i - 1
            length -= 1
        }
        return SequenceResult(guesses: best.cost, sequence: sequence)
    }

    private static let factorials: [Double] = (0...170).map { n in
        n <= 1 ? 1 : (2...n).reduce(1.0) { $0 * Double($1) }
    }
    private static let lengthPenalties: [Double] = (0...170).map {
        pow(minimumGuessesBeforeGrowingSequence, Double($0))
    }

    /// l! as a Double (infinite past 170!, where such a sequence can never be the cheapest anyway).
    static func factorial(_ n: Int) -> Double {
        n < factorials.count ? factorials[n] : .infinity
    }

    /// 10000^(l − 1): an attacker tries the shorter sequences first.
    static func lengthPenalty(_ length: Int) -> Double {
        length - 1 < lengthPenalties.count ? lengthPenalties[length - 1] : .infinity
    }
}
