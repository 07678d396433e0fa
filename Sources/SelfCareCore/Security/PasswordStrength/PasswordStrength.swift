import Foundation

/// Estimates how many guesses an attacker needs to find a password, the way zxcvbn does: it finds every known
/// pattern in the password (words, keyboard walks, repeats, sequences, dates, personal data), then searches the
/// cheapest way to cover the whole password with those patterns and brute force.
public struct PasswordStrength: Sendable {
    let dictionaries: WordTrie
    let graphs: [KeyboardGraph]
    /// Whether user inputs are also split into their parts (`jean.dupont@mail.mu` → `jean`, `dupont`, …).
    let splitsUserInputs: Bool

    /// zxcvbn's lists and keyboards, plus common French password words and the AZERTY keyboard.
    public static let standard = PasswordStrength(
        dictionaries: .standard, graphs: KeyboardGraph.standard, splitsUserInputs: true)

    /// Exactly zxcvbn 4.5.0's data and user-input handling, to compare our results with the Python package's.
    static let zxcvbn = PasswordStrength(dictionaries: .zxcvbn, graphs: KeyboardGraph.zxcvbn, splitsUserInputs: false)

    /// Estimates `password` with the standard data; `userInputs` are words personal to the user (identifier,
    /// names, e-mail address, the operator's name) that an attacker would try first.
    public static func estimate(_ password: String, userInputs: [String] = []) -> PasswordEstimate {
        standard.estimate(password, userInputs: userInputs)
    }

    func estimate(_ password: String, userInputs: [String] = []) -> PasswordEstimate {
        let text = PasswordText(password.unicodeScalars)
        let userWords = WordTrie(userWords: UserInputs.rankedWords(userInputs, splitting: splitsUserInputs))
        let matcher = PasswordMatcher(dictionaries: dictionaries, userWords: userWords, graphs: graphs)
        let matches = matcher.omnimatch(text)
        let result = matcher.mostGuessableMatchSequence(text, matches)
        return PasswordEstimate(guesses: result.guesses, sequence: result.sequence, work: matcher.tally.steps)
    }
}

/// How hard a password is to guess, and the pattern that makes it easiest.
public struct PasswordEstimate: Sendable {
    /// The estimated number of guesses needed to find the password.
    public let guesses: Double
    /// The base-10 logarithm of `guesses`: 10 means ten billion guesses.
    public var guessesLog10: Double { log10(guesses) }
    /// The most telling pattern found, or nil when none was (only brute force applies).
    public let weakness: PasswordWeakness?
    /// The patterns and brute-force stretches that together cover the password most cheaply.
    let sequence: [PasswordMatch]
    /// A measure of the work done: trie steps, substitution tables split, matches and candidate sequences weighed.
    let work: Int

    init(guesses: Double, sequence: [PasswordMatch], work: Int) {
        self.guesses = guesses
        self.sequence = sequence
        self.work = work
        self.weakness = Self.weakness(of: sequence)
    }

    /// Personal information if any was used, else the pattern of the longest match (zxcvbn's feedback rule).
    private static func weakness(of sequence: [PasswordMatch]) -> PasswordWeakness? {
        let patterns = sequence.filter { $0.weakness != nil }
        if patterns.contains(where: { $0.weakness == .personalInformation }) { return .personalInformation }
        var longest: PasswordMatch?
        for match in patterns where match.length > (longest?.length ?? 0) {
            longest = match
        }
        return longest?.weakness
    }
}

/// The kind of pattern that makes a password guessable, for the message that tells the user why.
public enum PasswordWeakness: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Built on a password from the lists of most used passwords.
    case commonPassword
    /// Built on a dictionary word, a first name or a surname.
    case word
    /// A walk on a keyboard or keypad, like `qwerty` or `azerty`.
    case keyboardPattern
    /// Repeated characters or groups, like `aaaa` or `abcabc`.
    case repeated
    /// A run like `abcdef` or `987654`.
    case sequence
    /// A date or a recent year.
    case date
    /// The identifier, the user's name or e-mail address, or the operator's name.
    case personalInformation
    /// Nothing recognisable, but too few characters.
    case short

    public var description: String {
        switch self {
        case .commonPassword: "it is built on a very common password"
        case .word: "it is built on a common word or name"
        case .keyboardPattern: "it follows a keyboard pattern"
        case .repeated: "it repeats characters or groups of characters"
        case .sequence: "it contains a sequence like abcd or 1234"
        case .date: "it contains a date or a year"
        case .personalInformation: "it contains personal information such as your identifier or name"
        case .short: "it is too short to resist guessing"
        }
    }
}
