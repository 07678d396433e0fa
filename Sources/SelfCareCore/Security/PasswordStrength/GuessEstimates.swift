import Foundation

/// zxcvbn's guess estimates for one match (scoring.py `estimate_guesses` and the functions it calls).
enum GuessEstimates {
    static let bruteforceCardinality = 10.0
    static let minimumSubmatchGuessesSingleCharacter = 10.0
    static let minimumSubmatchGuessesMultiCharacter = 50.0
    static let minimumYearSpace = 20
    static let referenceYear = 2017

    static let keyboardStartingPositions = Double(KeyboardGraph.qwerty.adjacency.count)
    static let keyboardAverageDegree = KeyboardGraph.qwerty.averageDegree
    static let keypadStartingPositions = Double(KeyboardGraph.keypad.adjacency.count)
    static let keypadAverageDegree = KeyboardGraph.keypad.averageDegree

    /// The guesses for `match`, at least 10 or 50 when it covers only part of `password`.
    static func guesses(_ match: PasswordMatch, in password: PasswordText) -> Double {
        var minimum = 1.0
        if match.length < password.count {
            minimum = match.length == 1 ? minimumSubmatchGuessesSingleCharacter : minimumSubmatchGuessesMultiCharacter
        }
        let token = password.scalars[match.i...match.j]
        let guesses = switch match.pattern {
        case .bruteforce: bruteforceGuesses(length: token.count)
        case .dictionary(let hit): dictionaryGuesses(hit, token: token)
        case .spatial(let walk): spatialGuesses(walk, length: token.count)
        case .repeated(let baseGuesses, let repeatCount): baseGuesses * repeatCount
        case .sequence(let ascending): sequenceGuesses(token, ascending: ascending)
        case .recentYear(let year): Double(max(abs(year - referenceYear), minimumYearSpace))
        case .date(let year, let hasSeparator):
            Double(max(abs(year - referenceYear), minimumYearSpace) * 365 * (hasSeparator ? 4 : 1))
        }
        return max(guesses, minimum)
    }

    static func bruteforceGuesses(length: Int) -> Double {
        let minimum = length == 1 ? minimumSubmatchGuessesSingleCharacter + 1 : minimumSubmatchGuessesMultiCharacter + 1
        return max(pow(bruteforceCardinality, Double(length)), minimum)
    }

    /// Rank × case variations × l33t variations × 2 if reversed.
    static func dictionaryGuesses(_ hit: DictionaryHit, token: ArraySlice<Unicode.Scalar>) -> Double {
        Double(hit.rank) * uppercaseVariations(token) * l33tVariations(hit, token: token) * (hit.reversed ? 2 : 1)
    }

    /// Lower guesses for obvious starts (`a`, `z`, `0`, `1`, `9`), doubled when descending, times the length.
    static func sequenceGuesses(_ token: ArraySlice<Unicode.Scalar>, ascending: Bool) -> Double {
        let first = token.first!
        var base: Double = "aAzZ019".unicodeScalars.contains(first) ? 4 : first.isDecimalDigit ? 10 : 26
        if !ascending { base *= 2 }
        return base * Double(token.count)
    }

    /// The walks of at most this length and this many turns, times the shifted variations.
    static func spatialGuesses(_ walk: SpatialWalk, length: Int) -> Double {
        let (starts, degree) = switch walk.family {
        case .keyboard: (keyboardStartingPositions, keyboardAverageDegree)
        case .keypad: (keypadStartingPositions, keypadAverageDegree)
        }
        var guesses = 0.0
        if length >= 2 {
            for i in 2...length {
                let possibleTurns = min(walk.turns, i - 1) + 1
                for j in 1..<max(possibleTurns, 1) {
                    guesses += nCk(i - 1, j - 1) * starts * pow(degree, Double(j))
                }
            }
        }
        if walk.shiftedCount > 0 {
            let shifted = walk.shiftedCount
            let unshifted = length - shifted
            if unshifted == 0 {
                guesses *= 2
            } else {
                guesses *= (1...min(shifted, unshifted)).reduce(0.0) { $0 + nCk(shifted + unshifted, $1) }
            }
        }
        return guesses
    }

    /// 1 for lower case, 2 for a capital first or last letter or all capitals, else the ways to place the capitals.
    static func uppercaseVariations(_ token: ArraySlice<Unicode.Scalar>) -> Double {
        let isASCIIUpper = { (scalar: Unicode.Scalar) in (65...90).contains(scalar.value) }
        let isASCIILower = { (scalar: Unicode.Scalar) in (97...122).contains(scalar.value) }
        if !token.contains(where: isASCIIUpper) || token.elementsEqual(token.map(\.loweredForMatching)) { return 1 }
        let first = token.first!
        let last = token.last!
        if isASCIIUpper(first), token.count > 1, !token.dropFirst().contains(where: isASCIIUpper) { return 2 }
        if isASCIIUpper(last), token.count > 1, !token.dropLast().contains(where: isASCIIUpper) { return 2 }
        if !token.contains(where: isASCIILower) { return 2 }
        let upper = token.filter(\.properties.isUppercase).count
        let lower = token.filter(\.properties.isLowercase).count
        guard min(upper, lower) >= 1 else { return 0 }
        return (1...min(upper, lower)).reduce(0.0) { $0 + nCk(upper + lower, $1) }
    }

    /// 2 per substitution used throughout, else the ways to mix substituted and plain letters.
    static func l33tVariations(_ hit: DictionaryHit, token: ArraySlice<Unicode.Scalar>) -> Double {
        guard !hit.l33t.isEmpty else { return 1 }
        let lowered = token.map(\.loweredForMatching)
        var variations = 1.0
        for (substitute, letter) in hit.l33t {
            let subbed = lowered.filter { $0 == substitute }.count
            let unsubbed = lowered.filter { $0 == letter }.count
            if subbed == 0 || unsubbed == 0 {
                variations *= 2
            } else {
                variations *= (1...min(subbed, unsubbed)).reduce(0.0) { $0 + nCk(subbed + unsubbed, $1) }
            }
        }
        return variations
    }

    /// n choose k, computed as zxcvbn does (in floating point).
    static func nCk(_ n: Int, _ k: Int) -> Double {
        if k > n { return 0 }
        if k == 0 { return 1 }
        var result = 1.0
        var n = Double(n)
        for d in 1...k {
            result *= n
            result /= Double(d)
            n -= 1
        }
        return result
    }
}
